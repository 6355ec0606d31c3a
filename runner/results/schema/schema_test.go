package schema_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/shopconform/shopconform/catalog"
	"github.com/shopconform/shopconform/internal/version"
	"github.com/shopconform/shopconform/runner"
	"github.com/shopconform/shopconform/runner/results"
	"github.com/shopconform/shopconform/runner/results/schema"
)

// strictFlag makes TestValidateFile use the strict form, as the writer's
// own test does, instead of the reader's open form.
var strictFlag = flag.Bool("strict", false, "TestValidateFile: validate with the strict schema (no unknown properties) instead of the reader's open form")

// compile builds a validator for a schema given as bytes, asserting
// formats (date-time), which draft 2020-12 otherwise only annotates.
func compile(t *testing.T, doc []byte) *jsonschema.Schema {
	t.Helper()
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
	if err != nil {
		t.Fatalf("schema is not JSON: %v", err)
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	c.AssertFormat()
	if err := c.AddResource(schema.IDV1, v); err != nil {
		t.Fatalf("adding the schema: %v", err)
	}
	sch, err := c.Compile(schema.IDV1)
	if err != nil {
		t.Fatalf("the schema does not compile: %v", err)
	}
	return sch
}

func strict(t *testing.T) *jsonschema.Schema {
	t.Helper()
	return compile(t, schema.ResultsV1)
}

func open(t *testing.T) *jsonschema.Schema {
	t.Helper()
	doc, err := schema.OpenForm(schema.ResultsV1)
	if err != nil {
		t.Fatalf("open form: %v", err)
	}
	return compile(t, doc)
}

func validate(sch *jsonschema.Schema, data []byte) error {
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		return err
	}
	return sch.Validate(inst)
}

// schemaDoc is the schema as plain JSON values, for the tests that read it.
func schemaDoc(t *testing.T) map[string]any {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal(schema.ResultsV1, &doc); err != nil {
		t.Fatal(err)
	}
	return doc
}

func TestSchemaCompiles(t *testing.T) {
	strict(t) // the compiler also checks it against the 2020-12 meta-schema
	open(t)

	doc := schemaDoc(t)
	if doc["$schema"] != "https://json-schema.org/draft/2020-12/schema" {
		t.Errorf("$schema is %v, want draft 2020-12", doc["$schema"])
	}
	if doc["$id"] != schema.IDV1 {
		t.Errorf("$id is %v, want %s", doc["$id"], schema.IDV1)
	}
	if s, _ := doc["title"].(string); s == "" {
		t.Error("no title")
	}
	// The file's version is the writer's version.
	if !strings.HasSuffix(results.SchemaVersion, "/v1") || !strings.HasSuffix(schema.IDV1, "/results.v1.json") {
		t.Errorf("results.SchemaVersion %q has no schema file here (the $id is %s)", results.SchemaVersion, schema.IDV1)
	}
	props := doc["properties"].(map[string]any)
	if c := props["schema_version"].(map[string]any)["const"]; c != results.SchemaVersion {
		t.Errorf("schema_version const %v, want %q", c, results.SchemaVersion)
	}
	if c := props["kind"].(map[string]any)["const"]; c != results.Kind {
		t.Errorf("kind const %v, want %q", c, results.Kind)
	}
	var outcomes []string
	for _, o := range doc["$defs"].(map[string]any)["case"].(map[string]any)["properties"].(map[string]any)["outcome"].(map[string]any)["enum"].([]any) {
		outcomes = append(outcomes, o.(string))
	}
	var want []string
	for _, o := range results.Outcomes() {
		want = append(want, string(o))
	}
	slices.Sort(outcomes)
	slices.Sort(want)
	if !slices.Equal(outcomes, want) {
		t.Errorf("outcome enum %v, want results.Outcomes() %v", outcomes, want)
	}
}

// TestEverySchemaObjectIsStrictAndDescribed: every property and every
// definition says what it means, and every object with properties refuses
// the ones it does not list (the writer's strict form).
func TestEverySchemaObjectIsStrictAndDescribed(t *testing.T) {
	doc := schemaDoc(t)
	if s, _ := doc["description"].(string); s == "" {
		t.Error("the schema has no description")
	}
	for name, d := range doc["$defs"].(map[string]any) {
		if s, _ := d.(map[string]any)["description"].(string); s == "" {
			t.Errorf("$defs/%s has no description", name)
		}
	}
	var walk func(node any, at string)
	walk = func(node any, at string) {
		switch n := node.(type) {
		case map[string]any:
			if props, ok := n["properties"].(map[string]any); ok {
				if n["additionalProperties"] != false {
					t.Errorf("%s: an object with properties but no \"additionalProperties\": false", at)
				}
				for name, p := range props {
					if s, _ := p.(map[string]any)["description"].(string); s == "" {
						t.Errorf("%s/properties/%s has no description", at, name)
					}
				}
			}
			for k, v := range n {
				if k == "if" || k == "then" || k == "else" {
					continue // conditions on the object around them, not objects of their own
				}
				walk(v, at+"/"+k)
			}
		case []any:
			for i, v := range n {
				walk(v, at+"/"+strconv.Itoa(i))
			}
		}
	}
	walk(doc, "#")
}

// TestOpenForm: the reader's form drops every "additionalProperties": false
// and nothing else, and leaves ResultsV1 as it was.
func TestOpenForm(t *testing.T) {
	before := bytes.Clone(schema.ResultsV1)
	openDoc, err := schema.OpenForm(schema.ResultsV1)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(before, schema.ResultsV1) {
		t.Fatal("OpenForm changed ResultsV1")
	}
	var got map[string]any
	if err := json.Unmarshal(openDoc, &got); err != nil {
		t.Fatal(err)
	}
	want := schemaDoc(t)
	var strip func(any)
	strip = func(v any) {
		switch n := v.(type) {
		case map[string]any:
			if n["additionalProperties"] == false {
				delete(n, "additionalProperties")
			}
			for _, c := range n {
				strip(c)
			}
		case []any:
			for _, c := range n {
				strip(c)
			}
		}
	}
	strip(want) // safe here: no property of this schema is called additionalProperties
	if !reflect.DeepEqual(got, want) {
		t.Error("the open form differs from the strict one by more than its \"additionalProperties\": false")
	}
	cfg := got["properties"].(map[string]any)["config"].(map[string]any)
	if !reflect.DeepEqual(cfg["additionalProperties"], map[string]any{"type": "string"}) {
		t.Errorf("the open form lost config's value type: %v", cfg["additionalProperties"])
	}
}

// newReport starts a report the way `shopconform run` does.
func newReport(cfg runner.Config) *results.Report {
	return &results.Report{
		SchemaVersion: results.SchemaVersion, Kind: results.Kind, StartedAt: time.Now().UTC(),
		HarnessVersion: version.Harness, CatalogHash: catalog.Default().Hash(),
		Config: cfg.Redacted(), Target: runner.TargetName(cfg),
	}
}

// finish ends a report the way `shopconform run` does, and writes it.
func finish(t *testing.T, rep *results.Report, runErr string) []byte {
	t.Helper()
	rep.FinishedAt = time.Now().UTC()
	if runErr != "" {
		rep.Error, rep.Complete = runErr, false
	}
	path := filepath.Join(t.TempDir(), "results.json")
	if err := rep.WriteJSON(path); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func intp(n int) *int { return &n }

// fullReport is a run with every kind of case and every field set
// somewhere: the suites' parts go through WritePart and ReadPart, Merge and
// WriteJSON, as in a run that was interrupted before one suite reported.
func fullReport(t *testing.T) []byte {
	t.Helper()
	outside := results.Problem{File: "fixtures/cases/stray.json", Message: "a case outside any domain folder"}
	parts := []results.Part{
		{
			Domain: "universal", Target: "reference",
			Cases: []results.Case{
				{
					ID: "universal-40066-pass", Domain: "universal", Endpoint: "/shop/nope", Summary: "an unknown path",
					Account: "default", Evidence: "D", Labels: []string{"errcode:40066", "smoke"},
					ExpectedErrcode: 40066, ActualErrcode: intp(40066), Errmsg: "invalid url",
					Outcome: results.Pass, Attempts: 1, Fixture: "fixtures/universal/universal-40066-pass.json", DurationMS: 1.25,
				},
				{
					ID: "universal-45009-flaky", Domain: "universal", Endpoint: "/shop/spu/get", Summary: "passes on the second try",
					Account: "default", Evidence: "I", ExpectedErrcode: 40013, ActualErrcode: intp(40013), Errmsg: "invalid appid",
					Outcome: results.Pass, Attempts: 2, Flaky: true, Fixture: "fixtures/universal/universal-45009-flaky.json", DurationMS: 210,
					Notes: []string{`given step 1 "first" (/shop/audit/audit_category) answered errcode 1050003 (category already approved; no need to reapply) instead of 0, which the step accepts: approved by an earlier run`},
					EarlierAttempts: []results.Attempt{
						{Step: "case", Errcode: intp(45009), Errmsg: "reach max api daily quota limit"},
						{Step: "case", Error: "read tcp: connection reset by peer"},
					},
				},
				{
					ID: "universal-40001-fail", Domain: "universal", Endpoint: "/shop/spu/add", Summary: "a bad token",
					Account: "default", Evidence: "D", ExpectedErrcode: 40001, ActualErrcode: intp(0), Errmsg: "ok",
					Outcome: results.Fail, Reason: "errcode 0, want 40001 (invalid credential)", Attempts: 1,
					Fixture: "fixtures/universal/universal-40001-fail.json", DurationMS: 3.5,
					Transcript: []results.Exchange{
						{Step: "given 1 (first)", Method: "POST", Endpoint: "/shop/spu/add", RequestContentType: "application/json",
							RequestBody: `{"title":"x"}`, Status: 200, ResponseBody: `{"errcode":0,"errmsg":"ok"}`},
						{Step: "case", Method: "POST", Endpoint: "/shop/spu/add", RequestContentType: "application/json",
							RequestBody: `{"title":"y"}`, Status: 200, ResponseBody: `{"errcode":0,"errmsg":"ok"}`},
						{Step: "cleanup 1", Method: "GET", Endpoint: "/shop/spu/del", Status: 200, ResponseBody: `{"errcode":0}`},
					},
					Findings:    []string{"the SDK's request differs: body.title: sent \"y\", the case has \"x\""},
					SDKFindings: []results.Finding{{Kind: results.FindingRequest, Path: "body.title", Problem: "sent \"y\", the case has \"x\""}},
					Curl:        "curl -sS -X POST 'http://127.0.0.1:8089/shop/spu/add?access_token=ACCESS_TOKEN' --data-binary '{\"title\":\"y\"}'",
					Rerun:       "go run ./cmd/shopconform run --domains universal --focus '^universal-40001-fail$'",
				},
				{
					ID: "universal-transport-error", Domain: "universal", Endpoint: "/shop/spu/get", Summary: "the target hangs up",
					Account: "default", Evidence: "D", ExpectedErrcode: 40066, ActualErrcode: nil,
					Outcome: results.Error, Reason: "POST /shop/spu/get (attempt 3): connection reset", Attempts: 3,
					Fixture: "fixtures/universal/universal-transport-error.json", DurationMS: 0,
					Transcript: []results.Exchange{
						{Step: "case", Method: "POST", Endpoint: "/shop/spu/get", Status: 0, Error: "read tcp: connection reset by peer"},
					},
					Curl:  "curl -sS -X POST 'http://127.0.0.1:8089/shop/spu/get?access_token=ACCESS_TOKEN'",
					Rerun: "go run ./cmd/shopconform run --domains universal --focus '^universal-transport-error$'",
				},
			},
			Pending:  []results.Pending{{Code: 9401020, Domain: "universal", Text: "system error"}},
			Problems: []results.Problem{{File: "fixtures/universal/broken.json", Line: 3, Col: 7, Message: "unknown field \"expct\"", Domain: "universal"}, outside},
		},
		{
			Domain: "product", Target: "reference",
			Cases: []results.Case{
				{
					ID: "product-skipped", Domain: "product", Endpoint: "/shop/spu/add", Summary: "needs another profile",
					Account: "brand", Evidence: "D", ExpectedErrcode: 1000001, ActualErrcode: nil,
					Outcome: results.Skipped, Reason: "not selected by this run's filters", Attempts: 0,
					Fixture: "fixtures/product/product-skipped.json",
				},
				{
					ID: "product-inconclusive", Domain: "product", Endpoint: "/shop/spu/add", Summary: "quota ran out",
					Account: "default", Evidence: "I", ExpectedErrcode: 1000002, ActualErrcode: intp(45009), Errmsg: "reach max api daily quota limit",
					Outcome: results.Inconclusive, Reason: "the environment answered 45009 (quota)", Attempts: 1,
					Fixture: "fixtures/product/product-inconclusive.json", DurationMS: 2,
					Expectation: &results.Expectation{Outcome: results.Inconclusive, Reason: "the sandbox's quota runs out at night",
						Link: "https://example.com/tracker/1", Expires: "2027-01-31"},
				},
			},
			Pending:  []results.Pending{},
			Problems: []results.Problem{outside}, // every suite reports it; it counts once
		},
		{
			Domain: "order", Target: "reference", Failure: "configuration: accounts file missing",
			Cases: []results.Case{{
				ID: "order-unopened", Domain: "order", Endpoint: "/shop/order/get", Summary: "never ran",
				Account: "default", Evidence: "D", ExpectedErrcode: 40066,
				Outcome: results.Error, Reason: "the target could not be opened: accounts file missing", Fixture: "fixtures/order/order-unopened.json",
			}},
			Pending: []results.Pending{}, Problems: []results.Problem{},
		},
	}
	dir := filepath.Join(t.TempDir(), ".parts")
	for _, p := range parts {
		if err := results.WritePart(dir, p); err != nil {
			t.Fatal(err)
		}
	}
	domains := []string{"universal", "product", "order", "coupon"} // coupon never reports
	read := map[string]results.Part{}
	for _, d := range domains {
		p, ok, err := results.ReadPart(dir, d)
		if err != nil {
			t.Fatal(err)
		}
		if ok {
			read[d] = p
		}
	}
	rep := newReport(runner.DefaultConfig())
	results.Merge(rep, domains, read)
	// A shard's fields and a merged report's, together in one report
	// (no run writes both) so that the schema checks each.
	var ids []string
	for _, c := range rep.Cases {
		ids = append(ids, c.ID)
	}
	rep.Capabilities = []string{"magic-values", "fresh-accounts", "clock", "profile:default"}
	late := results.ExpectationEntry{Line: 7, Case: "universal-40001-*", Target: "reference", Outcome: results.Fail, Expires: "2026-11-30",
		Reason: "the reference renews tokens early", Link: "https://example.com/issues/7"}
	rep.Expectations = &results.Expectations{
		File: "expectations.yaml", Entries: 3,
		Broken:    []results.BrokenExpectation{{CaseID: "universal-40001-fail", Entry: late, Problem: "expired on 2026-11-30"}},
		Unmatched: []results.ExpectationEntry{{Line: 13, Case: "coupon-*", Outcome: results.Skipped, Expires: "2027-01-31"}},
	}
	rep.Shard = &results.ShardOf{Index: 2, Total: 3}
	rep.Fingerprint = results.NewFingerprint(rep.Config, domains, "errcode:40066", "universal", "durations sha256:"+strings.Repeat("ab", 32), append(ids, "order-elsewhere"), ids)
	rep.MergedFrom = []results.MergedShard{
		{Index: 1, Total: 2, StartedAt: rep.StartedAt, FinishedAt: rep.StartedAt.Add(time.Second), Complete: true},
		{Index: 2, Total: 2, StartedAt: rep.StartedAt, FinishedAt: rep.StartedAt.Add(2 * time.Second), Complete: false},
	}
	if rep.Complete || rep.Statistics.Flaky != 1 || rep.Statistics.Problems != 2 {
		t.Fatalf("the merge is not the run this test means: complete=%v statistics=%+v", rep.Complete, rep.Statistics)
	}
	return finish(t, rep, "interrupted: the reports cover what finished")
}

// TestCurrentWriterValidates: reports written by the current code validate
// against the strict schema, and the full one uses every property the
// schema knows, so none goes unchecked.
func TestCurrentWriterValidates(t *testing.T) {
	sch := strict(t)
	full := fullReport(t)
	if err := validate(sch, full); err != nil {
		t.Fatalf("a report written by the current code does not validate:\n%v\n%s", err, full)
	}
	if missing := unused(t, full); len(missing) > 0 {
		t.Errorf("the written report never uses %v: give fullReport a value for each, so the schema is tested against what the writer makes of it", missing)
	}

	// A bad configuration: the report is written before any suite starts.
	sandbox := runner.DefaultConfig()
	sandbox.Target, sandbox.BaseURL = runner.TargetSandbox, "http://127.0.0.1:8089"
	early := finish(t, newReport(sandbox), "--procs 0 must be at least 1")
	if !bytes.Contains(early, []byte(`"cases": null`)) {
		t.Errorf("expected a report with null lists:\n%s", early)
	}
	// An unreachable target: every domain merged without a part.
	rep := newReport(sandbox)
	results.Merge(rep, []string{"universal", "product"}, nil)
	unreachable := finish(t, rep, "the target does not answer")
	for name, data := range map[string][]byte{"bad configuration": early, "unreachable target": unreachable} {
		if err := validate(sch, data); err != nil {
			t.Errorf("%s: the report does not validate:\n%v\n%s", name, err, data)
		}
	}
}

// unused lists the schema's properties ("#/$defs/case/properties/curl")
// that data never holds.
func unused(t *testing.T, data []byte) []string {
	doc := schemaDoc(t)
	var inst any
	if err := json.Unmarshal(data, &inst); err != nil {
		t.Fatal(err)
	}
	used := map[string]bool{}
	var walk func(v any, node map[string]any, at string)
	walk = func(v any, node map[string]any, at string) {
		if ref, ok := node["$ref"].(string); ok {
			at = ref
			node = resolve(t, doc, ref)
		}
		switch x := v.(type) {
		case map[string]any:
			props, _ := node["properties"].(map[string]any)
			for k, val := range x {
				if p, ok := props[k].(map[string]any); ok {
					used[at+"/properties/"+k] = true
					walk(val, p, at+"/properties/"+k)
				}
			}
		case []any:
			if items, ok := node["items"].(map[string]any); ok {
				for _, it := range x {
					walk(it, items, at+"/items")
				}
			}
		}
	}
	walk(inst, doc, "#")
	var missing []string
	var all func(node map[string]any, at string)
	all = func(node map[string]any, at string) {
		props, _ := node["properties"].(map[string]any)
		for k := range props {
			if !used[at+"/properties/"+k] {
				missing = append(missing, at+"/properties/"+k)
			}
		}
	}
	all(doc, "#")
	for name, d := range doc["$defs"].(map[string]any) {
		all(d.(map[string]any), "#/$defs/"+name)
	}
	sort.Strings(missing)
	return missing
}

func resolve(t *testing.T, doc map[string]any, ref string) map[string]any {
	name, ok := strings.CutPrefix(ref, "#/$defs/")
	if !ok {
		t.Fatalf("$ref %s: only #/$defs/NAME is used here", ref)
	}
	def, ok := doc["$defs"].(map[string]any)[name].(map[string]any)
	if !ok {
		t.Fatalf("$ref %s: no such definition", ref)
	}
	return def
}

// TestBrokenDocumentsRejected: hand-broken reports fail, at the right
// place; an unknown property fails the strict form only.
func TestBrokenDocumentsRejected(t *testing.T) {
	good := fullReport(t)
	strictSch, openSch := strict(t), open(t)
	cases := []struct {
		name   string
		mutate func(r map[string]any)
		at     string // the instance location an error names
		open   bool   // whether the reader's open form accepts it
	}{
		{"wrong schema_version", func(r map[string]any) { r["schema_version"] = "shopconform.results/v2" }, "/schema_version", false},
		{"wrong kind", func(r map[string]any) { r["kind"] = "JUnit" }, "/kind", false},
		{"outcome maybe", func(r map[string]any) { caseAt(r, 0)["outcome"] = "maybe" }, "/cases/0/outcome", false},
		{"actual_errcode as a string", func(r map[string]any) { caseAt(r, 0)["actual_errcode"] = "40066" }, "/cases/0/actual_errcode", false},
		{"flaky fail", func(r map[string]any) { caseAt(r, 2)["flaky"] = true }, "/cases/2/outcome", false},
		{"negative statistic", func(r map[string]any) { r["statistics"].(map[string]any)["total"] = -1 }, "/statistics/total", false},
		{"timestamp not RFC 3339", func(r map[string]any) { r["started_at"] = "yesterday" }, "/started_at", false},
		{"exchange status as a string", func(r map[string]any) {
			caseAt(r, 2)["transcript"].([]any)[0].(map[string]any)["status"] = "200"
		}, "/cases/2/transcript/0/status", false},
		{"no cases", func(r map[string]any) { delete(r, "cases") }, "", false},
		{"shard 0", func(r map[string]any) { r["shard"].(map[string]any)["index"] = 0 }, "/shard/index", false},
		{"split neither hash nor durations", func(r map[string]any) { r["fingerprint"].(map[string]any)["split"] = "round-robin" }, "/fingerprint/split", false},
		{"fingerprint without its corpus", func(r map[string]any) { delete(r["fingerprint"].(map[string]any), "corpus") }, "/fingerprint", false},
		{"extra top-level field", func(r map[string]any) { r["extra"] = true }, "", true},
		{"extra case field", func(r map[string]any) { caseAt(r, 0)["screenshot"] = "x.png" }, "/cases/0", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var r map[string]any
			if err := json.Unmarshal(good, &r); err != nil {
				t.Fatal(err)
			}
			c.mutate(r)
			data, err := json.Marshal(r)
			if err != nil {
				t.Fatal(err)
			}
			err = validate(strictSch, data)
			if err == nil {
				t.Fatalf("the strict schema accepts it")
			}
			if at := locations(err); !slices.Contains(at, c.at) {
				t.Errorf("the error names %q, want %q:\n%v", at, c.at, err)
			}
			switch err := validate(openSch, data); {
			case c.open && err != nil:
				t.Errorf("the open form refuses what a later v1 writer may add:\n%v", err)
			case !c.open && err == nil:
				t.Errorf("the open form accepts it")
			}
		})
	}
}

// TestEarlierV1FilesValidate: a file of an earlier v1 writer, without the
// fields added within v1 since, still validates, strictly too.
func TestEarlierV1FilesValidate(t *testing.T) {
	var r map[string]any
	if err := json.Unmarshal(fullReport(t), &r); err != nil {
		t.Fatal(err)
	}
	delete(r["statistics"].(map[string]any), "flaky")
	for _, d := range r["domains"].([]any) {
		delete(d.(map[string]any)["statistics"].(map[string]any), "flaky")
	}
	for _, k := range []string{"shard", "fingerprint", "merged_from"} {
		delete(r, k)
	}
	for _, c := range r["cases"].([]any) {
		for _, k := range []string{"flaky", "transcript", "curl", "rerun"} {
			delete(c.(map[string]any), k)
		}
	}
	data, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	if err := validate(strict(t), data); err != nil {
		t.Errorf("a file of an earlier v1 writer does not validate:\n%v", err)
	}
}

func caseAt(r map[string]any, i int) map[string]any {
	return r["cases"].([]any)[i].(map[string]any)
}

// locations lists the instance locations of an error's leaves.
func locations(err error) []string {
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		return nil
	}
	var out []string
	var leaves func(*jsonschema.ValidationError)
	leaves = func(e *jsonschema.ValidationError) {
		if len(e.Causes) == 0 {
			loc := ""
			for _, s := range e.InstanceLocation {
				loc += "/" + s
			}
			out = append(out, loc)
		}
		for _, c := range e.Causes {
			leaves(c)
		}
	}
	leaves(ve)
	return out
}

// TestValidateFile validates the results.json files named after -args:
//
//	go test ./runner/results/schema -run TestValidateFile -args reports/results.json
//
// A relative name is taken from the module root (go test runs in this
// package's folder). It uses the reader's open form; -strict (after -args)
// uses the strict form, as the writer's own test does. Without files it
// skips.
func TestValidateFile(t *testing.T) {
	files := flag.Args()
	if len(files) == 0 {
		t.Skip("no file: go test ./runner/results/schema -run TestValidateFile -args [-strict] FILE...")
	}
	sch, form := open(t), "open (reader's) form"
	if *strictFlag {
		sch, form = strict(t), "strict (writer's) form"
	}
	root := moduleRoot(t)
	for _, name := range files {
		path := name
		if !filepath.IsAbs(path) {
			path = filepath.Join(root, path)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			t.Errorf("%v", err)
			continue
		}
		if err := validate(sch, data); err != nil {
			t.Errorf("%s does not validate against %s, %s:\n%v", path, schema.IDV1, form, err)
			continue
		}
		t.Logf("%s: valid against %s, %s", path, schema.IDV1, form)
	}
}

func moduleRoot(t *testing.T) string {
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test's folder")
		}
		dir = parent
	}
}
