package runner

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/shopconform/shopconform/refsandbox"
)

// Each pair sends the same request to the same loopback server: once
// through the runner (templates, token cache, decoding, verdict), once as a
// bare http.Post. The ratio of a pair is the runner's overhead.
//
//	go test -run='^$' -bench=RunnerVsBare -benchmem -count=6 ./runner/
func BenchmarkRunnerVsBare(b *testing.B) {
	pairs := []struct {
		name, endpoint, body, expect string
	}{
		// The typical case: a documented failure with a small answer.
		{"error", "/shop/order/get", `{"out_order_id": "x"}`, `{"errcode": 990004}`},
		// A success whose documented fields are checked: the whole answer
		// (the carrier list) is decoded.
		{"success-with-fields", "/shop/delivery/get_company_list", `{}`, `{"errcode": 0, "has": ["company_list"]}`},
	}
	for _, p := range pairs {
		r := unlimited(b)
		c := caseFrom(b, testCase(p.endpoint, `{"body": `+p.body+`}`, p.expect))
		b.Run(p.name+"/runner", func(b *testing.B) {
			ctx := context.Background()
			for b.Loop() {
				if res := r.Execute(ctx, c); res.Outcome != "pass" {
					b.Fatal(res.Reason)
				}
			}
		})
		b.Run(p.name+"/bare-post", func(b *testing.B) {
			token, err := r.tokens.get(context.Background(), r.target.Accounts.Profiles["default"])
			if err != nil {
				b.Fatal(err)
			}
			url := r.target.BaseURL + p.endpoint + "?access_token=" + token
			for b.Loop() {
				resp, err := r.target.Client.Post(url, "application/json", strings.NewReader(p.body))
				if err != nil {
					b.Fatal(err)
				}
				if _, err := io.Copy(io.Discard, resp.Body); err != nil {
					b.Fatal(err)
				}
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					b.Fatal(resp.Status)
				}
			}
		})
	}
}

// unlimited keeps the default profile's quota and rate out of the way of a
// benchmark's hundred thousand calls.
func unlimited(b *testing.B) *Runner {
	quota := 1 << 30
	return newRunner(b, newTarget(b, TargetReference, func(h http.Handler) http.Handler { return h },
		refsandbox.Profile{Name: "default", DailyQuota: &quota, Rate: &refsandbox.Rate{PerSecond: 1e9, Burst: 1 << 30}}))
}
