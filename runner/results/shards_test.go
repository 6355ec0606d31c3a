package results

import (
	"strings"
	"testing"
	"time"
)

var corpusIDs = []string{"universal-a", "universal-b", "universal-c", "product-a", "product-b", "product-c"}

func domainOf(id string) string { d, _, _ := strings.Cut(id, "-"); return d }

// shardReport is shard index/total of a run over corpusIDs that chose ids.
func shardReport(index, total int, ids ...string) *Report {
	config := map[string]string{"target": "reference", "rate": "auto", "report_dir": "reports-" + string(rune('0'+index)),
		"accounts": "accounts-" + string(rune('0'+index)) + ".json", "shard": "x/y", "shard_durations": ""}
	r := &Report{
		SchemaVersion: SchemaVersion, Kind: Kind, Target: "reference", HarnessVersion: "0.1.0",
		CatalogHash: "sha256:" + strings.Repeat("0", 64), Config: config,
		StartedAt: time.Date(2026, 1, 1, 0, index, 0, 0, time.UTC), FinishedAt: time.Date(2026, 1, 1, 1, index, 0, 0, time.UTC),
		Shard:       &ShardOf{Index: index, Total: total},
		Fingerprint: NewFingerprint(config, []string{"universal", "product"}, "", "", "hash", corpusIDs, ids),
	}
	parts := map[string]Part{"universal": {Domain: "universal"}, "product": {Domain: "product"}}
	for i := len(ids) - 1; i >= 0; i-- { // in reverse: the merge restores the corpus's order
		id := ids[i]
		p := parts[domainOf(id)]
		p.Cases = append(p.Cases, Case{ID: id, Domain: domainOf(id), Outcome: Pass, Fixture: "fixtures/" + domainOf(id) + "/" + id + ".json"})
		parts[domainOf(id)] = p
	}
	if index == 1 { // shard 1 reports what belongs to the corpus
		p := parts["product"]
		p.Pending = []Pending{{Code: 1000001, Domain: "product", Text: "x"}}
		parts["product"] = p
	}
	Merge(r, []string{"universal", "product"}, parts)
	return r
}

func threeShards() []ShardReport {
	return []ShardReport{
		{"s3", shardReport(3, 3, "product-c")},
		{"s1", shardReport(1, 3, "universal-a", "product-a", "product-b")},
		{"s2", shardReport(2, 3, "universal-b", "universal-c")},
	}
}

func TestMergeShardsJoinsAsOneRun(t *testing.T) {
	shards := threeShards()
	// A problem outside any domain reaches two shards: it counts once.
	stray := Problem{File: "fixtures/x.json", Message: "bad"}
	shards[1].Report.Problems = []Problem{stray}
	shards[2].Report.Problems = []Problem{stray}
	r, err := MergeShards(shards, nil)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, c := range r.Cases {
		ids = append(ids, c.ID)
	}
	if got, want := strings.Join(ids, " "), "universal-a universal-b universal-c product-a product-b product-c"; got != want {
		t.Errorf("cases %s, want %s", got, want)
	}
	want := Statistics{Total: 6, Pass: 6, Pending: 1, Problems: 1}
	if r.Statistics != want || !r.Complete || r.Error != "" {
		t.Errorf("statistics %+v complete %v error %q", r.Statistics, r.Complete, r.Error)
	}
	if r.Shard != nil || len(r.MergedFrom) != 3 || r.MergedFrom[0].Index != 1 || r.MergedFrom[2].Index != 3 {
		t.Errorf("shard %v, merged from %+v", r.Shard, r.MergedFrom)
	}
	if !r.StartedAt.Equal(shards[1].Report.StartedAt) || !r.FinishedAt.Equal(shards[0].Report.FinishedAt) {
		t.Errorf("started %v finished %v: want the first start and the last finish", r.StartedAt, r.FinishedAt)
	}
	fp := r.Fingerprint
	if fp.ConfigHash != shards[0].Report.Fingerprint.ConfigHash || len(fp.Selected) != 6 || NewCaseSet(fp.Selected) != fp.Corpus {
		t.Errorf("fingerprint %+v", fp)
	}
	if r.Config["shard"] != "" || r.Config["accounts"] != "accounts-1.json, accounts-2.json, accounts-3.json" || r.Config["rate"] != "auto" {
		t.Errorf("config %v", r.Config)
	}
}

// TestMergeShardsRefuses: each way the reports can fail to be the shards
// of one run is refused with a line that names it.
func TestMergeShardsRefuses(t *testing.T) {
	tests := []struct {
		name   string
		shards func() []ShardReport
		corpus CorpusIDs
		want   []string
	}{
		{"a shard missing", func() []ShardReport { return threeShards()[1:] }, nil,
			[]string{"shard 3/3 is missing: no report given is shard 3 of 3"}},
		{"a shard given twice", func() []ShardReport {
			s := threeShards()
			return append(s, ShardReport{"again", s[2].Report})
		}, nil, []string{"shard 2/3 is given twice: s2 and again"}},
		{"totals disagree", func() []ShardReport {
			s := threeShards()
			s[0].Report = shardReport(2, 2, "product-c")
			return s
		}, nil, []string{"the shards disagree on how many there are: of 2: s3 (shard 2/2); of 3: s1 (shard 1/3), s2 (shard 2/3)"}},
		{"not a shard", func() []ShardReport {
			s := threeShards()
			s[0].Report.Shard = nil
			return s
		}, nil, []string{"s3 is not a shard's report: it has no shard"}},
		{"failed before choosing", func() []ShardReport {
			s := threeShards()
			s[0].Report.Fingerprint, s[0].Report.Error = nil, "bad configuration"
			return s
		}, nil, []string{"s3 (shard 3/3) has no fingerprint: its run failed before it chose its cases: bad configuration"}},
		{"harness versions differ", func() []ShardReport {
			s := threeShards()
			s[2].Report.HarnessVersion = "0.2.0"
			return s
		}, nil, []string{"the harness versions differ: 0.1.0 in s1 (shard 1/3), s3 (shard 3/3); 0.2.0 in s2 (shard 2/3)"}},
		{"catalogs differ", func() []ShardReport {
			s := threeShards()
			s[0].Report.CatalogHash = "sha256:" + strings.Repeat("1", 64)
			return s
		}, nil, []string{"the catalog hashes differ: "}},
		{"configurations differ", func() []ShardReport {
			s := threeShards()
			r := s[2].Report
			r.Config["rate"] = "5"
			r.Fingerprint = NewFingerprint(r.Config, r.Fingerprint.Domains, "", "", "hash", corpusIDs, r.Fingerprint.Selected)
			return s
		}, nil, []string{`the configurations differ (fingerprint config_hash): rate: "auto" in s1 (shard 1/3), s3 (shard 3/3); "5" in s2 (shard 2/3)`}},
		{"label filters differ", func() []ShardReport {
			s := threeShards()
			r := s[0].Report
			r.Fingerprint = NewFingerprint(r.Config, r.Fingerprint.Domains, "smoke", "", "hash", corpusIDs, r.Fingerprint.Selected)
			return s
		}, nil, []string{`the configurations differ (fingerprint config_hash): label filter: "" in s1 (shard 1/3), s2 (shard 2/3); "smoke" in s3 (shard 3/3)`}},
		{"splits differ", func() []ShardReport {
			s := threeShards()
			s[0].Report.Fingerprint.Split = "durations sha256:" + strings.Repeat("a", 64)
			return s
		}, nil, []string{`the splits (--shard-durations) differ: "hash" in s1 (shard 1/3), s2 (shard 2/3); "durations sha256:`}},
		{"corpora differ", func() []ShardReport {
			s := threeShards()
			s[0].Report.Fingerprint.Corpus = NewCaseSet(corpusIDs[1:])
			return s
		}, nil, []string{"the corpora differ: 6 cases sha256:"}},
		{"a case in two shards", func() []ShardReport {
			s := threeShards()
			s[0].Report = shardReport(3, 3, "product-c", "universal-b")
			return s
		}, nil, []string{"case universal-b is in two shards: s2 (shard 2/3) and s3 (shard 3/3)"}},
		{"a case in none, named", func() []ShardReport {
			s := threeShards()
			s[0].Report = shardReport(3, 3)
			return s
		}, func(*Fingerprint, map[string]string) ([]string, bool) { return corpusIDs, true },
			[]string{"case product-c of the corpus is in no shard"}},
		{"a case in none, corpus not here", func() []ShardReport {
			s := threeShards()
			s[0].Report = shardReport(3, 3)
			return s
		}, nil, []string{"the shards chose 5 distinct cases, not the corpus's 6 (sha256:"}},
		{"expectations files differ", func() []ShardReport {
			s := threeShards()
			for _, sh := range s {
				sh.Report.Expectations = &Expectations{File: "expected.yaml", Entries: 3}
			}
			s[0].Report.Expectations.Entries = 4
			s[2].Report.Expectations = nil
			return s
		}, nil, []string{`the expectations files differ: "expected.yaml" (3 entries) in s1 (shard 1/3); none in s2 (shard 2/3); "expected.yaml" (4 entries) in s3 (shard 3/3)`}},
		{"a case reported that was not chosen", func() []ShardReport {
			s := threeShards()
			s[0].Report.Cases = append(s[0].Report.Cases, Case{ID: "universal-a"})
			return s
		}, nil, []string{"s3 (shard 3/3) reports case universal-a, which is not among the cases it chose"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := MergeShards(tt.shards(), tt.corpus)
			if err == nil {
				t.Fatalf("merged: %+v", r.Statistics)
			}
			for _, want := range tt.want {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("the refusal lacks %q:\n%v", want, err)
				}
			}
		})
	}
}

// TestMergeShardsOfAnIncompleteRun: a shard that was interrupted, with a
// suite that did not report, is merged, and the whole run says so.
func TestMergeShardsOfAnIncompleteRun(t *testing.T) {
	shards := threeShards()
	r2 := shardReport(2, 3, "universal-b", "universal-c")
	r2.Domains, r2.Statistics = nil, Statistics{}
	Merge(r2, []string{"universal", "product"}, map[string]Part{"product": {Domain: "product"}})
	r2.Complete, r2.Error = false, "interrupted: the reports cover what finished"
	shards[2].Report = r2
	r, err := MergeShards(shards, nil)
	if err != nil {
		t.Fatal(err)
	}
	if r.Complete || r.Succeeded() || r.Error != "shard 2/3: interrupted: the reports cover what finished" {
		t.Errorf("complete %v error %q", r.Complete, r.Error)
	}
	if d := r.Domains[0]; d.Domain != "universal" || d.Reported || d.Failure != "shard 2/3: the suite did not report" {
		t.Errorf("universal %+v", d)
	}
	if r.Statistics.Total != 4 || len(r.Fingerprint.Selected) != 6 {
		t.Errorf("statistics %+v, selected %v", r.Statistics, r.Fingerprint.Selected)
	}
}

// TestMergeShardsJoinsExpectations: the broken entries of every shard, in
// shard order; unmatched only the entries no shard matched.
func TestMergeShardsJoinsExpectations(t *testing.T) {
	entry := func(line int, glob string) ExpectationEntry {
		return ExpectationEntry{Line: line, Case: glob, Outcome: Fail, Expires: "2026-06-30"}
	}
	shards := threeShards()
	all := []ExpectationEntry{entry(1, "universal-*"), entry(6, "product-a"), entry(11, "nothing-*")}
	shards[0].Report.Expectations = &Expectations{File: "expected.yaml", Entries: 3, // shard 3: product-c
		Broken:    []BrokenExpectation{{CaseID: "product-c", Entry: entry(16, "product-c"), Problem: "expected failure did not happen"}},
		Unmatched: all}
	shards[1].Report.Expectations = &Expectations{File: "expected.yaml", Entries: 3, // shard 1: universal-a, product-a
		Broken:    []BrokenExpectation{{CaseID: "universal-a", Entry: all[0], Problem: "expired on 2026-01-01"}},
		Unmatched: []ExpectationEntry{all[2]}}
	shards[2].Report.Expectations = &Expectations{File: "expected.yaml", Entries: 3, // shard 2: universal-b, universal-c
		Broken: []BrokenExpectation{}, Unmatched: []ExpectationEntry{all[1], all[2]}}
	r, err := MergeShards(shards, nil)
	if err != nil {
		t.Fatal(err)
	}
	e := r.Expectations
	if e == nil || e.File != "expected.yaml" || e.Entries != 3 {
		t.Fatalf("expectations %+v", e)
	}
	if len(e.Broken) != 2 || e.Broken[0].CaseID != "universal-a" || e.Broken[1].CaseID != "product-c" {
		t.Errorf("broken %+v: want shard 1's, then shard 3's", e.Broken)
	}
	if len(e.Unmatched) != 1 || e.Unmatched[0] != all[2] {
		t.Errorf("unmatched %+v: want only the entry no shard matched", e.Unmatched)
	}
	if r.Succeeded() {
		t.Error("a broken expectation in any shard fails the merged run")
	}

	for _, s := range shards {
		s.Report.Expectations = nil
	}
	if r, err := MergeShards(shards, nil); err != nil || r.Expectations != nil {
		t.Errorf("shards without a file: %+v, %v", r.Expectations, err)
	}
}
