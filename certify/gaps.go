package certify

import (
	"github.com/shopconform/shopconform/runner/results"
)

// KnownGap is a case an expectations file excused.
type KnownGap struct {
	Case string `json:"case"`
	// Code is the errcode the case documents.
	Code    int             `json:"code"`
	Outcome results.Outcome `json:"outcome"`
	Reason  string          `json:"reason"`
	Link    string          `json:"link,omitempty"`
	// Expires is the last day (UTC, YYYY-MM-DD) the excuse holds.
	Expires string `json:"expires"`
}

// sdkTarget is how an expectations file names the SDK under
// certification.
func sdkTarget(sdk SDK) string { return "sdk:" + sdk.Name }

func knownGaps(rep *results.Report) []KnownGap {
	var gaps []KnownGap
	for _, c := range rep.Cases {
		if e := c.Expectation; e != nil {
			gaps = append(gaps, KnownGap{Case: c.ID, Code: c.ExpectedErrcode, Outcome: c.Outcome, Reason: e.Reason, Link: e.Link, Expires: e.Expires})
		}
	}
	return gaps
}

// Certified says whether the SDK is certified on the cases it ran: the
// run is complete and not empty, every case passed, did what an
// unexpired expectation says or is a raw-wire case (one a typed SDK
// cannot send, which the certificate does not count), and no expectation
// broke.
func (c *Certificate) Certified() bool {
	st := c.Statistics
	return c.Complete && st.Total > 0 && st.Pass+st.Expected+c.RawWireUncounted == st.Total &&
		(c.Expectations == nil || len(c.Expectations.Broken) == 0)
}
