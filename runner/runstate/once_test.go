package runstate

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestOnce(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *State) {
		errDown := errors.New("control API down")
		if _, err := s.Once("acct default", func() (string, error) { return "", errDown }); !errors.Is(err, errDown) {
			t.Fatalf("Once error %v, want the produce's own", err)
		}
		if _, err := s.Once("acct default", func() (string, error) { return "", nil }); err == nil {
			t.Fatal("an empty value was stored")
		}
		produced := 0
		produce := func() (string, error) { produced++; return fmt.Sprintf("value-%d", produced), nil }
		var wg sync.WaitGroup
		got := make([]string, 8)
		for i := range got {
			wg.Go(func() { got[i], _ = s.Once("acct default", produce) })
		}
		wg.Wait()
		for i, v := range got {
			if v != "value-1" {
				t.Errorf("caller %d got %q, want the one value", i, v)
			}
		}
		if produced != 1 {
			t.Errorf("produced %d times after the failures, want 1", produced)
		}
		// Another key is another value; a token key of the same name is
		// another thing altogether.
		if v, _ := s.Once("acct other", produce); v != "value-2" {
			t.Errorf("another key: %q", v)
		}
		if tok, err := s.Token("acct default", fixedFetch("token-of-a-key", time.Hour)); err != nil || tok != "token-of-a-key" {
			t.Errorf("Token of the same name: %q, %v", tok, err)
		}
	})
}

// helperOnce asks for one key's value from several goroutines, with a
// slow produce that logs each call, as helperTokens does.
func helperOnce(s *State, dir string, goroutines int) ([]string, error) {
	produce := func() (string, error) {
		f, err := os.OpenFile(filepath.Join(dir, "produced.log"), os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
		if err != nil {
			return "", err
		}
		defer f.Close()
		if _, err := fmt.Fprintf(f, "%d\n", os.Getpid()); err != nil {
			return "", err
		}
		time.Sleep(100 * time.Millisecond)
		return fmt.Sprintf("account-of-process-%d", os.Getpid()), nil
	}
	values := make([]string, goroutines)
	errs := make([]error, goroutines)
	var wg sync.WaitGroup
	for i := range goroutines {
		wg.Go(func() { values[i], errs[i] = s.Once(crossKey, produce) })
	}
	wg.Wait()
	return values, errors.Join(errs...)
}

func TestOnceAcrossProcesses(t *testing.T) {
	if testing.Short() {
		t.Skip("starts helper processes")
	}
	dir := t.TempDir()
	outs := runHelpers[[]string](t, "once", dir, 3, helperGoroutinesEnv+"=3")
	log, err := os.ReadFile(filepath.Join(dir, "produced.log"))
	if err != nil {
		t.Fatal(err)
	}
	if calls := strings.Fields(string(log)); len(calls) != 1 {
		t.Errorf("produced by processes %v, want once", calls)
	}
	for i, values := range outs {
		for _, v := range values {
			if v != outs[0][0] {
				t.Errorf("process %d got %q, process 1 %q", i+1, v, outs[0][0])
			}
		}
	}
}
