// Package progress tells `shopconform run` how far its suites are: each
// suite process appends small events to a file in the run's state folder,
// and the run draws them as one line that updates on a terminal, or as
// plain lines in a log.
package progress

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// file is where the events go, in the run's state folder.
const file = "progress.log"

// Log is the suites' side. A nil *Log (no run to tell) does nothing.
type Log struct {
	mu sync.Mutex
	f  *os.File
}

// Open appends to the progress file of the run state folder dir; "" (a
// plain go test) gives a nil Log.
func Open(dir string) (*Log, error) {
	if dir == "" {
		return nil, nil
	}
	f, err := os.OpenFile(filepath.Join(dir, file), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return nil, err
	}
	return &Log{f: f}, nil
}

// Plan says how many cases a domain's suite will run.
func (l *Log) Plan(domain string, n int) { l.write("plan", domain, strconv.Itoa(n)) }

// Start says a case began.
func (l *Log) Start(domain, id string) { l.write("start", domain, id) }

// Done says a case ended with outcome.
func (l *Log) Done(domain, id, outcome string) { l.write("done", domain, id, outcome) }

// write appends one line in one write call: appends this small are not
// interleaved between the processes of a run.
func (l *Log) write(fields ...string) {
	if l == nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	_, _ = l.f.WriteString(strings.Join(fields, " ") + "\n")
}

// Watch follows the progress file of dir until ctx ends, drawing to w: a
// single updating line when tty, else a line per suite planned and done.
// It returns once the last drawing is finished.
func Watch(ctx context.Context, dir string, suites int, w io.Writer, tty bool) {
	s := &state{suites: suites, planned: map[string]int{}, done: map[string]int{}, w: w, tty: tty}
	var offset int64
	tick := time.NewTicker(250 * time.Millisecond)
	defer tick.Stop()
	for {
		offset = s.read(filepath.Join(dir, file), offset)
		select {
		case <-ctx.Done():
			s.read(filepath.Join(dir, file), offset)
			if tty && s.drawn {
				fmt.Fprint(w, "\r\033[K")
			}
			return
		case <-tick.C:
		}
	}
}

type state struct {
	suites          int
	order           []string
	planned, done   map[string]int
	total, finished int
	failed          int
	current, domain string
	w               io.Writer
	tty, drawn      bool
}

func (s *state) read(path string, offset int64) int64 {
	f, err := os.Open(path)
	if err != nil {
		return offset
	}
	defer f.Close()
	if _, err := f.Seek(offset, io.SeekStart); err != nil {
		return offset
	}
	r := bufio.NewReader(f)
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			break // a partial line is read again next time
		}
		offset += int64(len(line))
		s.apply(strings.Fields(line))
	}
	if s.tty {
		s.drawLine()
	}
	return offset
}

func (s *state) apply(f []string) {
	switch {
	case len(f) == 3 && f[0] == "plan":
		n, _ := strconv.Atoi(f[2])
		if _, seen := s.planned[f[1]]; !seen {
			s.order = append(s.order, f[1])
		}
		s.planned[f[1]] = n
		s.total += n
		s.plain("%s: %d cases", f[1], n)
	case len(f) == 3 && f[0] == "start":
		s.domain, s.current = f[1], f[2]
	case len(f) == 4 && f[0] == "done":
		s.done[f[1]]++
		s.finished++
		if f[3] == "fail" || f[3] == "error" {
			s.failed++
		}
		if s.done[f[1]] == s.planned[f[1]] {
			s.plain("%s: %d/%d done", f[1], s.done[f[1]], s.planned[f[1]])
		}
	}
}

// plain writes one line when the output is not a terminal.
func (s *state) plain(format string, args ...any) {
	if !s.tty {
		fmt.Fprintf(s.w, "shopconform: "+format+"\n", args...)
	}
}

func (s *state) drawLine() {
	if s.total == 0 {
		return
	}
	line := fmt.Sprintf("shopconform: suite %d/%d · %d/%d cases · %d failed", len(s.order), s.suites, s.finished, s.total, s.failed)
	if s.current != "" {
		line += " · " + s.domain + " " + s.current
	}
	fmt.Fprint(s.w, "\r\033[K"+line)
	s.drawn = true
}
