package matchers

import (
	"strings"
	"testing"

	"github.com/onsi/gomega"

	"github.com/shopconform/shopconform/catalog"
)

type fakeResponse struct {
	code   *int
	errmsg string
	fields map[string]any
}

func (f fakeResponse) Errcode() (int, bool) {
	if f.code == nil {
		return 0, false
	}
	return *f.code, true
}
func (f fakeResponse) Errmsg() string   { return f.errmsg }
func (f fakeResponse) Endpoint() string { return "/shop/spu/get" }
func (f fakeResponse) Fixture() string  { return "fixtures/product/product-1000011.json" }
func (f fakeResponse) Field(p string) (any, bool) {
	v, ok := f.fields[p]
	return v, ok
}

func answer(code int) fakeResponse {
	return fakeResponse{code: &code, errmsg: "This page does not exist.", fields: map[string]any{"errcode": float64(code)}}
}

func TestHaveErrcodeMessages(t *testing.T) {
	m := HaveErrcode(catalog.ProductAlreadyExists)
	ok, err := m.Match(answer(1000011))
	if err != nil || ok {
		t.Fatalf("match = %v, %v", ok, err)
	}
	want := "Expected\n" +
		"    errcode 1000011 (" + meaning(1000011) + ")\n" +
		"    errmsg:   \"This page does not exist.\"\n" +
		"    endpoint: /shop/spu/get\n" +
		"    fixture:  fixtures/product/product-1000011.json\n" +
		"to have errcode\n" +
		"    1000012 (" + meaning(1000012) + ")\n"
	if got := m.FailureMessage(answer(1000011)); got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
	if got := m.NegatedFailureMessage(answer(1000011)); !strings.Contains(got, "not to have errcode\n    1000012") {
		t.Errorf("negated: %s", got)
	}
}

func meaning(code int) string {
	e, _ := catalog.Default().Lookup(catalog.Code(code))
	return e.Meaning
}

func TestHaveErrcodeAcceptsIntsCodesAndMatchers(t *testing.T) {
	for _, expected := range []any{1000011, catalog.ProductNotFound, gomega.BeNumerically(">", 1000000)} {
		if ok, err := HaveErrcode(expected).Match(answer(1000011)); !ok || err != nil {
			t.Errorf("%v: %v %v", expected, ok, err)
		}
	}
}

func TestMisuseIsAnError(t *testing.T) {
	tests := []struct {
		name    string
		matcher func() (bool, error)
		want    string
	}{
		{"not a response", func() (bool, error) { return HaveErrcode(0).Match(42) }, "HaveErrcode matcher expects a matchers.Response (such as *runner.Result). Got:\n    <int>: 42"},
		{"no errcode received", func() (bool, error) { return HaveErrcode(0).Match(fakeResponse{}) }, "no errcode was received from /shop/spu/get"},
		{"bad expectation", func() (bool, error) { return HaveErrcode("zero").Match(answer(0)) }, "expects an int, a catalog.Code or a matcher"},
		{"success matcher on nil", func() (bool, error) { return HaveSucceeded().Match(nil) }, "HaveSucceeded matcher expects a matchers.Response"},
		{"fields matcher on a string", func() (bool, error) { return HaveResponseFields(nil, nil).Match("x") }, "HaveResponseFields matcher expects"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.matcher()
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want %q", err, tt.want)
			}
		})
	}
}

func TestHaveSucceeded(t *testing.T) {
	if ok, _ := HaveSucceeded().Match(answer(0)); !ok {
		t.Error("errcode 0 did not succeed")
	}
	m := HaveSucceeded()
	if ok, _ := m.Match(answer(1000011)); ok {
		t.Error("1000011 succeeded")
	}
	if got := m.FailureMessage(answer(1000011)); !strings.HasSuffix(got, "to have succeeded (errcode 0)\n") {
		t.Errorf("message: %s", got)
	}
}

func TestHaveResponseFields(t *testing.T) {
	r := fakeResponse{code: new(int), fields: map[string]any{"data.id": float64(7), "data.name": "a", "data.null": nil}}
	m := HaveResponseFields([]string{"data.id", "data.null", "data.gone"}, map[string]any{"data.name": "b", "data.id": 7})
	if ok, err := m.Match(r); ok || err != nil {
		t.Fatalf("%v %v", ok, err)
	}
	want := "to have the response fields\n    data.null: absent\n    data.gone: absent\n    data.name: got \"a\", want \"b\"\n"
	if got := m.FailureMessage(r); !strings.HasSuffix(got, want) {
		t.Errorf("got:\n%s\nwant suffix:\n%s", got, want)
	}
}
