// Package janitor removes what a crashed run left on a target. Every
// identifier a run creates starts with its run prefix ("sc" and ten hex
// digits, then "-"), so the leftovers of one run, or of every run, are
// found by their out_*_id alone, and nothing else is ever touched.
//
// It knows three kinds of objects, each with the vendor's own way to get
// rid of it: products (withdraw the review, then delete), coupons (void
// an effective one, then delete) and orders (close an unpaid one). It
// lists every object of a kind first and only then removes, because
// removing changes what the list pages hold.
package janitor

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"time"

	"github.com/shopconform/shopconform/catalog"
)

// Caller sends one vendor call as an account profile: runner.Runner.Call.
type Caller interface {
	Call(ctx context.Context, profile, endpoint string, body any) (errcode int, answer map[string]any, err error)
}

// Selector decides which identifiers are leftovers.
type Selector struct {
	re  *regexp.Regexp
	run string // "" for every run
}

var runID = regexp.MustCompile(`^sc[0-9a-f]{10}$`)

// ForRun selects the identifiers of one run: those that start with run
// and "-". run must be a run prefix as runner.NewRunID makes them, so that
// a typo cannot widen the match to other runs' objects or to anyone's.
func ForRun(run string) (Selector, error) {
	if !runID.MatchString(run) {
		return Selector{}, fmt.Errorf("%q is not a run prefix: sc and 10 lower-case hex digits, e.g. sc3fa91c07d2", run)
	}
	return Selector{re: regexp.MustCompile(`^` + run + `-`), run: run}, nil
}

// AllRuns selects the identifiers of every run: "sc", ten lower-case hex
// digits, "-", then anything.
func AllRuns() Selector { return Selector{re: regexp.MustCompile(`^sc[0-9a-f]{10}-`)} }

// Match reports whether id is a leftover.
func (s Selector) Match(id string) bool { return s.re != nil && s.re.MatchString(id) }

// String names the selection for messages: "run sc…" or "every run".
func (s Selector) String() string {
	if s.run == "" {
		return "every run"
	}
	return "run " + s.run
}

// Options are one janitor pass.
type Options struct {
	Profiles []string // account profiles to clean, in order
	Select   Selector
	DryRun   bool      // list what would be removed; send no call that changes anything
	Out      io.Writer // one line per object or listing, as it happens; nil for none
	// Backoff is the first wait before calling again after a busy or
	// rate-limited answer (990010, 300000); it doubles each time.
	// Zero means DefaultBackoff.
	Backoff time.Duration
}

// Retrying a busy or rate-limited answer.
const (
	DefaultBackoff = 500 * time.Millisecond
	retries        = 3
)

// Status is what became of one object, or of one listing.
type Status int

const (
	Removed     Status = iota // removed now
	WouldRemove               // dry run: would be removed
	Gone                      // gone between the listing and the removal: nothing left to do
	Failed                    // a removal or a listing failed: something may be left
	NotChecked                // the account refuses the listing for a reason of its own state
)

var statusNames = [...]string{"removed", "would remove (dry run)", "already gone", "failed", "not checked"}

func (s Status) String() string { return statusNames[s] }

// Line is one object (ID set) or one listing (ID empty) and its outcome.
type Line struct {
	Profile string
	What    string // product, coupon, order; products, coupons, orders for a listing
	ID      string // the out_*_id
	Action  string // the calls made, or that would be made
	Status  Status
	Detail  string // why it failed, or was not checked
}

// String is the line as the janitor prints it:
// "<profile> <what> <id>: <action>: <result>".
func (l Line) String() string {
	id := l.ID
	if id == "" {
		id = "-"
	}
	result := l.Status.String()
	if l.Detail != "" {
		result += ": " + l.Detail
	}
	return fmt.Sprintf("%s %s %s: %s: %s", l.Profile, l.What, id, l.Action, result)
}

// Report is the whole pass.
type Report struct {
	Lines []Line
	// Kept counts matching orders in a status no call can change (paid,
	// shipped, finished, cancelled): only an unpaid order can be closed.
	Kept        int
	Interrupted bool // the context ended before the pass did
}

// Count is how many object lines (listings excluded) have status s.
func (r Report) Count(s Status) int {
	n := 0
	for _, l := range r.Lines {
		if l.ID != "" && l.Status == s {
			n++
		}
	}
	return n
}

// OK reports whether everything matched was removed (or would be, in a
// dry run): no removal and no listing failed, and nothing was cut short.
func (r Report) OK() bool {
	if r.Interrupted {
		return false
	}
	for _, l := range r.Lines {
		if l.Status == Failed {
			return false
		}
	}
	return true
}

// Summary is one sentence for the end of the output.
func (r Report) Summary(sel Selector, dryRun bool) string {
	matched := 0
	listingsFailed, notChecked := 0, 0
	for _, l := range r.Lines {
		switch {
		case l.ID != "":
			matched++
		case l.Status == Failed:
			listingsFailed++
		case l.Status == NotChecked:
			notChecked++
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %d matched", sel, matched)
	if dryRun {
		fmt.Fprintf(&b, ", %d would be removed (dry run: nothing changed)", r.Count(WouldRemove))
	} else {
		fmt.Fprintf(&b, ", %d removed, %d already gone, %d failed", r.Count(Removed), r.Count(Gone), r.Count(Failed))
	}
	if listingsFailed > 0 {
		fmt.Fprintf(&b, "; %d listing(s) failed, so more may be left", listingsFailed)
	}
	if notChecked > 0 {
		fmt.Fprintf(&b, "; %d listing(s) refused by the account's state, not checked", notChecked)
	}
	if r.Kept > 0 {
		fmt.Fprintf(&b, "; %d matching order(s) left as they are (only an unpaid order can be closed)", r.Kept)
	}
	if r.Interrupted {
		b.WriteString("; interrupted before the end")
	}
	return b.String()
}

// Clean runs one pass over every profile and kind, printing each line to
// opts.Out as it is decided.
func Clean(ctx context.Context, c Caller, opts Options) Report {
	j := &janitor{c: c, opts: opts}
	if j.opts.Backoff <= 0 {
		j.opts.Backoff = DefaultBackoff
	}
	for _, profile := range opts.Profiles {
		for _, k := range kinds() {
			if ctx.Err() != nil {
				j.report.Interrupted = true
				return j.report
			}
			if refusesEverything := j.clean(ctx, profile, k); refusesEverything {
				break // its other kinds would only be refused the same way
			}
		}
	}
	j.report.Interrupted = ctx.Err() != nil
	return j.report
}

type janitor struct {
	c      Caller
	opts   Options
	report Report
}

func (j *janitor) add(l Line) {
	j.report.Lines = append(j.report.Lines, l)
	if j.opts.Out != nil {
		fmt.Fprintln(j.opts.Out, l)
	}
}

// clean lists one kind in one profile, then removes each leftover. It
// reports whether the account refuses every call, so that its other
// kinds need not be asked.
func (j *janitor) clean(ctx context.Context, profile string, k kind) (refusesEverything bool) {
	found, err := k.list(ctx, j, profile)
	if err != nil {
		l := Line{Profile: profile, What: k.plural, Action: strings.TrimPrefix(k.listEndpoint, "/shop/"), Status: Failed, Detail: err.Error()}
		switch refusal(err) {
		case refusesKind:
			l.Status = NotChecked
		case refusesAccount:
			l.Status, l.What, refusesEverything = NotChecked, "everything", true
			l.Detail += "; the account refuses every call"
		}
		j.add(l)
		// What was listed before the failure is still removed below.
	}
	for _, o := range found {
		if ctx.Err() != nil {
			return
		}
		l := Line{Profile: profile, What: k.singular, ID: o.id, Action: o.action}
		if j.opts.DryRun {
			l.Status = WouldRemove
		} else {
			l.Status, l.Detail = o.remove(ctx, j, profile)
		}
		j.add(l)
	}
	return refusesEverything
}

// callError is a vendor answer other than the one hoped for.
type callError struct {
	endpoint string
	code     catalog.Code
}

func (e *callError) Error() string {
	return fmt.Sprintf("%s answered errcode %s", e.endpoint, catalog.Default().Describe(e.code))
}

// Refusals are answers that mean the account, as it is, refuses the
// listing: every call, when it is not connected to the component (48001),
// a third party without the permission set or off the IP whitelist
// (61007, 61004), out of quota today (45009), or its tokens lapse at once
// (42001); every coupon call, when coupons were never confirmed
// (1090028). An account in that state could not have had the objects
// created either (or, for 45009, cannot be cleaned before tomorrow
// whatever the janitor does), so a refused listing is reported as not
// checked rather than failing the pass: a janitor over every profile of a
// `shopconform serve` accounts file, which has such profiles on purpose,
// must be able to succeed.
const (
	noRefusal = iota
	refusesKind
	refusesAccount
)

var refusals = map[catalog.Code]int{
	catalog.APIUnauthorized:             refusesAccount,
	catalog.ThirdPartyPermissionMissing: refusesAccount,
	catalog.ThirdPartyIPNotWhitelisted:  refusesAccount,
	catalog.DailyQuotaExceeded:          refusesAccount,
	catalog.AccessTokenExpired:          refusesAccount,
	catalog.CouponNotConfirmed:          refusesKind,
}

func refusal(err error) int {
	var ce *callError
	if errors.As(err, &ce) {
		return refusals[ce.code]
	}
	return noRefusal
}

// waitAndRetry are answers that say "not now": the call is sent again,
// a few times, after a growing pause.
var waitAndRetry = map[catalog.Code]bool{
	catalog.RateLimited: true,
	catalog.SystemBusy:  true,
}

// call sends one request, again after a pause while the target answers
// busy or rate-limited, and returns the last errcode.
func (j *janitor) call(ctx context.Context, profile, endpoint string, body any) (catalog.Code, map[string]any, error) {
	wait := j.opts.Backoff
	for attempt := 0; ; attempt++ {
		code, answer, err := j.c.Call(ctx, profile, endpoint, body)
		if err != nil {
			return 0, nil, err
		}
		if !waitAndRetry[catalog.Code(code)] || attempt == retries {
			return catalog.Code(code), answer, nil
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return catalog.Code(code), answer, nil
		case <-t.C:
		}
		wait *= 2
	}
}

// expect sends one request and turns any errcode but 0 and those in ok
// into an error.
func (j *janitor) expect(ctx context.Context, profile, endpoint string, body any, ok ...catalog.Code) (catalog.Code, map[string]any, error) {
	code, answer, err := j.call(ctx, profile, endpoint, body)
	if err != nil {
		return 0, nil, err
	}
	if code == 0 {
		return 0, answer, nil
	}
	for _, c := range ok {
		if code == c {
			return code, answer, nil
		}
	}
	return code, answer, &callError{endpoint: endpoint, code: code}
}

// Reading answers: Call decodes numbers as json.Number.

func str(m map[string]any, key string) string {
	s, _ := m[key].(string)
	return s
}

func integer(m map[string]any, key string) (int64, bool) {
	switch v := m[key].(type) {
	case json.Number:
		n, err := v.Int64()
		return n, err == nil
	case float64:
		return int64(v), v == float64(int64(v))
	}
	return 0, false
}

func objects(m map[string]any, key string) []map[string]any {
	items, _ := m[key].([]any)
	out := make([]map[string]any, 0, len(items))
	for _, it := range items {
		if o, ok := it.(map[string]any); ok {
			out = append(out, o)
		}
	}
	return out
}
