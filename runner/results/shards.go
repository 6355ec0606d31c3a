package results

import (
	"cmp"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// ShardReport is one shard's results.json and the name it goes by in
// messages (the folder it came from).
type ShardReport struct {
	Name   string
	Report *Report
}

// CorpusIDs, when MergeShards is given one, lists the case ids of the
// corpus the shards ran, if it can be loaded here (the built-in cases, or
// the fixtures folder the configuration names): it lets the merge name the
// cases no shard chose. ok is false when it cannot.
type CorpusIDs func(f *Fingerprint, config map[string]string) (ids []string, ok bool)

// maxNamed bounds the cases one refusal names.
const maxNamed = 10

// MergeShards checks that shards are the shards 1..N of one run and
// joins them into the report of the whole run, as the run would have
// written it without --shard. It refuses (the error holds one line per
// problem) when a report is not a shard's, a shard is missing or given
// twice, the shards disagree on N, the harness version, the catalog,
// the configuration (the fingerprint's config hash; the message names
// the keys), the split, the corpus or the expectations file, a case was
// chosen by two shards, or a case of the corpus by none.
//
// Pending codes and malformed fixtures are reported by shard 1 only (the
// run decides so); the merge keeps one of each whichever shard has them.
// A shard whose run was interrupted or whose suite did not report makes
// the merged report incomplete, not a refusal: its cases are still its
// own, they just did not all finish.
func MergeShards(shards []ShardReport, corpus CorpusIDs) (*Report, error) {
	if len(shards) == 0 {
		return nil, errors.New("no shard reports")
	}
	if err := checkShards(shards); err != nil {
		return nil, err
	}
	shards = slices.Clone(shards)
	slices.SortStableFunc(shards, func(a, b ShardReport) int { return cmp.Compare(a.Report.Shard.Index, b.Report.Shard.Index) })
	if err := checkAgreement(shards); err != nil {
		return nil, err
	}
	if err := checkCases(shards, corpus); err != nil {
		return nil, err
	}
	return join(shards), nil
}

func label(s ShardReport) string {
	return fmt.Sprintf("%s (shard %d/%d)", s.Name, s.Report.Shard.Index, s.Report.Shard.Total)
}

// checkShards: every report is a shard's, with a fingerprint; the shards
// agree on N; each of 1..N is given once.
func checkShards(shards []ShardReport) error {
	var errs []error
	for _, s := range shards {
		switch r := s.Report; {
		case r.Shard == nil:
			errs = append(errs, fmt.Errorf("%s is not a shard's report: it has no shard (a shard runs with --shard I/N)", s.Name))
		case r.Fingerprint == nil:
			why := "its run failed before it chose its cases"
			if r.Error != "" {
				why += ": " + r.Error
			}
			errs = append(errs, fmt.Errorf("%s has no fingerprint: %s", label(s), why))
		}
	}
	if len(errs) > 0 {
		return errors.Join(errs...)
	}
	totals := map[int][]string{}
	for _, s := range shards {
		totals[s.Report.Shard.Total] = append(totals[s.Report.Shard.Total], label(s))
	}
	if len(totals) > 1 {
		var parts []string
		for _, n := range slices.Sorted(maps.Keys(totals)) {
			parts = append(parts, fmt.Sprintf("of %d: %s", n, strings.Join(totals[n], ", ")))
		}
		return fmt.Errorf("the shards disagree on how many there are: %s", strings.Join(parts, "; "))
	}
	total := shards[0].Report.Shard.Total
	given := map[int][]string{}
	for _, s := range shards {
		given[s.Report.Shard.Index] = append(given[s.Report.Shard.Index], s.Name)
	}
	for i := 1; i <= total; i++ {
		switch names := given[i]; {
		case len(names) == 0:
			errs = append(errs, fmt.Errorf("shard %d/%d is missing: no report given is shard %d of %d", i, total, i, total))
		case len(names) > 1:
			errs = append(errs, fmt.Errorf("shard %d/%d is given twice: %s", i, total, strings.Join(names, " and ")))
		}
	}
	return errors.Join(errs...)
}

// checkAgreement: the shards share the harness version, the catalog, the
// configuration, the corpus and the expectations file. The configuration is compared by its
// hash; the message names the keys that differ.
func checkAgreement(shards []ShardReport) error {
	var errs []error
	differ := func(what string, value func(*Report) string) {
		if msg := disagreement(shards, value); msg != "" {
			errs = append(errs, fmt.Errorf("the %s differ: %s", what, msg))
		}
	}
	differ("harness versions", func(r *Report) string { return r.HarnessVersion })
	differ("catalog hashes", func(r *Report) string { return r.CatalogHash })
	if disagreement(shards, func(r *Report) string { return r.Fingerprint.ConfigHash }) != "" {
		var keys []string
		for _, sh := range shards {
			for k := range SharedConfig(sh.Report.Config) {
				if !slices.Contains(keys, k) {
					keys = append(keys, k)
				}
			}
		}
		slices.Sort(keys)
		var named []string
		for _, k := range keys {
			if msg := disagreement(shards, func(r *Report) string { return fmt.Sprintf("%q", r.Config[k]) }); msg != "" {
				named = append(named, k+": "+msg)
			}
		}
		for _, sel := range []struct {
			name  string
			value func(f *Fingerprint) string
		}{
			{"domains", func(f *Fingerprint) string { return strings.Join(f.Domains, ",") }},
			{"label filter", func(f *Fingerprint) string { return f.LabelFilter }},
			{"focus", func(f *Fingerprint) string { return f.Focus }},
		} {
			if msg := disagreement(shards, func(r *Report) string { return fmt.Sprintf("%q", sel.value(r.Fingerprint)) }); msg != "" {
				named = append(named, sel.name+": "+msg)
			}
		}
		if len(named) == 0 {
			named = append(named, "config_hash: "+disagreement(shards, func(r *Report) string { return r.Fingerprint.ConfigHash }))
		}
		errs = append(errs, fmt.Errorf("the configurations differ (fingerprint config_hash): %s", strings.Join(named, "; ")))
	}
	differ("splits (--shard-durations)", func(r *Report) string { return fmt.Sprintf("%q", r.Fingerprint.Split) })
	differ("corpora", func(r *Report) string {
		return fmt.Sprintf("%d cases %s", r.Fingerprint.Corpus.Cases, r.Fingerprint.Corpus.Hash)
	})
	differ("expectations files", func(r *Report) string {
		if r.Expectations == nil {
			return "none"
		}
		return fmt.Sprintf("%q (%d entries)", r.Expectations.File, r.Expectations.Entries)
	})
	return errors.Join(errs...)
}

// disagreement says which shards hold which value, or "" when they all
// hold the same: `"0.1.0" in a (shard 1/2); "0.2.0" in b (shard 2/2)`.
func disagreement(shards []ShardReport, value func(*Report) string) string {
	var values []string
	holders := map[string][]string{}
	for _, s := range shards {
		v := value(s.Report)
		if _, ok := holders[v]; !ok {
			values = append(values, v)
		}
		holders[v] = append(holders[v], label(s))
	}
	if len(values) < 2 {
		return ""
	}
	var parts []string
	for _, v := range values {
		parts = append(parts, fmt.Sprintf("%s in %s", v, strings.Join(holders[v], ", ")))
	}
	return strings.Join(parts, "; ")
}

// checkCases: each case of the corpus was chosen by exactly one shard,
// and each shard reports only cases it chose.
func checkCases(shards []ShardReport, corpus CorpusIDs) error {
	var errs []error
	owner := map[string]ShardReport{}
	var twice []string
	for _, s := range shards {
		chosen := map[string]bool{}
		for _, id := range s.Report.Fingerprint.Selected {
			chosen[id] = true
			if o, ok := owner[id]; ok {
				twice = append(twice, fmt.Sprintf("case %s is in two shards: %s and %s", id, label(o), label(s)))
				continue
			}
			owner[id] = s
		}
		for _, c := range s.Report.Cases {
			if !chosen[c.ID] {
				errs = append(errs, fmt.Errorf("%s reports case %s, which is not among the cases it chose", label(s), c.ID))
			}
		}
	}
	errs = append(errs, capped(twice, "cases in two shards")...)
	first := shards[0].Report
	union := slices.Collect(maps.Keys(owner))
	if NewCaseSet(union) != first.Fingerprint.Corpus {
		want := first.Fingerprint.Corpus
		ids, ok := []string(nil), false
		if corpus != nil {
			ids, ok = corpus(first.Fingerprint, first.Config)
		}
		if ok && NewCaseSet(ids) == want {
			var none []string
			for _, id := range ids {
				if _, chosen := owner[id]; !chosen {
					none = append(none, fmt.Sprintf("case %s of the corpus is in no shard", id))
				}
			}
			for _, id := range slices.Sorted(maps.Keys(owner)) {
				if !slices.Contains(ids, id) {
					none = append(none, fmt.Sprintf("case %s is in %s but not in the corpus", id, label(owner[id])))
				}
			}
			errs = append(errs, capped(none, "cases")...)
		} else {
			errs = append(errs, fmt.Errorf("the shards chose %d distinct cases, not the corpus's %d (%s): some case of the corpus is in no shard (this corpus cannot be loaded here to name it)", len(union), want.Cases, want.Hash))
		}
	}
	return errors.Join(errs...)
}

func capped(lines []string, what string) []error {
	var out []error
	for i, l := range lines {
		if i == maxNamed {
			out = append(out, fmt.Errorf("… and %d more %s", len(lines)-maxNamed, what))
			break
		}
		out = append(out, errors.New(l))
	}
	return out
}

// join makes the whole run's report from its shards, sorted by index.
func join(shards []ShardReport) *Report {
	first := shards[0].Report
	fp := *first.Fingerprint
	fp.Selected = nil
	r := &Report{
		SchemaVersion: SchemaVersion, Kind: Kind, Target: first.Target,
		HarnessVersion: first.HarnessVersion, CatalogHash: first.CatalogHash,
		Config: mergedConfig(shards), StartedAt: first.StartedAt, FinishedAt: first.FinishedAt,
		Fingerprint: &fp,
	}
	for _, s := range shards {
		sr := s.Report
		fp.Selected = append(fp.Selected, sr.Fingerprint.Selected...)
		if sr.StartedAt.Before(r.StartedAt) {
			r.StartedAt = sr.StartedAt
		}
		if sr.FinishedAt.After(r.FinishedAt) {
			r.FinishedAt = sr.FinishedAt
		}
		r.MergedFrom = append(r.MergedFrom, MergedShard{Index: sr.Shard.Index, Total: sr.Shard.Total, StartedAt: sr.StartedAt, FinishedAt: sr.FinishedAt, Complete: sr.Complete})
	}
	fp.Selected = sortedIDs(fp.Selected)

	domains := fp.Domains
	parts := map[string]Part{}
	for _, d := range domains {
		parts[d] = Part{Domain: d, Target: first.Target, Cases: []Case{}, Pending: []Pending{}, Problems: []Problem{}}
	}
	home := func(domain string) string { // where a problem or pending code is listed
		if _, ok := parts[domain]; ok {
			return domain
		}
		if _, ok := parts["universal"]; ok && domain == "" {
			return "universal"
		}
		return domains[0]
	}
	for _, s := range shards {
		for _, c := range s.Report.Cases {
			p := parts[home(c.Domain)]
			p.Cases = append(p.Cases, c)
			parts[home(c.Domain)] = p
		}
		for _, pe := range s.Report.Pending {
			p := parts[home(pe.Domain)]
			if !slices.Contains(p.Pending, pe) {
				p.Pending = append(p.Pending, pe)
			}
			parts[home(pe.Domain)] = p
		}
		for _, pr := range s.Report.Problems {
			p := parts[home(pr.Domain)]
			if !slices.Contains(p.Problems, pr) {
				p.Problems = append(p.Problems, pr)
			}
			parts[home(pr.Domain)] = p
		}
	}
	for d, p := range parts {
		p.Cases = runOrder(p.Cases)
		parts[d] = p
	}
	Merge(r, domains, parts)

	// A domain reported when every shard's suite reported it.
	for i, dr := range r.Domains {
		var failures []string
		for _, s := range shards {
			j := slices.IndexFunc(s.Report.Domains, func(x DomainResult) bool { return x.Domain == dr.Domain })
			switch {
			case j < 0 || !s.Report.Domains[j].Reported:
				dr.Reported = false
				failures = append(failures, fmt.Sprintf("shard %d/%d: the suite did not report", s.Report.Shard.Index, s.Report.Shard.Total))
			case s.Report.Domains[j].Failure != "":
				failures = append(failures, fmt.Sprintf("shard %d/%d: %s", s.Report.Shard.Index, s.Report.Shard.Total, s.Report.Domains[j].Failure))
			}
		}
		dr.Failure = strings.Join(failures, "; ")
		r.Domains[i] = dr
	}
	var runErrs []string
	for _, s := range shards {
		sr := s.Report
		r.Complete = r.Complete && sr.Complete
		if sr.Error != "" {
			runErrs = append(runErrs, fmt.Sprintf("shard %d/%d: %s", sr.Shard.Index, sr.Shard.Total, sr.Error))
		}
	}
	if slices.ContainsFunc(r.Domains, func(d DomainResult) bool { return !d.Reported }) {
		r.Complete = false
	}
	r.Error = strings.Join(runErrs, "; ")
	r.Expectations = joinExpectations(shards)
	return r
}

// joinExpectations is what the run's expectations file did across the
// shards (which read the same file): every shard's broken entries, in
// shard order, and the entries no case of any shard matched.
func joinExpectations(shards []ShardReport) *Expectations {
	first := shards[0].Report.Expectations
	if first == nil {
		return nil
	}
	out := &Expectations{File: first.File, Entries: first.Entries, Broken: []BrokenExpectation{}, Unmatched: []ExpectationEntry{}}
	unmatchedIn := map[int]int{} // line → how many shards matched nothing with it
	for _, s := range shards {
		out.Broken = append(out.Broken, s.Report.Expectations.Broken...)
		for _, u := range s.Report.Expectations.Unmatched {
			unmatchedIn[u.Line]++
		}
	}
	for _, u := range first.Unmatched {
		if unmatchedIn[u.Line] == len(shards) {
			out.Unmatched = append(out.Unmatched, u)
		}
	}
	return out
}

// runOrder puts a domain's cases in the order a whole run lists them:
// the corpus's, which is by id (fixtures.Load).
func runOrder(cases []Case) []Case {
	slices.SortStableFunc(cases, func(a, b Case) int { return cmp.Or(strings.Compare(a.ID, b.ID), strings.Compare(a.Fixture, b.Fixture)) })
	return cases
}

// mergedConfig is the shards' configuration as the whole run's: the
// shard is gone, and a per-shard key whose values differ lists them in
// shard order.
func mergedConfig(shards []ShardReport) map[string]string {
	out := maps.Clone(shards[0].Report.Config)
	if out == nil {
		out = map[string]string{}
	}
	for _, k := range PerShardConfig {
		var values []string
		for _, s := range shards {
			if v := s.Report.Config[k]; !slices.Contains(values, v) {
				values = append(values, v)
			}
		}
		out[k] = strings.Join(values, ", ")
	}
	out["shard"] = ""
	return out
}
