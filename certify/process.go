package certify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"
)

// DefaultProcessTimeout is how long an adapter process may take to answer
// the handshake or one call when Process is given no timeout.
const DefaultProcessTimeout = 10 * time.Second

// ErrCommand marks an adapter command that cannot be started at all (no
// such program, not executable, not a command line): bad usage rather than
// a finding about the SDK.
var ErrCommand = errors.New("the adapter command cannot start")

// stopGrace is how long Close lets the adapter exit on its own once its
// stdin is closed, before it is killed.
const stopGrace = 2 * time.Second

// ProcessAdapter is an Adapter whose SDK runs in another process, in any
// language, speaking the protocol of PROTOCOL.md on its stdin and stdout.
// The SDK sends to a loopback HTTP server the adapter owns, which forwards
// every request through the harness's Env: the out-of-process SDK is
// recorded and checked exactly as an in-process one, on every target,
// replay included.
type ProcessAdapter struct {
	cmd     commandLine
	command string
	timeout time.Duration
	sdk     SDK

	srv  *http.Server
	base string // the loopback server's URL, the adapter's base_url

	mu    sync.Mutex // one call at a time, as the protocol wants
	child *child     // nil between a failure and the next call
	// closed is set by Close; a call after it fails.
	closed bool

	fmu sync.Mutex
	fwd *forwarding // the call in progress, for the loopback server
}

// Process starts command (split like a simple shell command: blanks,
// quotes, leading NAME=value environment words; no shell runs), shakes
// hands with it, and returns the adapter. timeout bounds the handshake and
// each call; a silent, crashed or garbled adapter fails that case and is
// restarted for the next. Close it when done.
func Process(command string, timeout time.Duration, opts ...ProcessOption) (*ProcessAdapter, error) {
	cl, err := splitCommand(command)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrCommand, err)
	}
	o := newProcessConfig(opts)
	cl.env = append(o.env(), cl.env...)
	if timeout <= 0 {
		timeout = DefaultProcessTimeout
	}
	// Loopback only: the server forwards with the account's token to
	// whatever target the run uses, and must be reachable from this host
	// alone.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("the adapter's loopback server: %w", err)
	}
	ln, scheme := o.listen(ln)
	p := &ProcessAdapter{cmd: cl, command: command, timeout: timeout, base: scheme + "://" + ln.Addr().String()}
	p.srv = &http.Server{Handler: http.HandlerFunc(p.forward), ReadHeaderTimeout: timeout, ErrorLog: o.errorLog()}
	go func() { _ = p.srv.Serve(ln) }()
	c, sdk, err := p.start()
	if err != nil {
		p.srv.Close()
		return nil, err
	}
	p.child, p.sdk = c, sdk
	return p, nil
}

// SDK is what the adapter named in its handshake.
func (p *ProcessAdapter) SDK() SDK { return p.sdk }

// BaseURL is the loopback server the adapter's SDK sends to.
func (p *ProcessAdapter) BaseURL() string { return p.base }

// start runs the command and shakes hands.
func (p *ProcessAdapter) start() (*child, SDK, error) {
	c, err := startChild(p.cmd)
	if err != nil {
		return nil, SDK{}, fmt.Errorf("adapter %q: %w", p.command, err)
	}
	fail := func(format string, args ...any) (*child, SDK, error) {
		log := c.stderrLog()
		c.kill()
		return nil, SDK{}, fmt.Errorf("adapter %q: "+format+"%s", append(append([]any{p.command}, args...), logBlock(log))...)
	}
	if err := c.send(helloMsg{Type: msgHello, Protocol: Protocol}); err != nil {
		return fail("sending the hello: %v", err)
	}
	timer := time.NewTimer(p.timeout)
	defer timer.Stop()
	data, err := c.next(timer.C, nil)
	switch {
	case errors.Is(err, errSilent):
		return fail("no hello within %s", p.timeout)
	case err != nil:
		return fail("no hello: %v", err)
	}
	var hello helloMsg
	if err := json.Unmarshal(data, &hello); err != nil || hello.Type != msgHello {
		return fail("the first line is not a hello: %s (stdout is for the protocol only: log to stderr)", quoteLine(data))
	}
	switch {
	case hello.Protocol != "" && hello.Protocol != Protocol:
		return fail("it speaks %s, the harness %s", hello.Protocol, Protocol)
	case strings.TrimSpace(hello.SDK) == "":
		return fail("its hello names no sdk: %s", quoteLine(data))
	}
	return c, SDK{Name: hello.SDK, Version: hello.Version}, nil
}

// Call hands one case to the adapter process and waits for its result.
// Meanwhile the loopback server forwards what the SDK sends through env.
func (p *ProcessAdapter) Call(ctx context.Context, env Env, req Request) (Answer, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return Answer{}, errors.New("the adapter process was closed")
	}
	if p.child == nil {
		c, _, err := p.start()
		if err != nil {
			return Answer{}, fmt.Errorf("restarting the adapter for case %s: %w", req.Case, err)
		}
		p.child = c
	}
	c := p.child
	// What the adapter wrote to stderr between two calls belongs to
	// neither case.
	c.stderrLog()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	p.setForwarding(&forwarding{ctx: ctx, env: env})
	defer p.setForwarding(nil)

	ans, restart, err := p.exchange(ctx, c, env, req)
	log := c.stderrLog()
	if restart {
		c.kill()
		p.child = nil
	}
	if err != nil {
		return Answer{}, fmt.Errorf("%w%s", err, logBlock(log))
	}
	return ans, nil
}

// exchange sends the call and reads its result. restart is set when the
// process can no longer be trusted to be in step with the harness.
func (p *ProcessAdapter) exchange(ctx context.Context, c *child, env Env, req Request) (ans Answer, restart bool, err error) {
	if err := c.send(newCall(req.Case, p.base, env, req)); err != nil {
		return Answer{}, true, fmt.Errorf("case %s: the adapter does not read its stdin any more (%v); it is restarted for the next case", req.Case, err)
	}
	timer := time.NewTimer(p.timeout)
	defer timer.Stop()
	data, err := c.next(timer.C, ctx.Done())
	switch {
	case errors.Is(err, errSilent):
		return Answer{}, true, fmt.Errorf("case %s: the adapter did not answer within %s; it was killed and is restarted for the next case", req.Case, p.timeout)
	case errors.Is(err, errCancelled):
		return Answer{}, true, fmt.Errorf("case %s: %w; the adapter was stopped", req.Case, context.Cause(ctx))
	case err != nil:
		return Answer{}, true, fmt.Errorf("case %s: %v; it is restarted for the next case", req.Case, err)
	}
	res, bad, err := decodeResult(data)
	switch {
	case errors.Is(err, errNotObject):
		return Answer{}, true, fmt.Errorf("case %s: the adapter wrote a line that is not a JSON object: %s (stdout is for the protocol only: log to stderr); it is restarted for the next case", req.Case, quoteLine(data))
	case err != nil:
		return Answer{}, true, fmt.Errorf("case %s: the adapter's message is out of step: %v: %s; it is restarted for the next case", req.Case, err, quoteLine(data))
	case res.Type != msgResult:
		return Answer{}, true, fmt.Errorf("case %s: the adapter answered a %q message, not a result: %s; it is restarted for the next case", req.Case, res.Type, quoteLine(data))
	case res.ID != req.Case:
		return Answer{}, true, fmt.Errorf("case %s: the adapter answered for id %q instead; it is restarted for the next case", req.Case, res.ID)
	case bad != nil:
		return Answer{}, false, fmt.Errorf("case %s: the adapter's result is a protocol error: %v: %s", req.Case, bad, quoteLine(data))
	case res.Error != "":
		return Answer{}, false, fmt.Errorf("the SDK could not make the call: %s", res.Error)
	case res.Errcode == nil:
		return Answer{}, false, fmt.Errorf("case %s: the adapter's result has neither errcode nor error: %s", req.Case, quoteLine(data))
	case !slices.Contains(vias, res.Via):
		return Answer{}, false, fmt.Errorf("case %s: the adapter's result says via %q, not one of %q", req.Case, res.Via, vias)
	}
	return Answer{Errcode: *res.Errcode, Via: res.Via, Detail: res.Detail}, false, nil
}

var vias = []string{ViaTypedError, ViaResponseField, ViaErrorString}

// Close ends the adapter process (stdin closed, a grace period, then
// killed) and the loopback server.
func (p *ProcessAdapter) Close() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return nil
	}
	p.closed = true
	if p.child != nil {
		p.child.stop(stopGrace)
		p.child = nil
	}
	return p.srv.Close()
}

func (p *ProcessAdapter) setForwarding(f *forwarding) {
	p.fmu.Lock()
	p.fwd = f
	p.fmu.Unlock()
}

// logBlock shows the adapter's stderr during a call at the end of a
// message.
func logBlock(log string) string {
	if log != "" {
		return "\nthe adapter's stderr:\n  | " + strings.ReplaceAll(log, "\n", "\n  | ") + "\n"
	}
	return ""
}

// quoteLine shows a line the adapter wrote, cut to a readable length.
func quoteLine(data []byte) string {
	const most = 200
	if len(data) > most {
		return fmt.Sprintf("%q…", data[:most])
	}
	return fmt.Sprintf("%q", data)
}
