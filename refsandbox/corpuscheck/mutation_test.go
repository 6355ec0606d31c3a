package corpuscheck

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/shopconform/shopconform/fixtures"
	"github.com/shopconform/shopconform/fuzz"
	"github.com/shopconform/shopconform/refsandbox"
	"github.com/shopconform/shopconform/runner"
	"github.com/shopconform/shopconform/runner/results"
)

// BenchmarkMutationScore removes each rule of testdata/mutation-rules.txt
// from the reference sandbox in turn and runs the whole corpus against
// the mutant: killed_by_cases_% is the share of mutants in which some
// case that passes on the sandbox does not. The survivors then meet one
// full pass of the fuzzer (every mutation of every valid case once):
// killed_with_fuzz_% is the share the cases or the fuzzer killed. A
// mutant that survives both is a rule nothing checks: the cases would
// pass a sandbox, or an SDK's server, that forgot it.
//
//	go test -run '^$' -bench MutationScore -benchtime 1x ./refsandbox/corpuscheck/
func BenchmarkMutationScore(b *testing.B) {
	rules := mutationRules(b)
	var scored []Scored
	for b.Loop() {
		scored = ScoreMutants(b, rules, CasesDetector(b, corpus(b)), FuzzerDetector(1))
	}
	b.ReportMetric(killedPercent(scored, 1), "killed_by_cases_%")
	b.ReportMetric(killedPercent(scored, 2), "killed_with_fuzz_%")
	for _, s := range scored {
		if s.KilledBy < 0 {
			b.Logf("survived: %s", s.Rule)
		} else {
			b.Logf("killed:   %s (%s)", s.Rule, s.Evidence)
		}
	}
}

// Mutant is the reference sandbox without one rule of the spec.
type Mutant struct {
	// Rule is the rule identifier the mutant lacks (apispec.Spec.RuleIDs).
	Rule string
	// Handler is the mutant sandbox.
	Handler http.Handler
	// Options built the mutant: a detector that needs a sandbox of its
	// own builds it from them.
	Options refsandbox.Options
	// Target is the same handler as the runner reaches it, in-process,
	// with every profile's credentials and the control token: what runs
	// cases or requests derived from them.
	Target *runner.Target
}

// Detector tells whether it notices the mutation, and by what.
type Detector func(m Mutant) (killed bool, evidence string)

// Scored is what became of one mutant.
type Scored struct {
	Rule string
	// KilledBy is the index of the first detector that noticed the
	// mutant, -1 if none did.
	KilledBy int
	Evidence string
}

// ScoreMutants builds one mutant per rule and asks the detectors in
// order whether they tell it from the sandbox; once one does, the later
// ones are not asked. With the cases first and the fuzzer second,
// killedPercent(scored, 1) is the cases' score and
// killedPercent(scored, 2) the score of both.
func ScoreMutants(tb testing.TB, rules []string, detectors ...Detector) []Scored {
	tb.Helper()
	spec := defaultSpec(tb)
	merchantURL := merchant(tb)
	out := make([]Scored, 0, len(rules))
	for _, rule := range rules {
		mutant, err := spec.Without(rule)
		if err != nil {
			tb.Fatal(err)
		}
		opts := refsandbox.Options{MerchantURL: merchantURL, Spec: mutant}
		sb := newSandbox(tb, opts, nil)
		m := Mutant{Rule: rule, Options: opts, Handler: sb.sb.Handler(), Target: sb.target}
		s := Scored{Rule: rule, KilledBy: -1}
		for i, detect := range detectors {
			if killed, evidence := detect(m); killed {
				s.KilledBy, s.Evidence = i, evidence
				break
			}
		}
		out = append(out, s)
	}
	return out
}

// CasesDetector runs cases against a mutant: it is killed when a case
// that passes on the sandbox itself does not.
func CasesDetector(tb testing.TB, cases []*fixtures.Case) Detector {
	tb.Helper()
	reference := newSandbox(tb, refsandbox.Options{MerchantURL: merchant(tb)}, nil)
	r := newRunner(reference.target)
	var passing []*fixtures.Case
	for _, c := range cases {
		if res := r.Execute(context.Background(), c); res.Outcome == results.Pass {
			passing = append(passing, c)
		} else {
			tb.Errorf("%s does not pass on the reference sandbox: %s %s", c.ID, res.Outcome, res.Reason)
		}
	}
	return func(m Mutant) (bool, string) {
		r := newRunner(m.Target)
		for _, c := range passing {
			if res := r.Execute(context.Background(), c); res.Outcome != results.Pass {
				return true, fmt.Sprintf("case %s: %s", c.ID, res.Outcome)
			}
		}
		return false, ""
	}
}

// FuzzerDetector runs one full pass of the fuzzer (budget 0: every
// mutation once) with seed against a sandbox built like the mutant: it is
// killed by any finding. The fuzzer derives its mutations and the codes
// they may earn from the whole spec, so a rule the mutant lacks shows as
// an invalid request it accepts or answers with the wrong code.
func FuzzerDetector(seed uint64) Detector {
	return func(m Mutant) (bool, string) {
		target, err := fuzz.Reference(seed, m.Options)
		if err != nil {
			return false, "the fuzzer's sandbox: " + err.Error()
		}
		defer target.Close()
		rep, err := fuzz.Run(context.Background(), fuzz.Options{Target: target, Seed: seed})
		if err != nil {
			return false, "fuzz: " + err.Error()
		}
		if len(rep.Findings) == 0 {
			return false, ""
		}
		f := rep.Findings[0]
		return true, fmt.Sprintf("fuzz: %s on %s (%s), %d findings", f.Kind, f.Endpoint, f.Operator, len(rep.Findings))
	}
}

// killedPercent is the share of mutants that one of the first n
// detectors killed.
func killedPercent(scored []Scored, n int) float64 {
	if len(scored) == 0 {
		return 0
	}
	killed := 0
	for _, s := range scored {
		if s.KilledBy >= 0 && s.KilledBy < n {
			killed++
		}
	}
	return 100 * float64(killed) / float64(len(scored))
}

const mutationRulesFile = "testdata/mutation-rules.txt"

// mutationRules reads the rule list: one identifier a line, # comments.
func mutationRules(tb testing.TB) []string {
	tb.Helper()
	rules, _ := listedRules(tb)
	return rules
}

// listedRules is mutationRules with the line of each rule, for messages.
func listedRules(tb testing.TB) (rules []string, lines []int) {
	tb.Helper()
	f, err := os.Open(mutationRulesFile)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		if slices.Contains(rules, text) {
			tb.Errorf("%s:%d: %q is listed twice", mutationRulesFile, line, text)
		}
		rules, lines = append(rules, text), append(lines, line)
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
	return rules, lines
}

// TestMutationRulesExist keeps the rule list true to the spec: every rule
// is one the spec has, removing it changes the spec, and there are
// enough of them, of every kind, to make the score mean something.
func TestMutationRulesExist(t *testing.T) {
	spec := defaultSpec(t)
	rules, lines := listedRules(t)
	if len(rules) < 20 {
		t.Errorf("%d rules; the score needs at least 20", len(rules))
	}
	ids := spec.RuleIDs()
	kinds := map[string]bool{}
	for i, rule := range rules {
		at := fmt.Sprintf("%s:%d", mutationRulesFile, lines[i])
		if !slices.Contains(ids, rule) {
			t.Errorf("%s: %q is no rule of the spec (apispec.Spec.RuleIDs lists them)", at, rule)
			continue
		}
		mutant, err := spec.Without(rule)
		if err != nil {
			t.Errorf("%s: %v", at, err)
			continue
		}
		if left := mutant.RuleIDs(); len(left) != len(ids)-1 {
			t.Errorf("%s: removing %q leaves %d of the spec's %d rules, not one fewer", at, rule, len(left), len(ids))
		}
		fields := strings.Fields(rule)
		kinds[strings.SplitN(fields[len(fields)-1], "(", 2)[0]] = true
	}
	for _, kind := range []string{"missing", "type", "enum", "below_min", "above_max", "too_long", "format", "window", "one_of", "ordered", "check"} {
		if !kinds[kind] {
			t.Errorf("%s removes no rule of kind %s", mutationRulesFile, kind)
		}
	}
}

// TestCasesDetector: the cases kill a mutant that lacks a rule a case
// breaks, and spare one whose handler checks the rule again with the same
// code, so the score counts what the cases see.
func TestCasesDetector(t *testing.T) {
	scored := ScoreMutants(t, []string{
		"/shop/spu/add title missing",
		"/shop/aftersale/get . one_of(order_id,out_order_id)",
	}, CasesDetector(t, corpus(t)))
	if s := scored[0]; s.KilledBy != 0 || !strings.Contains(s.Evidence, "product-1000014-add-title-missing") {
		t.Errorf("%s: killed by %d (%s), want by the cases, through product-1000014-add-title-missing", s.Rule, s.KilledBy, s.Evidence)
	}
	if s := scored[1]; s.KilledBy != -1 {
		t.Errorf("%s: killed (%s), though the handler answers 1010001 itself", s.Rule, s.Evidence)
	}
}
