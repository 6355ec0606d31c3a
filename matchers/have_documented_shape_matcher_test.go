package matchers

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/shopconform/shopconform/apispec"
	"github.com/shopconform/shopconform/catalog"
)

func shapeEndpoint(t *testing.T) *apispec.Endpoint {
	t.Helper()
	s, err := apispec.Load(fstest.MapFS{"t.json": {Data: []byte(`{"endpoints": [
	 {"path": "/shop/spu/get", "domain": "product", "summary": "s", "request": [],
	  "response": [{"name": "data", "type": "object", "presence": "required", "fields": [
	   {"name": "product_id", "type": "id", "presence": "required"},
	   {"name": "status", "type": "integer"}]}]}]}`)}}, catalog.Default())
	if err != nil {
		t.Fatal(err)
	}
	ep, _ := s.Endpoint("/shop/spu/get")
	return ep
}

func withRoot(code int, root map[string]any) fakeResponse {
	r := answer(code)
	r.fields = map[string]any{"": root}
	return r
}

func TestHaveDocumentedShape(t *testing.T) {
	ep := shapeEndpoint(t)
	for name, tc := range map[string]struct {
		r    fakeResponse
		ok   bool
		says []string
	}{
		"full":            {withRoot(0, map[string]any{"errcode": 0.0, "data": map[string]any{"product_id": 12.0, "status": 5.0, "more": "x"}}), true, nil},
		"id as text":      {withRoot(0, map[string]any{"data": map[string]any{"product_id": "18446744073709551615"}}), true, nil},
		"an error":        {withRoot(1000011, map[string]any{"errcode": 1000011.0}), true, nil},
		"field absent":    {withRoot(0, map[string]any{"data": map[string]any{"status": 5.0}}), false, []string{"data.product_id: absent, though documented"}},
		"object absent":   {withRoot(0, map[string]any{"errcode": 0.0}), false, []string{"data: absent, though documented"}},
		"wrong type":      {withRoot(0, map[string]any{"data": map[string]any{"product_id": 1.0, "status": "5"}}), false, []string{"data.status: a string, not"}},
		"not an object":   {withRoot(0, nil), false, []string{"the answer is not a JSON object"}},
		"two fields gone": {withRoot(0, map[string]any{"data": map[string]any{}}), false, []string{"data.product_id: absent"}},
	} {
		t.Run(name, func(t *testing.T) {
			m := HaveDocumentedShape(ep)
			ok, err := m.Match(tc.r)
			if err != nil || ok != tc.ok {
				t.Fatalf("match = %v, %v; want %v", ok, err, tc.ok)
			}
			if ok {
				return
			}
			msg := m.FailureMessage(tc.r)
			if !strings.HasPrefix(msg, "Expected\n    errcode 0 (") || !strings.Contains(msg, "to have the response shape apispec documents for /shop/spu/get\n") {
				t.Errorf("message:\n%s", msg)
			}
			for _, s := range tc.says {
				if !strings.Contains(msg, s) {
					t.Errorf("message lacks %q:\n%s", s, msg)
				}
			}
		})
	}
	if _, err := HaveDocumentedShape(nil).Match(answer(0)); err == nil || !strings.Contains(err.Error(), "expects the endpoint's spec") {
		t.Errorf("no endpoint: %v", err)
	}
	if _, err := HaveDocumentedShape(ep).Match("x"); err == nil || !strings.Contains(err.Error(), "HaveDocumentedShape matcher expects a matchers.Response") {
		t.Errorf("not a response: %v", err)
	}
}
