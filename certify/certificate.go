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
	// TypedReachable counts the codes a typed SDK can reach (those with a
	// case that is not raw-wire) and how many of them this SDK surfaced
	// exactly.
	TypedReachable TypedReach `json:"typed_reachable"`
	// RawWireUncounted is how many raw-wire cases did not pass (and had no
	// expectation): they do not count against the SDK.
	RawWireUncounted int `json:"raw_wire_uncounted,omitempty"`
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

// TypedReach is certificate.json's typed_reachable.
type TypedReach struct {
	Codes   int `json:"codes"`
	Reached int `json:"reached"`
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
	// answered another code), "not certified" (its cases were skipped or
	// inconclusive) or "raw-wire" (every case of the code sends a request
	// a typed SDK cannot send). Raw-wire cases do not count towards the
	// verdict of a code that has other cases.
	Verdict string `json:"verdict"`
	Cases   int    `json:"cases"`
	Passed  int    `json:"passed"`
	// RawWire is how many of Cases are raw-wire.
	RawWire int      `json:"raw_wire,omitempty"`
	Why     []string `json:"why,omitempty"`
}

// Schema of certificate.json.
const (
	CertificateSchema = "shopconform.certificate/v1"
	CertificateKind   = "ShopconformCertificate"
)

// Verdicts.
const (
	VerdictExact   = "exact"
	VerdictRawWire = "raw-wire"
)

// Verdicts, worst first: a code takes the worst of its cases'.
var verdicts = []string{results.FindingLost, results.FindingAltered, results.FindingRequest, "failed", "not certified", VerdictExact}

// maxWhy is how many reasons a code keeps.
const maxWhy = 3

// newCertificate judges every code by its cases. rawWire says, for each
// raw-wire case, why a typed SDK cannot send it.
func newCertificate(sdk SDK, rep *results.Report, secrets []string, rawWire map[string]string) *Certificate {
	c := &Certificate{SchemaVersion: CertificateSchema, Kind: CertificateKind, SDK: sdk, Target: rep.Target,
		HarnessVersion: rep.HarnessVersion, CatalogHash: rep.CatalogHash, Config: rep.Config, CertifiedAt: rep.FinishedAt,
		Complete: rep.Complete, Statistics: rep.Statistics, report: rep, secrets: secrets}
	byCode := map[int]*CodeVerdict{}
	var rawWhy map[int][]string
	for _, rc := range rep.Cases {
		v := byCode[rc.ExpectedErrcode]
		if v == nil {
			e, _ := catalog.Default().Lookup(catalog.Code(rc.ExpectedErrcode))
			v = &CodeVerdict{Code: rc.ExpectedErrcode, Domain: string(e.Domain), Text: e.Text, Verdict: VerdictExact}
			byCode[rc.ExpectedErrcode] = v
		}
		v.Cases++
		if rc.Outcome == results.Pass {
			v.Passed++
		}
		if why, ok := rawWire[rc.ID]; ok {
			v.RawWire++
			if rc.Outcome != results.Pass && rc.Expectation == nil {
				c.RawWireUncounted++
			}
			if rawWhy == nil {
				rawWhy = map[int][]string{}
			}
			if len(rawWhy[v.Code]) < maxWhy {
				rawWhy[v.Code] = append(rawWhy[v.Code], rc.ID+": "+why)
			}
			continue
		}
		verdict, why := caseVerdict(rc)
		if verdict == VerdictExact {
			continue
		}
		if slices.Index(verdicts, verdict) < slices.Index(verdicts, v.Verdict) {
			v.Verdict = verdict
		}
		if len(v.Why) < maxWhy {
			v.Why = append(v.Why, rc.ID+": "+why)
		}
	}
	for _, e := range catalog.Default().Entries() {
		v := byCode[int(e.Code)]
		if v == nil {
			continue
		}
		if v.RawWire == v.Cases {
			v.Verdict, v.Why = VerdictRawWire, rawWhy[v.Code]
		} else {
			c.TypedReachable.Codes++
			if v.Verdict == VerdictExact {
				c.TypedReachable.Reached++
			}
		}
		c.Codes = append(c.Codes, *v)
	}
	return c
}

// caseVerdict reads one case's record for what the SDK did. The findings
// decide it, and the one that decides comes first in why: an altered
// errcode; else a request that differs (on replay a differing request
// has no recorded answer, so the SDK gets none: the request is the cause,
// the loss its effect); else a lost errcode. An SDK that sent nothing and
// handed its caller nothing lost the errcode: it has no request to differ.
func caseVerdict(rc results.Case) (verdict, why string) {
	switch {
	case rc.Outcome == results.Pass:
		return VerdictExact, ""
	case rc.Outcome == results.Skipped || rc.Outcome == results.Inconclusive:
		return "not certified", rc.Headline()
	}
	lost := slices.ContainsFunc(rc.SDKFindings, func(f results.Finding) bool { return f.Kind == results.FindingLost })
	for _, kind := range []string{results.FindingAltered, results.FindingRequest, results.FindingLost} {
		i := slices.IndexFunc(rc.SDKFindings, func(f results.Finding) bool {
			return f.Kind == kind && !(lost && f.Problem == results.SentNoRequest)
		})
		if i < 0 {
			continue
		}
		lines := []string{rc.SDKFindings[i].String()}
		for j, f := range rc.SDKFindings {
			if j != i {
				lines = append(lines, f.String())
			}
		}
		return kind, strings.Join(lines, "; ")
	}
	return "failed", rc.Headline()
}

// Exact lists the codes the SDK surfaced exactly, and NotExact the other
// codes a typed SDK can reach; raw-wire codes are in neither (RawWire).
func (c *Certificate) Exact() (exact, notExact []CodeVerdict) {
	for _, v := range c.Codes {
		switch v.Verdict {
		case VerdictExact:
			exact = append(exact, v)
		case VerdictRawWire:
		default:
			notExact = append(notExact, v)
		}
	}
	return exact, notExact
}

// RawWire lists the codes whose every case sends a request a typed SDK
// cannot send.
func (c *Certificate) RawWire() []CodeVerdict {
	var out []CodeVerdict
	for _, v := range c.Codes {
		if v.Verdict == VerdictRawWire {
			out = append(out, v)
		}
	}
	return out
}

// Report is the run's full results.
func (c *Certificate) Report() *results.Report { return c.report }
