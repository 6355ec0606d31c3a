package fuzz_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/shopconform/shopconform/catalog"
	"github.com/shopconform/shopconform/fixtures"
	"github.com/shopconform/shopconform/fuzz"
	"github.com/shopconform/shopconform/fuzz/report"
	"github.com/shopconform/shopconform/refsandbox"
	"github.com/shopconform/shopconform/runner"
	"github.com/shopconform/shopconform/runner/results"
	"github.com/shopconform/shopconform/runner/results/schema"
)

// reference is the reference sandbox for one campaign, its handler
// wrapped by wrap (nil: as it is).
func reference(t *testing.T, seed uint64, wrap func(inner http.Handler) http.Handler) *fuzz.Target {
	t.Helper()
	tg, err := fuzz.Reference(seed, refsandbox.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(tg.Close)
	if wrap != nil {
		tg.Handler = wrap(tg.Handler)
	}
	return tg
}

// acceptingEverything answers errcode 0 to every request of paths, and
// leaves every other request to inner.
func acceptingEverything(paths ...string) func(http.Handler) http.Handler {
	return func(inner http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if !slices.Contains(paths, r.URL.Path) {
				inner.ServeHTTP(w, r)
				return
			}
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"errcode": 0, "errmsg": "ok"}`))
		})
	}
}

func campaign(t *testing.T, opts fuzz.Options) *report.Report {
	t.Helper()
	rep, err := fuzz.Run(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

var accepting = []string{"/shop/coupon/get", "/shop/order/get"}

// TestFindingsOnlyWhereTheTargetAcceptsEverything: a target that answers
// 0 to everything on two endpoints and is the reference sandbox elsewhere
// has findings on exactly those two, each an accepted invalid request;
// each finding, written as a case, is a case the reference sandbox passes
// (the code the spec gives the broken request is the one it answers).
func TestFindingsOnlyWhereTheTargetAcceptsEverything(t *testing.T) {
	emit := t.TempDir()
	rep := campaign(t, fuzz.Options{Target: reference(t, 11, acceptingEverything(accepting...)), Seed: 11, Budget: 3000, EmitCases: emit})
	var where []string
	for _, f := range rep.Findings {
		if !slices.Contains(where, f.Endpoint) {
			where = append(where, f.Endpoint)
		}
		if f.Kind != report.AcceptedInvalid || f.Errcode == nil || *f.Errcode != 0 || slices.Contains(f.Expected, 0) {
			t.Errorf("%s %s: %s errcode %v expected %v; want accepted-invalid, 0 answered, 0 not expected", f.Endpoint, f.Operator, f.Kind, f.Errcode, f.Expected)
		}
	}
	slices.Sort(where)
	if !slices.Equal(where, accepting) {
		t.Fatalf("findings on %v, want exactly %v", where, accepting)
	}

	set, problems := fixtures.Load(fixtures.Dir(emit), catalog.Default())
	if len(problems) > 0 || len(set.Cases) != len(rep.Findings) {
		t.Fatalf("emitted %d cases for %d findings, problems: %v", len(set.Cases), len(rep.Findings), problems)
	}
	cfg := runner.DefaultConfig()
	target, err := runner.OpenTarget(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer target.Close()
	r := runner.New(cfg, target, runner.NewRunID())
	for _, c := range set.Cases {
		if res := r.Execute(context.Background(), c); res.Outcome != results.Pass {
			t.Errorf("emitted case %s on the reference sandbox: %s: %s", c.ID, res.Outcome, res.Reason)
		}
	}
}

// TestShrinkingDropsWhatTheFindingDoesNotNeed: on a target that accepts
// everything, every optional member of the valid request goes.
func TestShrinkingDropsWhatTheFindingDoesNotNeed(t *testing.T) {
	rep := campaign(t, fuzz.Options{Target: reference(t, 3, acceptingEverything("/shop/spu/add")), Seed: 3, Budget: 2500,
		Operators: []string{"drop-required", "too-long", "wrong-type"}})
	n := 0
	for _, f := range rep.Findings {
		if f.Endpoint != "/shop/spu/add" || f.Field == "desc_info" || strings.HasPrefix(f.Field, "desc_info.") {
			continue
		}
		n++
		var body map[string]any
		if err := json.Unmarshal(f.Request.Body, &body); err != nil {
			t.Fatalf("%s on %s: %v", f.Operator, f.Field, err)
		}
		if _, kept := body["desc_info"]; kept {
			t.Errorf("%s on %s kept the optional desc_info: %s", f.Operator, f.Field, f.Request.Body)
		}
	}
	if n == 0 {
		t.Fatal("no finding on /shop/spu/add to look at")
	}
}

// TestAShortCampaignOnTheReferenceFindsNothing: the reference sandbox
// answers every mutated request as the spec says it may, within the
// budget, on every endpoint.
func TestAShortCampaignOnTheReferenceFindsNothing(t *testing.T) {
	rep := campaign(t, fuzz.Options{Target: reference(t, 1, nil), Seed: 1, Budget: 2000})
	for _, f := range rep.Findings {
		t.Errorf("%s %s: %s, errcode %v, expected %v: %s", f.Endpoint, f.Operator, f.Kind, f.Errcode, f.Expected, f.Curl)
	}
	if rep.Requests > 2000 || rep.Requests < 1900 {
		t.Errorf("%d requests, want the budget of 2000 used and never passed", rep.Requests)
	}
	spec := len(fuzz.Operators())
	if len(rep.Endpoints) < 70 || len(rep.Operators) != spec {
		t.Errorf("%d endpoints, %d operators; want about every endpoint and all %d operators", len(rep.Endpoints), len(rep.Operators), spec)
	}
}

// TestTheBudgetCountsEveryRequest: the handler sees exactly as many
// requests as the report counts (minted accounts, tokens and given steps
// included), never more than the budget.
func TestTheBudgetCountsEveryRequest(t *testing.T) {
	var seen atomic.Int64
	count := func(inner http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { seen.Add(1); inner.ServeHTTP(w, r) })
	}
	for _, budget := range []int{1, 7, 300} {
		seen.Store(0)
		rep := campaign(t, fuzz.Options{Target: reference(t, 2, count), Seed: 2, Budget: budget})
		if int(seen.Load()) != rep.Requests || rep.Requests > budget {
			t.Errorf("budget %d: the handler saw %d requests, the report counts %d", budget, seen.Load(), rep.Requests)
		}
	}
}

// TestMutationsWhoseGivenStepsFailAreNotRun: when the state a valid case
// sets up cannot be set up, neither it nor its mutations are judged.
func TestMutationsWhoseGivenStepsFailAreNotRun(t *testing.T) {
	refuseOrders := func(inner http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/shop/order/add" {
				_, _ = w.Write([]byte(`{"errcode": 1010020, "errmsg": "create_time missing"}`))
				return
			}
			inner.ServeHTTP(w, r)
		})
	}
	rep := campaign(t, fuzz.Options{Target: reference(t, 4, refuseOrders), Seed: 4, Budget: 1500})
	if len(rep.Findings) > 0 {
		t.Errorf("findings %+v, want none: only mutated requests are judged", rep.Findings)
	}
	for _, p := range []string{"/shop/order/add", "/shop/order/get", "/shop/delivery/send"} {
		if slices.Contains(rep.Endpoints, p) {
			t.Errorf("%s was judged, though every valid case of it needs an order first", p)
		}
	}
}

// TestEachKindOfFinding: a target that misbehaves in one way per
// endpoint, to mutated requests only, is reported with that kind there.
func TestEachKindOfFinding(t *testing.T) {
	misbehave := map[string]struct {
		answer func(w http.ResponseWriter, r *http.Request)
		kind   report.Kind
	}{
		"/shop/scene/check":                    {func(http.ResponseWriter, *http.Request) { panic("boom") }, report.Crash},
		"/shop/delivery/get_company_list":      {func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("<html>oops</html>")) }, report.NotJSON},
		"/shop/cat/get":                        {func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusBadGateway) }, report.ServerError},
		"/shop/account/get_info":               {func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte(`{"errcode": -1}`)) }, report.ServerError},
		"/shop/account/get_category_list":      {func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte(`{"errcode": 1234567}`)) }, report.UndocumentedCode},
		"/shop/register/check":                 {func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte(`{"errcode": 1090002}`)) }, report.UndocumentedCode},
		"/shop/sharer/get_sharer_data_summary": {func(_ http.ResponseWriter, r *http.Request) { <-r.Context().Done() }, report.Timeout},
	}
	wrap := func(inner http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			body, _ := readBody(r)
			if m, ok := misbehave[r.URL.Path]; ok && bytes.Contains(body, []byte("fuzz_unknown")) {
				m.answer(w, r)
				return
			}
			inner.ServeHTTP(w, r)
		})
	}
	cfg := runner.DefaultConfig()
	cfg.RequestTimeout, cfg.UnhealthyAfter = 200*time.Millisecond, 0
	rep := campaign(t, fuzz.Options{Config: cfg, Target: reference(t, 5, wrap), Seed: 5, Operators: []string{"unknown-field"}})
	got := map[string]report.Kind{}
	for _, f := range rep.Findings {
		if _, ok := got[f.Endpoint]; ok && got[f.Endpoint] != f.Kind {
			t.Errorf("%s: kinds %s and %s", f.Endpoint, got[f.Endpoint], f.Kind)
		}
		got[f.Endpoint] = f.Kind
	}
	for path, m := range misbehave {
		if got[path] != m.kind {
			t.Errorf("%s: %q, want %q", path, got[path], m.kind)
		}
		delete(got, path)
	}
	if len(got) > 0 {
		t.Errorf("findings elsewhere: %v", got)
	}
}

// readBody reads a request's body and puts it back.
func readBody(r *http.Request) ([]byte, error) {
	var buf bytes.Buffer
	_, err := buf.ReadFrom(r.Body)
	r.Body.Close()
	r.Body = readCloser{bytes.NewReader(buf.Bytes())}
	return buf.Bytes(), err
}

type readCloser struct{ *bytes.Reader }

func (readCloser) Close() error { return nil }

// TestOneSeedOneReport: the same seed on a fresh reference sandbox gives
// the same fuzz.json, byte for byte.
func TestOneSeedOneReport(t *testing.T) {
	run := func() []byte {
		rep := campaign(t, fuzz.Options{Target: reference(t, 9, acceptingEverything("/shop/order/get")), Seed: 9, Budget: 800})
		data, err := json.Marshal(rep)
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
	first, second := run(), run()
	if !bytes.Equal(first, second) {
		t.Errorf("two campaigns with seed 9 differ:\n%s\n%s", first, second)
	}
	if !bytes.Contains(first, []byte(`"kind": "accepted-invalid"`)) && !bytes.Contains(first, []byte(`"kind":"accepted-invalid"`)) {
		t.Errorf("no finding to compare: %s", first)
	}
}

// TestFuzzJSONMatchesItsSchema: fuzz.json as written, findings included,
// validates against runner/results/schema/fuzz.v1.schema.json (strict).
func TestFuzzJSONMatchesItsSchema(t *testing.T) {
	rep := campaign(t, fuzz.Options{Target: reference(t, 6, acceptingEverything("/shop/order/get")), Seed: 6, Budget: 1500,
		Operators: []string{"drop-required", "malformed-json"}})
	if len(rep.Findings) == 0 {
		t.Fatal("no finding: the schema's finding would go unchecked")
	}
	path := filepath.Join(t.TempDir(), report.FileName)
	if err := rep.Write(path); err != nil {
		t.Fatal(err)
	}
	sch := compileSchema(t)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if err := sch.Validate(inst); err != nil {
		t.Errorf("fuzz.json does not match its schema: %v", err)
	}
	back, err := report.Read(path)
	if err != nil || len(back.Findings) != len(rep.Findings) {
		t.Errorf("read back: %v, %d findings", err, len(back.Findings))
	}
}

func compileSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(schema.FuzzV1))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	if err := c.AddResource(schema.IDFuzzV1, doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile(schema.IDFuzzV1)
	if err != nil {
		t.Fatal(err)
	}
	return sch
}
