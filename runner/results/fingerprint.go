package results

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"maps"
	"slices"
	"strings"
)

// Fingerprint is what the shards of one run must share (the
// configuration, the selection of cases, how they were split, the
// corpus) and which cases this report's run chose. A whole run has one
// too: the merged report carries the same fingerprint as its shards, with
// every case selected.
type Fingerprint struct {
	// ConfigHash is "sha256:" and the hex digest of the canonical JSON of
	// the shared configuration (Config without PerShardConfig), Domains,
	// LabelFilter and Focus: equal on every shard of one run, and on the
	// whole run the same configuration makes (so the merged report has
	// the whole run's hash).
	ConfigHash string `json:"config_hash"`
	// Domains are the domains the run selected (run --domains), in order.
	Domains []string `json:"domains"`
	// LabelFilter and Focus are the run's --label-filter and --focus.
	LabelFilter string `json:"label_filter,omitempty"`
	Focus       string `json:"focus,omitempty"`
	// Split says how the cases were divided between the shards: "hash"
	// (by the hash of each case id), or "durations sha256:…" (balanced by
	// the durations of the earlier results.json with that digest); absent
	// on a whole run.
	Split string `json:"split,omitempty"`
	// Corpus is every case of the run's domains, before the split.
	Corpus CaseSet `json:"corpus"`
	// Selected are the ids of the cases this run chose, sorted: its shard's
	// share of Corpus (all of it on a whole run). A case the run chose is
	// here even when its suite never reported it.
	Selected []string `json:"selected"`
}

// CaseSet names a set of cases by size and digest.
type CaseSet struct {
	// Cases is how many there are.
	Cases int `json:"cases"`
	// Hash is "sha256:" and the hex digest of their ids, sorted, one per
	// line.
	Hash string `json:"hash"`
}

// PerShardConfig are the configuration keys that may differ between the
// shards of one run, and so are left out of ConfigHash: where each shard
// writes its reports, the shard itself, the durations file's path (its
// content is in Split) and the accounts file (each shard may have its
// own accounts, to split a live sandbox's quotas).
var PerShardConfig = []string{"report_dir", "shard", "shard_durations", "accounts"}

// SharedConfig is config without the PerShardConfig keys.
func SharedConfig(config map[string]string) map[string]string {
	out := maps.Clone(config)
	for _, k := range PerShardConfig {
		delete(out, k)
	}
	if out == nil {
		out = map[string]string{}
	}
	return out
}

// NewFingerprint makes the fingerprint of a run from its redacted
// configuration, its selection, its split, the ids of its corpus and the
// ids it chose.
func NewFingerprint(config map[string]string, domains []string, labelFilter, focus, split string, corpus, selected []string) *Fingerprint {
	f := &Fingerprint{
		Domains: slices.Clone(domains), LabelFilter: labelFilter, Focus: focus, Split: split,
		Corpus: NewCaseSet(corpus), Selected: sortedIDs(selected),
	}
	f.ConfigHash = f.hashWith(config)
	return f
}

// hashWith is ConfigHash for this fingerprint's selection with config.
func (f *Fingerprint) hashWith(config map[string]string) string {
	doc := struct {
		Config      map[string]string `json:"config"`
		Domains     []string          `json:"domains"`
		LabelFilter string            `json:"label_filter"`
		Focus       string            `json:"focus"`
	}{SharedConfig(config), f.Domains, f.LabelFilter, f.Focus}
	data, _ := json.Marshal(doc) // map keys come out sorted: canonical
	sum := sha256.Sum256(data)
	return "sha256:" + hex.EncodeToString(sum[:])
}

// NewCaseSet names the cases with these ids.
func NewCaseSet(ids []string) CaseSet {
	sorted := sortedIDs(ids)
	sum := sha256.Sum256([]byte(strings.Join(sorted, "\n")))
	return CaseSet{Cases: len(sorted), Hash: "sha256:" + hex.EncodeToString(sum[:])}
}

func sortedIDs(ids []string) []string {
	out := slices.Clone(ids)
	if out == nil {
		out = []string{}
	}
	slices.Sort(out)
	return out
}
