package runstate

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// forEachBackend runs fn on a process-local state and on one kept in a
// folder: both must behave the same.
func forEachBackend(t *testing.T, fn func(t *testing.T, s *State)) {
	t.Helper()
	for _, name := range []string{"memory", "folder"} {
		t.Run(name, func(t *testing.T) {
			dir := ""
			if name == "folder" {
				dir = t.TempDir()
			}
			s, err := Open(dir)
			if err != nil {
				t.Fatal(err)
			}
			fn(t, s)
		})
	}
}

// clock is a settable time for token expiry.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func TestOpen(t *testing.T) {
	tests := []struct {
		name    string
		prepare func(t *testing.T, dir string) string // returns the dir to open
		wantErr string
	}{
		{"fresh folder", func(t *testing.T, dir string) string { return dir }, ""},
		{"missing folder", func(t *testing.T, dir string) string { return filepath.Join(dir, "nope") }, "no such file"},
		{"a file, not a folder", func(t *testing.T, dir string) string {
			p := filepath.Join(dir, "f")
			writeFile(t, p, "")
			return p
		}, "is not a folder"},
		{"existing state is kept", func(t *testing.T, dir string) string {
			writeFile(t, filepath.Join(dir, stateFile), `{"version":1,"used":3,"faults":0}`)
			return dir
		}, ""},
		{"corrupt state", func(t *testing.T, dir string) string {
			writeFile(t, filepath.Join(dir, stateFile), `{"version":1,`)
			return dir
		}, "reading"},
		{"a field another build wrote", func(t *testing.T, dir string) string {
			writeFile(t, filepath.Join(dir, stateFile), `{"version":1,"used":0,"faults":0,"quota":5}`)
			return dir
		}, `unknown field "quota"`},
		{"another layout version", func(t *testing.T, dir string) string {
			writeFile(t, filepath.Join(dir, stateFile), `{"version":2,"used":0,"faults":0}`)
			return dir
		}, "different builds"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := tt.prepare(t, t.TempDir())
			s, err := Open(dir)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Open: error %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			for _, name := range []string{stateFile, lockFile} {
				info, err := os.Stat(filepath.Join(dir, name))
				if err != nil {
					t.Fatal(err)
				}
				if perm := info.Mode().Perm(); perm != 0o600 {
					t.Errorf("%s has mode %o, want 600: it holds tokens and secrets", name, perm)
				}
			}
			if _, err := s.BudgetUsed(); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestOpenSharesOneFolder(t *testing.T) {
	dir := t.TempDir()
	a, b := mustOpen(t, dir), mustOpen(t, dir)
	if _, err := a.Token("wx1", fixedFetch("token-shared-1", time.Hour)); err != nil {
		t.Fatal(err)
	}
	got, err := b.Token("wx1", func() (string, time.Time, error) {
		t.Error("the second state fetched although the first had cached the token")
		return "", time.Time{}, errors.New("unexpected")
	})
	if err != nil || got != "token-shared-1" {
		t.Fatalf("Token = %q, %v; want the token the first state fetched", got, err)
	}
	info, err := os.Stat(filepath.Join(dir, stateFile))
	if err != nil {
		t.Fatal(err)
	}
	if perm := info.Mode().Perm(); perm != 0o600 {
		t.Errorf("after a write the state file has mode %o, want 600", perm)
	}
}

type fetchResult struct {
	token string
	ttl   time.Duration
	err   error
}

func TestToken(t *testing.T) {
	errDown := errors.New("token endpoint down")
	tests := []struct {
		name        string
		results     []fetchResult // what each successive fetch returns
		advance     time.Duration // clock step before every call but the first
		want        []string      // per call; "" for an error
		wantFetches int
		wantSecrets []string
	}{
		{
			name:    "fetched once, then cached",
			results: []fetchResult{{"token-aaaaaaaa", time.Hour, nil}},
			advance: time.Minute, want: []string{"token-aaaaaaaa", "token-aaaaaaaa", "token-aaaaaaaa"},
			wantFetches: 1, wantSecrets: []string{"token-aaaaaaaa"},
		},
		{
			name:    "renewed at renewAt",
			results: []fetchResult{{"token-aaaaaaaa", time.Hour, nil}, {"token-bbbbbbbb", time.Hour, nil}},
			advance: time.Hour, want: []string{"token-aaaaaaaa", "token-bbbbbbbb"},
			wantFetches: 2, wantSecrets: []string{"token-aaaaaaaa", "token-bbbbbbbb"},
		},
		{
			name:    "an error is returned and not cached",
			results: []fetchResult{{"", 0, errDown}, {"token-aaaaaaaa", time.Hour, nil}},
			want:    []string{"", "token-aaaaaaaa", "token-aaaaaaaa"},
			// The failed fetch left nothing behind, so the second call
			// fetched again.
			wantFetches: 2, wantSecrets: []string{"token-aaaaaaaa"},
		},
		{
			name:        "an empty token is an error",
			results:     []fetchResult{{"", time.Hour, nil}, {"token-aaaaaaaa", time.Hour, nil}},
			want:        []string{"", "token-aaaaaaaa"},
			wantFetches: 2, wantSecrets: []string{"token-aaaaaaaa"},
		},
		{
			name:        "a renewAt already past is handed out but not reused",
			results:     []fetchResult{{"token-aaaaaaaa", -time.Second, nil}, {"token-bbbbbbbb", time.Hour, nil}},
			want:        []string{"token-aaaaaaaa", "token-bbbbbbbb"},
			wantFetches: 2, wantSecrets: []string{"token-aaaaaaaa", "token-bbbbbbbb"},
		},
		{
			name:        "a short token is used but too common to be a secret",
			results:     []fetchResult{{"tok", time.Hour, nil}},
			want:        []string{"tok", "tok"},
			wantFetches: 1, wantSecrets: nil,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			forEachBackend(t, func(t *testing.T, s *State) {
				c := &clock{t: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
				s.now = c.now
				fetches := 0
				fetch := func() (string, time.Time, error) {
					r := tt.results[min(fetches, len(tt.results)-1)]
					fetches++
					return r.token, c.t.Add(r.ttl), r.err
				}
				for i, want := range tt.want {
					if i > 0 {
						c.t = c.t.Add(tt.advance)
					}
					got, err := s.Token("wx1", fetch)
					if want == "" {
						if err == nil {
							t.Errorf("call %d: Token = %q, want an error", i+1, got)
						}
						continue
					}
					if err != nil || got != want {
						t.Errorf("call %d: Token = %q, %v; want %q", i+1, got, err, want)
					}
				}
				if fetches != tt.wantFetches {
					t.Errorf("%d fetches, want %d", fetches, tt.wantFetches)
				}
				if got := mustSecrets(t, s); !slices.Equal(got, tt.wantSecrets) {
					t.Errorf("Secrets = %q, want %q", got, tt.wantSecrets)
				}
			})
		})
	}
}

func TestTokenPassesTheFetchErrorThrough(t *testing.T) {
	errDown := errors.New("token endpoint down")
	forEachBackend(t, func(t *testing.T, s *State) {
		_, err := s.Token("wx1", func() (string, time.Time, error) { return "", time.Time{}, errDown })
		if !errors.Is(err, errDown) {
			t.Fatalf("Token error %v, want the fetch's own", err)
		}
	})
}

// A fetch may use the rest of the state (pacing, breaker, secrets): it
// holds its key's lock, not the state's.
func TestTokenFetchMayUseTheState(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *State) {
		got, err := s.Token("wx1", func() (string, time.Time, error) {
			if err := s.Wait(context.Background(), "default", 1000, 0); err != nil {
				return "", time.Time{}, err
			}
			if _, err := s.Token("wx2", fixedFetch("token-other-account", time.Hour)); err != nil {
				return "", time.Time{}, err
			}
			return "token-aaaaaaaa", time.Now().Add(time.Hour), s.TransportOK()
		})
		if err != nil || got != "token-aaaaaaaa" {
			t.Fatalf("Token = %q, %v", got, err)
		}
	})
}

func TestDropToken(t *testing.T) {
	tests := []struct {
		name        string
		drop        string // the token the caller saw rejected
		key         string
		wantRefetch bool
	}{
		{"the cached token", "token-aaaaaaaa", "wx1", true},
		{"a token already replaced", "token-older000", "wx1", false},
		{"another key", "token-aaaaaaaa", "wx2", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			forEachBackend(t, func(t *testing.T, s *State) {
				fetches := 0
				fetch := func() (string, time.Time, error) {
					fetches++
					return fmt.Sprintf("token-%08d", fetches), time.Now().Add(time.Hour), nil
				}
				first, err := s.Token("wx1", func() (string, time.Time, error) {
					return "token-aaaaaaaa", time.Now().Add(time.Hour), nil
				})
				if err != nil {
					t.Fatal(err)
				}
				if err := s.DropToken(tt.key, tt.drop); err != nil {
					t.Fatal(err)
				}
				got, err := s.Token("wx1", fetch)
				if err != nil {
					t.Fatal(err)
				}
				if refetched := got != first; refetched != tt.wantRefetch {
					t.Errorf("after DropToken(%q, %q): token %q (refetched %v), want refetched %v", tt.key, tt.drop, got, refetched, tt.wantRefetch)
				}
			})
		})
	}
}

func TestWait(t *testing.T) {
	tests := []struct {
		name        string
		rate        float64
		budget      int
		calls       int
		wantGranted int
		minElapsed  time.Duration // the first call goes at once
		// maxElapsed bounds a paced run; without a limit (0) nothing is
		// timed, as a loaded machine makes even 50 unpaced calls slow:
		// that no slot was reserved shows that nothing waited.
		maxElapsed time.Duration
	}{
		{"no limit, no budget", 0, 0, 50, 50, 0, 0},
		{"a budget", 0, 3, 5, 3, 0, 0},
		{"a rate", 200, 0, 5, 5, 4 * 5 * time.Millisecond, 500 * time.Millisecond},
		{"a rate and a budget", 200, 2, 5, 2, 5 * time.Millisecond, 500 * time.Millisecond},
		{"an infinite rate", math.Inf(1), 0, 20, 20, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			forEachBackend(t, func(t *testing.T, s *State) {
				start := time.Now()
				granted := 0
				for i := 0; i < tt.calls; i++ {
					err := s.Wait(context.Background(), "default", tt.rate, tt.budget)
					switch {
					case err == nil:
						granted++
					case !errors.Is(err, ErrBudgetSpent):
						t.Fatalf("call %d: %v", i+1, err)
					}
				}
				elapsed := time.Since(start)
				if granted != tt.wantGranted {
					t.Errorf("%d calls granted, want %d", granted, tt.wantGranted)
				}
				if used, err := s.BudgetUsed(); err != nil || used != tt.wantGranted {
					t.Errorf("BudgetUsed = %d, %v; want %d (refusals are not counted)", used, err, tt.wantGranted)
				}
				if elapsed < tt.minElapsed || tt.maxElapsed > 0 && elapsed > tt.maxElapsed {
					t.Errorf("took %v, want between %v and %v", elapsed, tt.minElapsed, tt.maxElapsed)
				}
				var reserved int64
				if err := s.view(func(d *data) { reserved = d.Next["default"] }); err != nil {
					t.Fatal(err)
				}
				if paced := tt.maxElapsed > 0; (reserved != 0) != paced {
					t.Errorf("the next slot is %d, paced %v: only a paced profile reserves slots to wait for", reserved, paced)
				}
			})
		})
	}
}

func TestWaitPacesEachProfileApart(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *State) {
		start := time.Now()
		for _, p := range []string{"a", "b", "c", "d"} {
			if err := s.Wait(context.Background(), p, 1, 0); err != nil {
				t.Fatal(err)
			}
		}
		// A shared pace would hold the second request back a whole second.
		if elapsed := time.Since(start); elapsed >= time.Second {
			t.Errorf("the first request of four profiles at 1 req/s took %v: profiles must not share a pace", elapsed)
		}
	})
}

func TestWaitRejects(t *testing.T) {
	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		name   string
		ctx    context.Context
		rate   float64
		budget int
		want   string
	}{
		{"a negative rate", context.Background(), -1, 0, "rate -1"},
		{"a NaN rate", context.Background(), math.NaN(), 0, "rate NaN"},
		{"a negative budget", context.Background(), 0, -1, "budget -1"},
		{"an ended context", canceled, 0, 0, context.Canceled.Error()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			forEachBackend(t, func(t *testing.T, s *State) {
				err := s.Wait(tt.ctx, "default", tt.rate, tt.budget)
				if err == nil || !strings.Contains(err.Error(), tt.want) {
					t.Fatalf("Wait: %v, want an error containing %q", err, tt.want)
				}
				if used, _ := s.BudgetUsed(); used != 0 {
					t.Errorf("BudgetUsed = %d after a rejected Wait, want 0", used)
				}
			})
		})
	}
}

func TestWaitContextEnds(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *State) {
		ctx := context.Background()
		if err := s.Wait(ctx, "default", 1, 0); err != nil { // the first slot: now
			t.Fatal(err)
		}
		var before int64
		_ = s.view(func(d *data) { before = d.Next["default"] })
		short, cancel := context.WithTimeout(ctx, 30*time.Millisecond)
		defer cancel()
		start := time.Now()
		err := s.Wait(short, "default", 1, 0) // its slot is a second away
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("Wait = %v, want the context's error", err)
		}
		if elapsed := time.Since(start); elapsed > 500*time.Millisecond {
			t.Errorf("Wait returned %v after its context ended", elapsed)
		}
		if used, _ := s.BudgetUsed(); used != 1 {
			t.Errorf("BudgetUsed = %d, want 1: a request not sent is not counted", used)
		}
		var after int64
		_ = s.view(func(d *data) { after = d.Next["default"] })
		if after != before {
			t.Errorf("the abandoned slot was not given back: next moved by %v", time.Duration(after-before))
		}
	})
}

func TestTransportFault(t *testing.T) {
	tests := []struct {
		name       string
		limit      int
		ops        string // F: a fault, O: an answer
		want       string // Unhealthy after each op: 0 or 1
		wantReason string
	}{
		{"trips at the limit", 3, "FFF", "001", "3 consecutive transport faults; the last: fault 3"},
		{"an answer resets the count", 3, "FFOFFOFF", "00000000", ""},
		{"stays tripped after an answer", 2, "FFOF", "0111", "2 consecutive transport faults; the last: fault 2"},
		{"limit 0 never trips", 0, "FFFFFFFFFF", "0000000000", ""},
		{"limit 1 trips at once", 1, "F", "1", "1 consecutive transport faults; the last: fault 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			forEachBackend(t, func(t *testing.T, s *State) {
				faults := 0
				var got strings.Builder
				for _, op := range tt.ops {
					var err error
					if op == 'F' {
						faults++
						var reported bool
						reported, err = s.TransportFault(tt.limit, fmt.Sprintf("fault %d", faults))
						if bad, _ := s.Unhealthy(); reported != bad {
							t.Errorf("fault %d: TransportFault reported %v, Unhealthy %v", faults, reported, bad)
						}
					} else {
						err = s.TransportOK()
					}
					if err != nil {
						t.Fatal(err)
					}
					bad, _ := s.Unhealthy()
					got.WriteString(map[bool]string{false: "0", true: "1"}[bad])
				}
				if got.String() != tt.want {
					t.Errorf("Unhealthy after each op = %s, want %s", got.String(), tt.want)
				}
				if _, reason := s.Unhealthy(); reason != tt.wantReason {
					t.Errorf("reason %q, want %q", reason, tt.wantReason)
				}
			})
		})
	}
}

func TestUnhealthyWhenTheStateIsLost(t *testing.T) {
	dir := t.TempDir()
	s := mustOpen(t, dir)
	if err := os.Remove(filepath.Join(dir, stateFile)); err != nil {
		t.Fatal(err)
	}
	if bad, reason := s.Unhealthy(); !bad || !strings.Contains(reason, stateFile) {
		t.Errorf("Unhealthy = %v, %q; want true and the read error", bad, reason)
	}
}

func TestRememberSecret(t *testing.T) {
	tests := []struct {
		name string
		add  []string
		want []string
	}{
		{"none", nil, nil},
		{"sorted", []string{"secret-zzzz", "secret-aaaa", "secret-mmmm"}, []string{"secret-aaaa", "secret-mmmm", "secret-zzzz"}},
		{"deduplicated", []string{"secret-aaaa", "secret-aaaa"}, []string{"secret-aaaa"}},
		{"empty and short ignored", []string{"", "1234567", "12345678"}, []string{"12345678"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			forEachBackend(t, func(t *testing.T, s *State) {
				for _, v := range tt.add {
					if err := s.RememberSecret(v); err != nil {
						t.Fatal(err)
					}
				}
				got := mustSecrets(t, s)
				if !slices.Equal(got, tt.want) {
					t.Errorf("Secrets = %q, want %q", got, tt.want)
				}
				if len(got) > 0 {
					got[0] = "changed by the caller"
					if again := mustSecrets(t, s); again[0] == got[0] {
						t.Error("Secrets returned the state's own slice")
					}
				}
			})
		})
	}
}

func mustOpen(t testing.TB, dir string) *State {
	t.Helper()
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func mustSecrets(t testing.TB, s *State) []string {
	t.Helper()
	got, err := s.Secrets()
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func fixedFetch(token string, ttl time.Duration) func() (string, time.Time, error) {
	return func() (string, time.Time, error) { return token, time.Now().Add(ttl), nil }
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}
