package certify

import (
	"crypto/tls"
	"io"
	"log"
	"net"
)

// ProcessOption changes how Process runs an adapter.
type ProcessOption func(*processConfig)

type processConfig struct {
	tls    *tls.Config
	caFile string
}

// TLSCAEnv names, in the adapter's environment, the file of the CA
// certificate its SDK must trust when the loopback server speaks HTTPS.
const TLSCAEnv = "SHOPCONFORM_TLS_CA"

// ServeTLS makes the adapter's loopback server speak HTTPS with config, so
// that an SDK that insists on https:// (or whose HTTPS path is the one
// worth certifying) can be certified. caFile is the CA certificate a
// client must trust; the adapter finds it in TLSCAEnv and its base_url
// starts with https://.
func ServeTLS(config *tls.Config, caFile string) ProcessOption {
	return func(c *processConfig) { c.tls, c.caFile = config, caFile }
}

func newProcessConfig(opts []ProcessOption) processConfig {
	var c processConfig
	for _, o := range opts {
		o(&c)
	}
	return c
}

// env is what the options add to the adapter's environment; the
// command's own NAME=value words come after, and win.
func (c processConfig) env() []string {
	if c.tls == nil {
		return nil
	}
	return []string{TLSCAEnv + "=" + c.caFile}
}

// listen wraps the loopback listener and names the scheme it speaks.
func (c processConfig) listen(ln net.Listener) (net.Listener, string) {
	if c.tls == nil {
		return ln, "http"
	}
	return tls.NewListener(ln, c.tls), "https"
}

// errorLog is the loopback server's log: over HTTPS, a certificate the
// SDK refuses is the adapter's error to report, and the case's reason
// says it; a line per refused connection on the harness's stderr would
// only repeat it.
func (c processConfig) errorLog() *log.Logger {
	if c.tls == nil {
		return nil
	}
	return log.New(io.Discard, "", 0)
}
