package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/shopconform/shopconform/refsandbox"
	"github.com/shopconform/shopconform/refsandbox/merchantsim"
	"github.com/shopconform/shopconform/runner"
	"github.com/shopconform/shopconform/runner/accounts"
)

const defaultServeAddr = "127.0.0.1:8089"

func serveCmd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("serve", stderr)
	addr := fs.String("addr", defaultServeAddr, "loopback address to listen on; port 0 picks a free port")
	accountsOut := fs.String("accounts-out", "", "write the account profiles' credentials to this file (for SHOPCONFORM_ACCOUNTS)")
	profilesFile := fs.String("profiles", "", "a JSON file of account profiles that replace or add to the built-in ones")
	replay := fs.Bool("replay", false, "serve the committed cassettes instead of the reference sandbox, one case at a time (POST "+runner.ReplayBeginPath+" {\"case\": ID}, then "+runner.ReplayEndPath+")")
	fixturesDir := fs.String("fixtures", "", "with --replay: a fixtures folder (cases and cassettes/) instead of the built-in ones")
	allowRemote := fs.Bool("allow-remote", false, "listen on an address other than loopback too (the sandbox hands out credentials and its control API: only on a network you trust)")
	controlToken := fs.String("control-token", "", "the control API's bearer token (default: a random one, written into --accounts-out)")
	tlsOpts := registerTLSFlags(fs, "the API", "a temporary file, removed when serve stops")
	if code, ok := parse(fs, args); !ok {
		return code
	}
	if err := checkLoopback(*addr); err != nil && !*allowRemote {
		fmt.Fprintf(stderr, "serve: --addr %s (or add --allow-remote)\n", err)
		return exitUsage
	}
	if err := tlsOpts.check(); err != nil {
		fmt.Fprintf(stderr, "serve: %v\n", err)
		return exitUsage
	}
	if *replay {
		if *accountsOut != "" || *profilesFile != "" {
			fmt.Fprintln(stderr, "serve: --accounts-out and --profiles are the reference sandbox's; with --replay, "+runner.ReplayBeginPath+" answers each case's account")
			return exitUsage
		}
		return serveReplay(ctx, *addr, *fixturesDir, tlsOpts, stdout, stderr)
	}
	if *fixturesDir != "" {
		fmt.Fprintln(stderr, "serve: --fixtures needs --replay: the reference sandbox never reads the cases")
		return exitUsage
	}
	// The merchant simulator that /shop/coupon/confirm calls back, on its
	// own loopback port for as long as the sandbox serves.
	merchant, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintf(stderr, "serve: merchant simulator: %v\n", err)
		return exitFailures
	}
	merchantSrv := &http.Server{Handler: merchantsim.New(), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = merchantSrv.Serve(merchant) }()
	defer merchantSrv.Close()
	opts := refsandbox.Options{MerchantURL: "http://" + merchant.Addr().String(), ControlToken: *controlToken}
	if *profilesFile != "" {
		profiles, err := readProfiles(*profilesFile)
		if err != nil {
			fmt.Fprintf(stderr, "serve: --profiles: %v\n", err)
			return exitUsage
		}
		opts.Profiles = profiles
	}
	sb, err := refsandbox.New(opts)
	if err != nil {
		fmt.Fprintf(stderr, "serve: %v\n", err)
		return exitUsage
	}
	ln, caFile, done, err := serveListen(*addr, tlsOpts)
	if err != nil {
		fmt.Fprintf(stderr, "serve: %v\n", err)
		return exitFailures
	}
	defer done()
	if *accountsOut != "" {
		if err := accounts.Write(*accountsOut, runner.SandboxAccounts(sb)); err != nil {
			ln.Close()
			fmt.Fprintf(stderr, "serve: --accounts-out: %v\n", err)
			return exitFailures
		}
	}
	fmt.Fprintf(stdout, "shopconform reference sandbox listening on %s\n", serveURL(ln, caFile))
	if caFile != "" {
		tlsLine(stdout, caFile)
	}
	if *accountsOut != "" {
		fmt.Fprintf(stdout, "account credentials and the control token written to %s\n", *accountsOut)
	}
	if *allowRemote {
		fmt.Fprintln(stderr, "serve: --allow-remote: anyone who reaches this address can read credentials of its accounts through the control API with the token")
	}
	return serveUntilDone(ctx, ln, sb.Handler(), stderr)
}

// serveReplay serves the cassettes over HTTP: any SDK can then be tried
// offline, case by case, against exactly what the replay target answers.
func serveReplay(ctx context.Context, addr, fixturesDir string, tlsOpts tlsFlags, stdout, stderr io.Writer) int {
	srv, err := runner.NewReplayServer(runner.ReplayServerOptions{Fixtures: fixturesDir})
	if err != nil {
		fmt.Fprintf(stderr, "serve: --replay: %v\n", err)
		return exitUsage
	}
	ln, caFile, done, err := serveListen(addr, tlsOpts)
	if err != nil {
		fmt.Fprintf(stderr, "serve: %v\n", err)
		return exitFailures
	}
	defer done()
	fmt.Fprintf(stdout, "shopconform replay server listening on %s (%d cases: POST %s {\"case\": \"<id>\"}, then %s)\n",
		serveURL(ln, caFile), srv.Cases(), runner.ReplayBeginPath, runner.ReplayEndPath)
	if caFile != "" {
		tlsLine(stdout, caFile)
	}
	return serveUntilDone(ctx, ln, srv.Handler(), stderr)
}

// serveListen listens on addr, over TLS with --tls: caFile is then the CA
// certificate clients must trust. done removes what --tls left behind.
func serveListen(addr string, t tlsFlags) (ln net.Listener, caFile string, done func(), err error) {
	srv, caFile, done, err := serveTLS(t)
	if err != nil {
		return nil, "", done, err
	}
	if ln, err = net.Listen("tcp", addr); err != nil {
		done()
		return nil, "", func() {}, err
	}
	if srv != nil {
		ln = srv.Listen(ln)
	}
	return ln, caFile, done, nil
}

// serveURL is the base URL clients use: https under --tls.
func serveURL(ln net.Listener, caFile string) string {
	if caFile != "" {
		return "https://" + ln.Addr().String()
	}
	return "http://" + ln.Addr().String()
}

// checkLoopback refuses any address but loopback: the sandbox hands out
// credentials and must not be reachable from other hosts.
func checkLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("%q is not host:port (e.g. %s)", addr, defaultServeAddr)
	}
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("%q is not a loopback address: use 127.0.0.1 or [::1]", addr)
	}
	return nil
}

func readProfiles(path string) ([]refsandbox.Profile, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return refsandbox.LoadProfiles(f, path)
}

func serveUntilDone(ctx context.Context, ln net.Listener, h http.Handler, stderr io.Writer) int {
	// A client that refuses the certificate of --tls is named on stderr
	// (http.Server logs the handshake), not on the standard logger.
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, ErrorLog: log.New(stderr, "serve: ", 0)}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		fmt.Fprintf(stderr, "serve: %v\n", err)
		return exitFailures
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil && !errors.Is(err, http.ErrServerClosed) {
		fmt.Fprintf(stderr, "serve: shutting down: %v\n", err)
		return exitFailures
	}
	return exitOK
}
