package runner

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/shopconform/shopconform/apispec"
	"github.com/shopconform/shopconform/catalog"
	"github.com/shopconform/shopconform/runner/results"
)

// shapeSpec documents /shop/spu/get's success answer; the tests' target
// answers that path with a canned body and everything else (tokens) from
// the reference sandbox.
const shapeSpec = `{"endpoints": [
 {"path": "/shop/spu/get", "domain": "product", "summary": "s", "request": [],
  "response": [{"name": "data", "type": "object", "presence": "required", "fields": [
   {"name": "product_id", "type": "id", "presence": "required"},
   {"name": "out_product_id", "type": "string", "presence": "required"},
   {"name": "status", "type": "integer"}]}]}]}`

func cannedTarget(t *testing.T, body string) *Target {
	return newTarget(t, TargetSandbox, func(sb http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path != "/shop/spu/get" {
				sb.ServeHTTP(w, r)
				return
			}
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(body))
		})
	})
}

func shapeRunner(t *testing.T, body string) *Runner {
	t.Helper()
	spec, err := apispec.Load(fstest.MapFS{"t.json": {Data: []byte(shapeSpec)}}, catalog.Default())
	if err != nil {
		t.Fatal(err)
	}
	return New(testConfig(), cannedTarget(t, body), "sctest", WithSpec(spec))
}

// TestSuccessAnswersHaveTheDocumentedShape: on any target, a success
// answer that lacks a field the spec documents, or holds one of another
// type, fails the case naming each field; results.json and JUnit carry
// that reason. An error answer and a full answer pass.
func TestSuccessAnswersHaveTheDocumentedShape(t *testing.T) {
	success := testCase("/shop/spu/get", `{"body": {"product_id": 1}}`, `{"errcode": 0}`)
	for name, tc := range map[string]struct {
		c       string
		answer  string
		outcome results.Outcome
		says    []string
	}{
		"full answer": {success, `{"errcode": 0, "errmsg": "ok", "data": {"product_id": 12, "out_product_id": "p", "status": 5, "undocumented": true}}`, results.Pass, nil},
		"a documented field absent": {success, `{"errcode": 0, "errmsg": "ok", "data": {"out_product_id": "p"}}`, results.Fail,
			[]string{"to have the response shape apispec documents for /shop/spu/get", "data.product_id: absent, though documented"}},
		"every problem named": {success, `{"errcode": 0, "data": {"status": "5"}}`, results.Fail,
			[]string{"data.product_id: absent, though documented", "data.out_product_id: absent, though documented", "data.status: a string, not"}},
		"the object absent": {success, `{"errcode": 0, "errmsg": "ok"}`, results.Fail, []string{"data: absent, though documented"}},
		"an expected error has no shape": {testCase("/shop/spu/get", `{"body": {}}`, `{"errcode": 1000011}`),
			`{"errcode": 1000011, "errmsg": "no such product rid: 1-2-3"}`, results.Pass, nil},
		"the errcode is judged first": {success, `{"errcode": 1000011, "errmsg": "no such product"}`, results.Fail, []string{"to have errcode\n    0 ("}},
	} {
		t.Run(name, func(t *testing.T) {
			res := shapeRunner(t, tc.answer).Execute(context.Background(), caseFrom(t, tc.c))
			if res.Outcome != tc.outcome {
				t.Fatalf("outcome %s (%s), want %s", res.Outcome, res.Reason, tc.outcome)
			}
			rec := res.Record()
			for _, s := range tc.says {
				if !strings.Contains(rec.Reason, s) {
					t.Errorf("results.json reason lacks %q:\n%s", s, rec.Reason)
				}
			}
			if ok, err := res.Assertion().Match(res); err != nil || ok != (tc.outcome == results.Pass) {
				t.Errorf("the suites' assertion says %v (%v), the verdict %s", ok, err, res.Outcome)
			}
		})
	}
}

// TestEndpointsOutsideTheSpecAreNotShaped: a path the spec does not know
// (a token endpoint, a mistyped path) has no documented shape to miss.
func TestEndpointsOutsideTheSpecAreNotShaped(t *testing.T) {
	r := shapeRunner(t, `{"errcode": 0}`)
	res := r.Execute(context.Background(), caseFrom(t, testCase("/shop/delivery/get_company_list", `{"body": {}}`, `{"errcode": 0}`)))
	if res.Outcome != results.Pass {
		t.Fatalf("outcome %s: %s", res.Outcome, res.Reason)
	}
}
