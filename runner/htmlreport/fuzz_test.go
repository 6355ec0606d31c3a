package htmlreport

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/shopconform/shopconform/catalog"
	"github.com/shopconform/shopconform/fuzz/report"
	"github.com/shopconform/shopconform/internal/htmlquery"
)

// TestFuzzingSection: with a campaign, the page lists each finding with
// its kind, endpoint, operator, request and curl, the target's text
// escaped; without one there is no section.
func TestFuzzingSection(t *testing.T) {
	raw := `{"<script>": "</pre>"}`
	camp := &report.Report{SchemaVersion: 1, Target: "reference", Seed: 7, Requests: 120, Endpoints: []string{"/shop/order/get"},
		Operators: []string{"drop-required", "malformed-json"},
		Findings: []report.Finding{
			{Endpoint: "/shop/order/get", Operator: "drop-required", Kind: report.AcceptedInvalid, Errcode: code(0), Expected: []int{990004, 990007},
				Request: report.Request{Method: "POST", Endpoint: "/shop/order/get", Body: json.RawMessage(`{"out_order_id":"x"}`)}, Curl: "curl -sS -X POST 'http://127.0.0.1:8089/shop/order/get'"},
			{Endpoint: "/shop/order/get", Operator: "malformed-json", Kind: report.Crash, Expected: []int{47001},
				Request: report.Request{Method: "POST", Endpoint: "/shop/order/get", RawBody: &raw}, Curl: "curl"},
		}}
	var buf bytes.Buffer
	if err := Write(&buf, sampleReport(), catalog.Default(), WithFuzz(camp)); err != nil {
		t.Fatal(err)
	}
	doc, err := html.Parse(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	rows := htmlquery.FindAll(doc, htmlquery.ByClass("fuzz-finding"))
	if len(rows) != 2 {
		t.Fatalf("%d finding rows, want 2", len(rows))
	}
	for i, want := range []string{"accepted-invalid", "crash"} {
		if kind, _ := htmlquery.Attr(rows[i], "data-kind"); kind != want {
			t.Errorf("row %d: data-kind %q, want %q", i, kind, want)
		}
		if op, _ := htmlquery.Attr(rows[i], "data-operator"); op != camp.Findings[i].Operator {
			t.Errorf("row %d: data-operator %q", i, op)
		}
	}
	if got := htmlquery.Text(htmlquery.FindAll(rows[0], htmlquery.ByClass("fuzz-request"))[0]); got != `{"out_order_id":"x"}` {
		t.Errorf("request %q", got)
	}
	if got := htmlquery.Text(htmlquery.FindAll(rows[1], htmlquery.ByClass("fuzz-request"))[0]); got != raw {
		t.Errorf("raw request %q, want it shown as text", got)
	}
	if !strings.Contains(htmlquery.Text(rows[0]), "990004") || strings.Contains(buf.String(), `"</pre>"}`) {
		t.Errorf("row 0 lacks the expected codes, or the page holds the raw body unescaped")
	}
	var plain bytes.Buffer
	if err := Write(&plain, sampleReport(), catalog.Default()); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(plain.String(), `id="fuzzing"`) {
		t.Error("a Fuzzing section without a campaign")
	}
}
