package certify

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
)

// The adapter's stderr is attributed to the case during which it was
// written (PROTOCOL.md, "stderr"). Reading it in the background, as it
// comes, is not enough: when the result line arrives on stdout, what the
// adapter wrote to stderr just before may still be in the pipe, and would
// go missing from its case or show in the next one. So the harness keeps
// a write end of the adapter's stderr pipe for itself, and at each edge of
// a case writes a marker into it: a pipe keeps the order of writes, so
// once the reader has reached the marker, everything the adapter wrote
// before it (before its result line, in its own program order) has been
// read. A marker is one short write, which a pipe never interleaves with
// another write (POSIX: writes of at most PIPE_BUF bytes are atomic), and
// carries a random nonce, so that nothing the adapter writes can pass for
// one. No cooperation from the adapter is needed.

// stderrTail is how much of the adapter's log a failure message shows.
const stderrTail = 2048

// syncWait bounds how long the harness waits for the reader to reach a
// marker. The reader only copies bytes, so it gets there at once; the
// bound keeps a wedged pipe from holding up a run.
const syncWait = 2 * time.Second

// stderrPipe is the adapter's stderr: the child writes to one end, the
// harness reads the other and keeps a write end for its markers.
type stderrPipe struct {
	r, w *os.File
	log  *stderrLog
	// prefix starts every marker of this pipe; seq numbers the markers.
	prefix []byte
	seq    int
}

// newStderrPipe makes the pipe. The child gets w as its stderr, and the
// harness keeps w open to write its markers.
func newStderrPipe() (*stderrPipe, error) {
	r, w, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	nonce := make([]byte, 12)
	_, _ = rand.Read(nonce) // never fails (crypto/rand)
	prefix := []byte("\x00shopconform-stderr-sync-" + hex.EncodeToString(nonce) + "-")
	l := &stderrLog{prefix: prefix}
	l.changed = sync.NewCond(&l.mu)
	return &stderrPipe{r: r, w: w, log: l, prefix: prefix}, nil
}

// read copies the adapter's stderr into the log until the pipe is closed.
func (p *stderrPipe) read() {
	buf := make([]byte, 32<<10)
	for {
		n, err := p.r.Read(buf)
		p.log.add(buf[:n])
		if err != nil {
			p.log.finish()
			return
		}
	}
}

// take waits until everything the adapter wrote to stderr so far has been
// read, and returns what it wrote since the last take.
func (p *stderrPipe) take() string {
	p.seq++
	marker := append(append([]byte{}, p.prefix...), strconv.Itoa(p.seq)+"\x00"...)
	// The write end is in blocking mode (the child was handed it), so the
	// write cannot have a deadline; the reader drains the pipe all along,
	// so a marker never waits for room long.
	if _, err := p.w.Write(marker); err == nil {
		p.log.await(p.seq, syncWait)
	}
	return p.log.take()
}

// close ends the stream: the reader stops at end of file.
func (p *stderrPipe) close() {
	p.w.Close()
	p.r.Close()
}

// stderrLog is what the reader found: the adapter's bytes since the last
// take (their end, when there are many), and the last marker reached.
type stderrLog struct {
	mu      sync.Mutex
	changed *sync.Cond
	prefix  []byte
	buf     []byte
	cut     bool
	pending []byte // bytes that may be the start of a marker
	reached int
	done    bool
}

// add takes bytes from the pipe, strips the markers and notes them.
func (l *stderrLog) add(b []byte) {
	l.mu.Lock()
	defer l.mu.Unlock()
	data := append(l.pending, b...)
	l.pending = nil
	for {
		i := bytes.Index(data, l.prefix)
		if i < 0 {
			keep := partialPrefix(data, l.prefix)
			l.keep(data[:len(data)-keep])
			l.pending = append([]byte{}, data[len(data)-keep:]...)
			return
		}
		l.keep(data[:i])
		end := bytes.IndexByte(data[i+len(l.prefix):], 0)
		if end < 0 {
			l.pending = append([]byte{}, data[i:]...)
			return
		}
		if n, err := strconv.Atoi(string(data[i+len(l.prefix) : i+len(l.prefix)+end])); err == nil {
			l.reached = n
			l.changed.Broadcast()
		}
		data = data[i+len(l.prefix)+end+1:]
	}
}

// partialPrefix is the length of the longest end of data that begins
// prefix: it may be a marker cut in two by a read.
func partialPrefix(data, prefix []byte) int {
	for k := min(len(data), len(prefix)-1); k > 0; k-- {
		if bytes.HasPrefix(prefix, data[len(data)-k:]) {
			return k
		}
	}
	return 0
}

// keep appends the adapter's own bytes, holding on to their end only.
func (l *stderrLog) keep(b []byte) {
	l.buf = append(l.buf, b...)
	if len(l.buf) > 2*stderrTail {
		l.buf = append(l.buf[:0], l.buf[len(l.buf)-stderrTail:]...)
		l.cut = true
	}
}

func (l *stderrLog) finish() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.keep(l.pending)
	l.pending, l.done = nil, true
	l.changed.Broadcast()
}

// await waits until the reader has reached marker seq, at most for wait.
func (l *stderrLog) await(seq int, wait time.Duration) {
	expired := false
	timer := time.AfterFunc(wait, func() {
		l.mu.Lock()
		expired = true
		l.changed.Broadcast()
		l.mu.Unlock()
	})
	defer timer.Stop()
	l.mu.Lock()
	defer l.mu.Unlock()
	for l.reached < seq && !l.done && !expired {
		l.changed.Wait()
	}
}

// take returns the log since the last take, its last stderrTail bytes.
func (l *stderrLog) take() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	b, cut := l.buf, l.cut
	if len(b) > stderrTail {
		b, cut = b[len(b)-stderrTail:], true
	}
	s := strings.TrimSpace(string(b))
	if cut && s != "" {
		s = "…" + s
	}
	l.buf, l.cut = l.buf[:0], false
	return s
}
