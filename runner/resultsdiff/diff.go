// Package resultsdiff compares two results.json reports, OLD and NEW (the
// last good night and tonight): what regressed, what passes now, whose
// answer changed, which errcodes the target gave that the catalog does not
// document, and which cases came, went or did not run. It is pure logic:
// reading files and printing belong to the caller (`shopconform report
// diff`).
//
// Cases are matched by id. A case both runs have lands in exactly one of
// Regressed, NewlyPassing, OutcomeChanged, ErrcodeChanged or the Unchanged
// count. A case only one run has is in Added, Removed or NotRun, and also
// in Regressed when that is what it means: a new case that does not pass,
// or a passing case that NEW did not run. Every entry carries both
// outcomes and both errcodes, so an answer that changed together with the
// verdict (pass with 9401020, now fail with 47001) is in Regressed only,
// and its errcodes say the rest.
package resultsdiff

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/shopconform/shopconform/catalog"
	"github.com/shopconform/shopconform/runner/results"
)

// SchemaVersion is the version of the Diff document (`report diff --format
// json`). Adding a field keeps it; changing or removing one bumps it.
const SchemaVersion = "shopconform.resultsdiff/v1"

// Kind names the Diff document type.
const Kind = "ShopconformResultsDiff"

// Entry is one case in one list.
type Entry struct {
	ID       string `json:"id"`
	Domain   string `json:"domain"`
	Endpoint string `json:"endpoint"`
	// ExpectedErrcode is the errcode the case expects, as NEW records it
	// (OLD's for a case NEW does not have).
	ExpectedErrcode int `json:"expected_errcode"`
	// OldOutcome is the case's outcome in OLD; empty (and left out of
	// JSON) when OLD has no such case.
	OldOutcome results.Outcome `json:"old_outcome,omitempty"`
	// NewOutcome is the case's outcome in NEW; empty (and left out of
	// JSON) when NEW has no such case.
	NewOutcome results.Outcome `json:"new_outcome,omitempty"`
	// OldErrcode is the errcode the target answered in OLD; null when it
	// answered none or OLD has no such case.
	OldErrcode *int `json:"old_errcode"`
	// NewErrcode is the errcode the target answered in NEW; null when it
	// answered none or NEW has no such case.
	NewErrcode *int `json:"new_errcode"`
	// Reason is NEW's reason for an outcome other than pass or, for a case
	// NEW did not run, why it did not.
	Reason string `json:"reason,omitempty"`
}

// Undocumented is an errcode that NEW's target answered and the catalog
// does not have, with every NEW case that received it.
type Undocumented struct {
	Code int `json:"code"`
	// InOld is true when some case of OLD received the code too; false
	// means the code is new in NEW.
	InOld bool    `json:"in_old"`
	Cases []Entry `json:"cases"`
}

// Run is what the diff shows of one report.
type Run struct {
	Target         string             `json:"target"`
	HarnessVersion string             `json:"harness_version"`
	CatalogHash    string             `json:"catalog_hash"`
	StartedAt      time.Time          `json:"started_at"`
	Complete       bool               `json:"complete"`
	Error          string             `json:"error,omitempty"`
	Statistics     results.Statistics `json:"statistics"`
}

// Counts sizes every list, for a summary line or a dashboard.
type Counts struct {
	Regressed    int `json:"regressed"`
	NotRun       int `json:"not_run"`
	Undocumented int `json:"undocumented_errcodes"`
	// UndocumentedCases counts the NEW cases that received an
	// undocumented errcode.
	UndocumentedCases int `json:"undocumented_cases"`
	ErrcodeChanged    int `json:"errcode_changed"`
	OutcomeChanged    int `json:"outcome_changed"`
	NewlyPassing      int `json:"newly_passing"`
	Added             int `json:"added"`
	Removed           int `json:"removed"`
	// Unchanged counts the cases in both reports with the same outcome
	// and the same errcode, or an errcode in one run only.
	Unchanged int `json:"unchanged"`
}

// Diff is the comparison of OLD and NEW. Every list is sorted by domain
// (in catalog.Domains order) then id, and is never nil.
type Diff struct {
	SchemaVersion string `json:"schema_version"`
	Kind          string `json:"kind"`
	Old           Run    `json:"old"`
	New           Run    `json:"new"`
	// CatalogHash names the catalog the undocumented errcodes were checked
	// against.
	CatalogHash string `json:"catalog_hash"`
	Counts      Counts `json:"counts"`
	// Notes are differences between the two runs themselves that bear on
	// reading the lists: a NEW that did not finish, another target,
	// catalog, harness version or configuration.
	Notes []string `json:"notes"`

	// Regressed is the verdict: every case that passed in OLD and does not
	// pass in NEW (NEW has it with another outcome, or did not run it, see
	// NotRun), and every case new in NEW that does not pass there.
	// Skipped and inconclusive count as not passing: coverage lost is a
	// regression too.
	Regressed []Entry `json:"regressed"`
	// NotRun lists the cases of OLD that NEW lacks because NEW's suite for
	// their domain did not report, failed, or was not run at all. Those
	// that passed in OLD are in Regressed too.
	NotRun []Entry `json:"not_run"`
	// Undocumented lists the errcodes NEW's target answered that the
	// catalog does not have; codes new in NEW first, then by code.
	Undocumented []Undocumented `json:"undocumented_errcodes"`
	// ErrcodeChanged lists the cases whose outcome is the same in both
	// runs and whose target answered an errcode in both, not the same one:
	// mostly a case still failing with another wrong answer. (A change of
	// errcode that came with a change of outcome is in Regressed,
	// NewlyPassing or OutcomeChanged, whose entries carry both errcodes.)
	ErrcodeChanged []Entry `json:"errcode_changed"`
	// OutcomeChanged lists the cases that passed in neither run but whose
	// outcome changed (fail → error, skipped → inconclusive, …).
	OutcomeChanged []Entry `json:"outcome_changed"`
	// NewlyPassing lists the cases that did not pass in OLD and pass in
	// NEW.
	NewlyPassing []Entry `json:"newly_passing"`
	// Added lists the cases NEW has and OLD does not.
	Added []Entry `json:"added"`
	// Removed lists the cases OLD has and NEW does not although NEW's
	// suite for their domain reported: the case no longer exists.
	Removed []Entry `json:"removed"`
}

// HasRegressions reports whether anything regressed: the exit status of
// `report diff`.
func (d *Diff) HasRegressions() bool { return len(d.Regressed) > 0 }

// Compare compares OLD and NEW. cat is the catalog that decides which
// errcodes are documented; nil means catalog.Default(). Case ids are
// expected to be unique in each report (Decode ensures it); when one is
// not, its last case wins.
func Compare(oldRun, newRun *results.Report, cat *catalog.Catalog) Diff {
	if cat == nil {
		cat = catalog.Default()
	}
	d := Diff{
		SchemaVersion:  SchemaVersion,
		Kind:           Kind,
		Old:            summary(oldRun),
		New:            summary(newRun),
		CatalogHash:    cat.Hash(),
		Notes:          notes(oldRun, newRun, cat),
		Regressed:      []Entry{},
		NotRun:         []Entry{},
		Undocumented:   []Undocumented{},
		ErrcodeChanged: []Entry{},
		OutcomeChanged: []Entry{},
		NewlyPassing:   []Entry{},
		Added:          []Entry{},
		Removed:        []Entry{},
	}
	oldCases := byID(oldRun.Cases)
	newCases := byID(newRun.Cases)
	for id, n := range newCases {
		o, inOld := oldCases[id]
		if !inOld {
			e := entry(nil, &n)
			d.Added = append(d.Added, e)
			if n.Outcome != results.Pass {
				d.Regressed = append(d.Regressed, e)
			}
			continue
		}
		e := entry(&o, &n)
		oldPass, newPass := o.Outcome == results.Pass, n.Outcome == results.Pass
		switch {
		case oldPass && !newPass:
			d.Regressed = append(d.Regressed, e)
		case !oldPass && newPass:
			d.NewlyPassing = append(d.NewlyPassing, e)
		case o.Outcome != n.Outcome:
			d.OutcomeChanged = append(d.OutcomeChanged, e)
		case o.ActualErrcode != nil && n.ActualErrcode != nil && *o.ActualErrcode != *n.ActualErrcode:
			d.ErrcodeChanged = append(d.ErrcodeChanged, e)
		default:
			d.Counts.Unchanged++
		}
	}
	for id, o := range oldCases {
		if _, inNew := newCases[id]; inNew {
			continue
		}
		e := entry(&o, nil)
		why, ran := domainRan(newRun, o.Domain)
		if ran {
			d.Removed = append(d.Removed, e)
			continue
		}
		e.Reason = why
		d.NotRun = append(d.NotRun, e)
		if o.Outcome == results.Pass {
			d.Regressed = append(d.Regressed, e)
		}
	}
	d.Undocumented = undocumented(oldCases, newRun.Cases, cat)
	for _, l := range []*[]Entry{&d.Regressed, &d.NotRun, &d.ErrcodeChanged, &d.OutcomeChanged, &d.NewlyPassing, &d.Added, &d.Removed} {
		sortEntries(*l)
	}
	d.Counts.Regressed = len(d.Regressed)
	d.Counts.NotRun = len(d.NotRun)
	d.Counts.Undocumented = len(d.Undocumented)
	for _, u := range d.Undocumented {
		d.Counts.UndocumentedCases += len(u.Cases)
	}
	d.Counts.ErrcodeChanged = len(d.ErrcodeChanged)
	d.Counts.OutcomeChanged = len(d.OutcomeChanged)
	d.Counts.NewlyPassing = len(d.NewlyPassing)
	d.Counts.Added = len(d.Added)
	d.Counts.Removed = len(d.Removed)
	return d
}

func summary(r *results.Report) Run {
	return Run{
		Target:         r.Target,
		HarnessVersion: r.HarnessVersion,
		CatalogHash:    r.CatalogHash,
		StartedAt:      r.StartedAt,
		Complete:       r.Complete,
		Error:          r.Error,
		Statistics:     r.Statistics,
	}
}

func byID(cases []results.Case) map[string]results.Case {
	m := make(map[string]results.Case, len(cases))
	for _, c := range cases {
		m[c.ID] = c
	}
	return m
}

// entry describes a case from its OLD and NEW records, either of which
// may be nil.
func entry(o, n *results.Case) Entry {
	cur := cmp.Or(n, o)
	e := Entry{ID: cur.ID, Domain: cur.Domain, Endpoint: cur.Endpoint, ExpectedErrcode: cur.ExpectedErrcode}
	if o != nil {
		e.OldOutcome, e.OldErrcode = o.Outcome, copyInt(o.ActualErrcode)
	}
	if n != nil {
		e.NewOutcome, e.NewErrcode = n.Outcome, copyInt(n.ActualErrcode)
		if n.Outcome != results.Pass {
			e.Reason = n.Reason
		}
	}
	return e
}

func copyInt(p *int) *int {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}

// domainRan reports whether NEW's suite for domain ran and reported
// without failing, so that a case it lacks no longer exists; when not, why
// says what happened instead.
func domainRan(r *results.Report, domain string) (why string, ran bool) {
	// A report without domain results (hand-written, or from a tool that
	// lists cases only) can only be taken at its word.
	if len(r.Domains) == 0 && r.Complete && r.Error == "" {
		return "", true
	}
	i := slices.IndexFunc(r.Domains, func(d results.DomainResult) bool { return d.Domain == domain })
	switch {
	case i >= 0 && r.Domains[i].Reported && r.Domains[i].Failure == "":
		return "", true
	case i >= 0 && !r.Domains[i].Reported:
		return fmt.Sprintf("not run: NEW's %s suite did not report", domain), false
	case i >= 0:
		return fmt.Sprintf("not run: NEW's %s suite failed: %s", domain, r.Domains[i].Failure), false
	case r.Error != "":
		return "not run: NEW's run failed: " + r.Error, false
	default:
		return fmt.Sprintf("not run: NEW did not run the %s suite", domain), false
	}
}

// undocumented groups NEW's cases by the errcodes they received that cat
// does not have.
func undocumented(oldCases map[string]results.Case, newCases []results.Case, cat *catalog.Catalog) []Undocumented {
	seenInOld := map[int]bool{}
	for _, c := range oldCases {
		if c.ActualErrcode != nil {
			seenInOld[*c.ActualErrcode] = true
		}
	}
	byCode := map[int]*Undocumented{}
	for _, c := range newCases {
		if c.ActualErrcode == nil || cat.Has(catalog.Code(*c.ActualErrcode)) {
			continue
		}
		code := *c.ActualErrcode
		u := byCode[code]
		if u == nil {
			u = &Undocumented{Code: code, InOld: seenInOld[code], Cases: []Entry{}}
			byCode[code] = u
		}
		var o *results.Case
		if oc, ok := oldCases[c.ID]; ok {
			o = &oc
		}
		u.Cases = append(u.Cases, entry(o, &c))
	}
	out := []Undocumented{}
	for _, u := range byCode {
		sortEntries(u.Cases)
		out = append(out, *u)
	}
	slices.SortFunc(out, func(a, b Undocumented) int {
		// New codes first: they are tonight's news.
		if a.InOld != b.InOld {
			if !a.InOld {
				return -1
			}
			return 1
		}
		return cmp.Compare(a.Code, b.Code)
	})
	return out
}

func sortEntries(es []Entry) {
	slices.SortFunc(es, func(a, b Entry) int {
		return cmp.Or(cmp.Compare(domainRank(a.Domain), domainRank(b.Domain)), strings.Compare(a.Domain, b.Domain), strings.Compare(a.ID, b.ID))
	})
}

// domainRank orders domains as every report does; unknown ones go last.
func domainRank(d string) int {
	i := slices.Index(catalog.Domains(), catalog.Domain(d))
	if i < 0 {
		return len(catalog.Domains())
	}
	return i
}

// notes says how the two runs themselves differ.
func notes(oldRun, newRun *results.Report, cat *catalog.Catalog) []string {
	ns := []string{}
	if newRun.Error != "" {
		ns = append(ns, "NEW's run failed: "+newRun.Error)
	}
	if !newRun.Complete {
		ns = append(ns, "NEW is incomplete (interrupted, or a suite did not report): the cases it did not run are listed as not run")
	}
	for _, d := range newRun.Domains {
		if d.Failure != "" {
			ns = append(ns, fmt.Sprintf("NEW's %s suite: %s", d.Domain, d.Failure))
		}
	}
	if oldRun.Error != "" {
		ns = append(ns, "OLD's run failed: "+oldRun.Error)
	}
	if !oldRun.Complete {
		ns = append(ns, "OLD is incomplete: cases it did not run show as added")
	}
	if oldRun.Target != newRun.Target {
		ns = append(ns, fmt.Sprintf("the targets differ: OLD ran on %q, NEW on %q", oldRun.Target, newRun.Target))
	}
	if oldRun.HarnessVersion != newRun.HarnessVersion {
		ns = append(ns, fmt.Sprintf("the harness versions differ: OLD %q, NEW %q", oldRun.HarnessVersion, newRun.HarnessVersion))
	}
	if oldRun.CatalogHash != newRun.CatalogHash {
		ns = append(ns, fmt.Sprintf("the catalogs differ: OLD %s, NEW %s", oldRun.CatalogHash, newRun.CatalogHash))
	}
	if newRun.CatalogHash != cat.Hash() {
		ns = append(ns, fmt.Sprintf("NEW was judged against catalog %s; undocumented errcodes are checked against %s", newRun.CatalogHash, cat.Hash()))
	}
	// Each night writes to its own report folder: that difference is the
	// plan, not news.
	if changed := configChanges(oldRun.Config, newRun.Config, "report_dir"); len(changed) > 0 {
		ns = append(ns, "the configurations differ: "+strings.Join(changed, ", "))
	}
	return ns
}

func configChanges(o, n map[string]string, ignore ...string) []string {
	keys := map[string]bool{}
	for k := range o {
		keys[k] = true
	}
	for k := range n {
		keys[k] = true
	}
	for _, k := range ignore {
		delete(keys, k)
	}
	var out []string
	for k := range keys {
		// A key one writer lacks reads as empty: settings added since
		// (shard, shard_durations) are no change while unset.
		ov, nv := o[k], n[k]
		if ov != nv {
			out = append(out, fmt.Sprintf("%s %q → %q", k, ov, nv))
		}
	}
	slices.Sort(out)
	return out
}
