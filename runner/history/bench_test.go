package history

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/shopconform/shopconform/catalog"
	"github.com/shopconform/shopconform/runner/results"
	"github.com/shopconform/shopconform/runner/resultsdiff"
)

// syntheticRun is night n of a nightly of cases cases, shaped like the
// real corpus: every code of the catalog expected by a few cases, most
// passing, some flaky now and then, some failing from a given night on,
// some answered an environment code on alternate nights, some skipped,
// some absent from odd nights; cases that did not pass carry a
// transcript, a curl and a rerun line as the runner writes them.
func syntheticRun(n, cases int) *results.Report {
	entries := catalog.Default().Entries()
	start := time.Date(2026, 10, 1, 2, 0, 0, 0, time.UTC).AddDate(0, 0, n)
	r := &results.Report{
		SchemaVersion: results.SchemaVersion, Kind: results.Kind,
		Target: "sandbox:sandbox.example:443", HarnessVersion: "0.4.0", CatalogHash: catalog.Default().Hash(),
		Config:    map[string]string{"target": "sandbox", "report_dir": fmt.Sprintf("nightly/%d", n)},
		StartedAt: start, FinishedAt: start.Add(14 * time.Minute), Complete: true,
	}
	for j := range cases {
		e := entries[j%len(entries)]
		if j%97 == 3 && n%2 == 1 {
			continue
		}
		c := results.Case{
			ID:     fmt.Sprintf("%s-%d-synthetic-%03d", e.Domain, e.Code, j),
			Domain: string(e.Domain), Endpoint: "/shop/spu/add", Account: "default", Evidence: "D",
			ExpectedErrcode: int(e.Code), Outcome: results.Pass, Attempts: 1,
			Fixture: fmt.Sprintf("fixtures/%s/%d.json", e.Domain, j), DurationMS: 12.5,
		}
		answer := int(e.Code)
		switch {
		case j%60 == 4:
			c.Outcome, c.Reason, c.Attempts = results.Skipped, "not triggerable on this target: needs the sandbox clock", 0
		case j%50 == 1 && n >= 30:
			answer = 0
			c.Outcome, c.Reason = results.Fail, fmt.Sprintf("Expected\n    <int>: 0\nto have errcode\n    <int>: %d", e.Code)
		case j%40 == 2 && n%3 == 0:
			answer = 45009
			c.Outcome, c.Reason, c.Attempts = results.Inconclusive, "the environment answered 45009, 45009, 45009", 3
		case j%20 == 0 && n%5 == 0:
			c.Flaky, c.Attempts = true, 2
			c.EarlierAttempts = []results.Attempt{{Step: "case", Errcode: ptr(-1), Errmsg: "system error"}}
		}
		if c.Outcome != results.Skipped {
			c.ActualErrcode = ptr(answer)
		}
		if c.Outcome != results.Pass && c.Outcome != results.Skipped {
			body := fmt.Sprintf(`{"errcode":%d,"errmsg":"synthetic answer"}`, answer)
			c.Transcript = []results.Exchange{
				{Step: "given 1 (first)", Method: "POST", Endpoint: "/shop/spu/add", RequestContentType: "application/json",
					RequestBody: `{"out_product_id":"p-1","title":"a product with a title long enough to look real","path":"plugin-private://wx/pages/p","head_img":["https://mmbiz.example/x.png"],"third_cat_id":6033,"brand_id":2100000000,"skus":[{"out_sku_id":"s-1","sale_price":1300,"market_price":1500,"stock_num":100}]}`,
					Status:      200, ResponseBody: `{"errcode":0,"errmsg":"ok","data":{"product_id":1000001,"create_time":"2026-10-01 02:00:00"}}`},
				{Step: "case", Method: "POST", Endpoint: "/shop/spu/add", RequestContentType: "application/json",
					RequestBody: `{"out_product_id":"p-1","title":"t"}`, Status: 200, ResponseBody: body},
			}
			c.Curl = `curl -sS -X POST 'https://sandbox.example/shop/spu/add?access_token=ACCESS_TOKEN' -H 'Content-Type: application/json' --data-binary '{"out_product_id":"p-1","title":"t"}'`
			c.Rerun = "shopconform run --focus '^" + c.ID + "$'"
		}
		r.Statistics.Count(c.Outcome)
		if c.Flaky {
			r.Statistics.Flaky++
		}
		r.Cases = append(r.Cases, c)
	}
	return r
}

func ptr(n int) *int { return &n }

// BenchmarkHistory50Runs measures what `report history` does with fifty
// nightlies of 650 cases: read and check every file, build the model,
// render the page.
func BenchmarkHistory50Runs(b *testing.B) {
	dir := b.TempDir()
	var files []string
	for n := range 50 {
		// Named against their order, so that ordering has work to do.
		path := filepath.Join(dir, fmt.Sprintf("%02d-results.json", 49-n))
		if err := syntheticRun(n, 650).WriteJSON(path); err != nil {
			b.Fatal(err)
		}
		files = append(files, path)
	}
	cat := catalog.Default()
	var size int64
	for _, f := range files {
		info, _ := os.Stat(f)
		size += info.Size()
	}
	read := func(path string) (*results.Report, error) {
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		return resultsdiff.Decode(path, data)
	}
	b.ReportAllocs()
	for b.Loop() {
		inputs, err := ReadFiles(files, read)
		if err != nil {
			b.Fatal(err)
		}
		if err := Write(io.Discard, Build(inputs, cat)); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(size)/float64(len(files))/1024, "KiB/file")
}
