package certify

import (
	"slices"
	"strings"
	"time"

	"github.com/shopconform/shopconform/catalog"
	"github.com/shopconform/shopconform/runner/results"
)

// Certificate is what a certification found, code by code.
type Certificate struct {
	SchemaVersion  string             `json:"schema_version"`
	Kind           string             `json:"kind"`
	SDK            SDK                `json:"sdk"`
	Target         string             `json:"target"`
	HarnessVersion string             `json:"harness_version"`
	CatalogHash    string             `json:"catalog_hash"`
	Config         map[string]string  `json:"config"`
	CertifiedAt    time.Time          `json:"certified_at"`
	Complete       bool               `json:"complete"`
	Statistics     results.Statistics `json:"statistics"`
	// Codes says, for every documented code the run had cases for, whether
	// the SDK surfaced it exactly, and why not.
	Codes []CodeVerdict `json:"codes"`
	// KnownGaps are the cases an expectations file excused: each kept its
	// outcome, and its code its verdict, for the reason the file gives,
	// until the day it gives.
	KnownGaps []KnownGap `json:"known_gaps,omitempty"`
	// Expectations is what the expectations file did, when one was given:
	// an entry a case broke fails the certification.
	Expectations *results.Expectations `json:"expectations,omitempty"`

	report  *results.Report
	secrets []string
}

// CodeVerdict is one documented code's outcome through the SDK.
type CodeVerdict struct {
	Code   int    `json:"code"`
	Domain string `json:"domain"`
	Text   string `json:"text"`
	// Verdict is "exact" (every case of the code passed), "altered" (the
	// SDK handed its caller another errcode than the target answered),
	// "lost" (the SDK's caller got no errcode at all), "request differs"
	// (the SDK did not send the case's request), "failed" (the target
	// answered another code) or "not certified" (its cases were skipped or
	// inconclusive).
	Verdict string   `json:"verdict"`
	Cases   int      `json:"cases"`
	Passed  int      `json:"passed"`
	Why     []string `json:"why,omitempty"`
}

// Schema of certificate.json.
const (
	CertificateSchema = "shopconform.certificate/v1"
	CertificateKind   = "ShopconformCertificate"
)

// Verdicts, worst first: a code takes the worst of its cases'.
var verdicts = []string{"lost", "altered", "request differs", "failed", "not certified", "exact"}

func newCertificate(sdk SDK, rep *results.Report, secrets []string) *Certificate {
	c := &Certificate{SchemaVersion: CertificateSchema, Kind: CertificateKind, SDK: sdk, Target: rep.Target,
		HarnessVersion: rep.HarnessVersion, CatalogHash: rep.CatalogHash, Config: rep.Config, CertifiedAt: rep.FinishedAt,
		Complete: rep.Complete, Statistics: rep.Statistics, report: rep, secrets: secrets}
	byCode := map[int]*CodeVerdict{}
	for _, rc := range rep.Cases {
		v := byCode[rc.ExpectedErrcode]
		if v == nil {
			e, _ := catalog.Default().Lookup(catalog.Code(rc.ExpectedErrcode))
			v = &CodeVerdict{Code: rc.ExpectedErrcode, Domain: string(e.Domain), Text: e.Text, Verdict: "exact"}
			byCode[rc.ExpectedErrcode] = v
		}
		v.Cases++
		verdict, why := caseVerdict(rc)
		if verdict == "exact" {
			v.Passed++
			continue
		}
		if slices.Index(verdicts, verdict) < slices.Index(verdicts, v.Verdict) {
			v.Verdict = verdict
		}
		if len(v.Why) < 3 {
			v.Why = append(v.Why, rc.ID+": "+why)
		}
	}
	for _, e := range catalog.Default().Entries() {
		if v := byCode[int(e.Code)]; v != nil {
			c.Codes = append(c.Codes, *v)
		}
	}
	return c
}

// caseVerdict reads one case's record for what the SDK did.
func caseVerdict(rc results.Case) (verdict, why string) {
	findings := strings.Join(rc.Findings, "; ")
	switch {
	case rc.Outcome == results.Pass:
		return "exact", ""
	case rc.Outcome == results.Skipped || rc.Outcome == results.Inconclusive:
		return "not certified", rc.Headline()
	case strings.Contains(rc.Reason, "the SDK adapter:") && strings.Contains(rc.Reason, "the SDK's request differs"):
		// On replay a request that differs has no recorded answer, so the
		// SDK gets none: the request is the cause, the loss its effect.
		return "request differs", rc.Headline()
	case strings.Contains(rc.Reason, "the SDK adapter:"):
		return "lost", rc.Headline()
	case strings.Contains(findings, "the SDK reports errcode"):
		return "altered", findings
	case findings != "":
		return "request differs", findings
	default:
		return "failed", rc.Headline()
	}
}

// Exact lists the codes the SDK surfaced exactly, and NotExact the others.
func (c *Certificate) Exact() (exact, notExact []CodeVerdict) {
	for _, v := range c.Codes {
		if v.Verdict == "exact" {
			exact = append(exact, v)
		} else {
			notExact = append(notExact, v)
		}
	}
	return exact, notExact
}

// Report is the run's full results.
func (c *Certificate) Report() *results.Report { return c.report }
