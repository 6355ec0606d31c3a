package certify

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"

	"sync"
	"time"
)

// maxLine bounds one protocol line: an adapter that writes without ever
// ending a line must not make the harness buffer without end.
const maxLine = 16 << 20

// child is one run of the adapter process. It is started, handshaken,
// called case after case, and killed when anything goes wrong; the
// ProcessAdapter then starts a new one for the next case.
type child struct {
	cmd     *exec.Cmd
	stdin   io.WriteCloser
	stdout  *os.File
	lines   chan line     // every line of stdout; closed at end of file
	done    chan struct{} // closed when the process has exited
	err     error         // how it exited, once done is closed
	abandon chan struct{} // closed when the harness stops listening
	once    sync.Once
	stderr  *stderrPipe
}

// line is one line the adapter wrote, or why there are no more.
type line struct {
	data []byte
	err  error
}

func startChild(cl commandLine) (*child, error) {
	cmd := exec.Command(cl.argv[0], cl.argv[1:]...)
	cmd.Env = append(os.Environ(), cl.env...)
	// stderr is a pipe of our own too (process_stderr.go): an *os.File,
	// so that Wait does not wait for a copy of it.
	stderr, err := newStderrPipe()
	if err != nil {
		return nil, err
	}
	cmd.Stderr = stderr.w
	// A process that leaves children holding a pipe must not hold up Wait
	// for ever.
	cmd.WaitDelay = time.Second
	ownProcessGroup(cmd)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		stderr.close()
		return nil, err
	}
	// stdout is an os.Pipe of our own rather than StdoutPipe, so that
	// reading it and waiting for the process are independent: the exit is
	// seen even when a grandchild keeps the pipe open.
	pr, pw, err := os.Pipe()
	if err != nil {
		stderr.close()
		return nil, err
	}
	cmd.Stdout = pw
	if err := cmd.Start(); err != nil {
		pr.Close()
		pw.Close()
		stderr.close()
		return nil, fmt.Errorf("%w: %w", ErrCommand, err)
	}
	pw.Close() // the child has its copy; ours would keep end of file away
	c := &child{cmd: cmd, stdin: stdin, stdout: pr, lines: make(chan line), done: make(chan struct{}),
		abandon: make(chan struct{}), stderr: stderr}
	go c.read()
	go stderr.read()
	go func() {
		c.err = cmd.Wait()
		close(c.done)
	}()
	return c, nil
}

// read hands every non-blank line of the adapter's stdout to lines, in
// order, until end of file or until the harness abandons the process.
func (c *child) read() {
	defer close(c.lines)
	br := bufio.NewReaderSize(c.stdout, 64<<10)
	for {
		data, err := readLine(br)
		var l line
		switch {
		case err != nil && err != io.EOF:
			l.err = err
		case len(bytes.TrimSpace(data)) > 0:
			l.data = data
		}
		if l.err != nil || l.data != nil {
			select {
			case c.lines <- l:
			case <-c.abandon:
				return
			}
		}
		if err != nil {
			return
		}
	}
}

// readLine reads one line without its end, up to maxLine bytes; the last
// line may lack its newline (then err is io.EOF).
func readLine(br *bufio.Reader) ([]byte, error) {
	var buf []byte
	for {
		part, err := br.ReadSlice('\n')
		buf = append(buf, part...)
		switch {
		case err == bufio.ErrBufferFull && len(buf) > maxLine:
			return nil, fmt.Errorf("a line longer than %d MiB", maxLine>>20)
		case err == bufio.ErrBufferFull:
			continue
		}
		return bytes.TrimRight(buf, "\r\n"), err
	}
}

// send writes one message line to the adapter's stdin.
func (c *child) send(msg any) error {
	_, err := c.stdin.Write(encodeLine(msg))
	return err
}

// next waits for the adapter's next line, at most until deadline. It
// tells apart an answer, a process that exited (and how) and silence.
func (c *child) next(deadline <-chan time.Time, cancel <-chan struct{}) ([]byte, error) {
	select {
	case l, ok := <-c.lines:
		return c.got(l, ok)
	case <-c.done:
		// It exited; a last line may still be on its way through the
		// pipe: end of file comes right after it.
		select {
		case l, ok := <-c.lines:
			return c.got(l, ok)
		case <-time.After(time.Second): // a grandchild holds stdout open
			return nil, c.exited()
		}
	case <-deadline:
		return nil, errSilent
	case <-cancel:
		return nil, errCancelled
	}
}

func (c *child) got(l line, ok bool) ([]byte, error) {
	switch {
	case !ok:
		select {
		case <-c.done:
		case <-time.After(time.Second): // closed stdout but lives on: gone all the same
		}
		return nil, c.exited()
	case l.err != nil:
		return nil, fmt.Errorf("reading its output: %w", l.err)
	}
	return l.data, nil
}

// errSilent and errCancelled are how next reports a deadline and a
// cancelled call; the caller words the message.
var (
	errSilent    = errors.New("silent")
	errCancelled = errors.New("cancelled")
)

func (c *child) exited() error {
	select {
	case <-c.done:
		if c.err == nil {
			return errors.New("the adapter exited (status 0)")
		}
		return fmt.Errorf("the adapter exited (%v)", c.err)
	default:
		return errors.New("the adapter closed its stdout")
	}
}

// stop ends the process gently: stdin closed (the protocol's "no more
// calls"), a grace period to exit on its own, then killed with whatever
// it started.
func (c *child) stop(grace time.Duration) {
	c.stdin.Close()
	select {
	case <-c.done:
	case <-time.After(grace):
	}
	c.kill()
}

// kill ends the process and its process group at once, waits for it, and
// lets go of its output.
func (c *child) kill() {
	c.once.Do(func() {
		killProcessGroup(c.cmd)
		<-c.done
		close(c.abandon)
		c.stdout.Close() // unblocks the reader if a grandchild holds the pipe
		c.stderr.close()
	})
}

// stderrLog returns what the adapter wrote to stderr since the last call,
// once all of it has been read: for a failure message.
func (c *child) stderrLog() string { return c.stderr.take() }
