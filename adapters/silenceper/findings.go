package silenceper

import (
	"context"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"

	"github.com/shopconform/shopconform/catalog"
	"github.com/shopconform/shopconform/certify"
	"github.com/shopconform/shopconform/fixtures"
	"github.com/shopconform/shopconform/runner"
	"github.com/shopconform/shopconform/runner/results"
)

// Spec is one certification run of the SDK.
type Spec struct {
	Name   string
	Target string
	// TypedToken: Adapter.TypedToken, and only the /cgi-bin/stable_token
	// cases.
	TypedToken bool
}

// Specs are the runs FINDINGS.md is made of: every case through the
// generic calls on the reference sandbox and on replay, and the token
// cases through the SDK's own StableAccessToken.
var Specs = []Spec{
	{Name: "every case, reference sandbox", Target: "reference"},
	{Name: "every case, replay", Target: "replay"},
	{Name: "stable_token cases through credential.StableAccessToken, reference sandbox", Target: "reference", TypedToken: true},
}

// Run is a finished Spec.
type Run struct {
	Spec    Spec
	Adapter *Adapter
	Cert    *certify.Certificate
}

// Certify runs spec; each, when not nil, sees every case's result.
func Certify(ctx context.Context, spec Spec, each func(*Adapter, results.Case)) (Run, error) {
	a := &Adapter{TypedToken: spec.TypedToken}
	opts := certify.Options{Target: spec.Target}
	if spec.TypedToken {
		ids, err := StableTokenCases()
		if err != nil {
			return Run{}, err
		}
		opts.Cases = ids
	}
	var hook func(*runner.Result)
	if each != nil {
		hook = func(r *runner.Result) { each(a, r.Record()) }
	}
	cert, err := certify.Certify(ctx, a, opts, hook)
	if err != nil {
		return Run{}, err
	}
	return Run{Spec: spec, Adapter: a, Cert: cert}, nil
}

// StableTokenCases are the ids of the cases of /cgi-bin/stable_token.
func StableTokenCases() ([]string, error) {
	set, problems := fixtures.Load(fixtures.Embedded(), catalog.Default())
	if len(problems) > 0 {
		return nil, fmt.Errorf("the cases do not load: %v", problems[0])
	}
	var ids []string
	for _, c := range set.Cases {
		if c.Endpoint == "/cgi-bin/stable_token" {
			ids = append(ids, c.ID)
		}
	}
	return ids, nil
}

// Causes of a case that is not exact, each with what explains it.
const (
	CauseMultipart   = "multipart"
	CauseTypedToken  = "typed-token"
	CauseUnexplained = "unexplained"
)

// Cause says why a case that did not pass did not.
func (r Run) Cause(c results.Case) string {
	l, _ := r.Adapter.Log(c.ID)
	switch {
	case l.Path == PathMultipart:
		return CauseMultipart
	case l.Path == PathTypedToken:
		return CauseTypedToken
	}
	return CauseUnexplained
}

// Vias counts how the errcode reached the caller, over every case; "none"
// is a call that failed.
func (r Run) Vias() map[string]int {
	n := map[string]int{}
	for _, c := range r.Cert.Report().Cases {
		l, ok := r.Adapter.Log(c.ID)
		switch {
		case !ok:
			n["not called"]++
		case l.Err != "":
			n["none (the call failed)"]++
		default:
			n[l.Via]++
		}
	}
	return n
}

// Verdicts counts the codes by verdict.
func (r Run) Verdicts() map[string]int {
	n := map[string]int{}
	for _, v := range r.Cert.Codes {
		n[v.Verdict]++
	}
	return n
}

var verdictOrder = []string{"exact", "lost", "altered", "request differs", "failed", "not certified", "raw-wire"}

// why explains each cause, from the SDK's source (v2.1.10) and the
// harness's; sdk_test.go pins every claim about the SDK.
var why = map[string]struct{ title, text string }{
	CauseMultipart: {
		"util.PostMultipartForm cannot send the case's multipart body",
		"The SDK's only multipart call builds the body with `multipart.NewWriter` and never calls `SetBoundary`: the boundary is " +
			"60 random hex digits on every call, which does not count (the harness compares multipart bodies by their fields and files). " +
			"The body differs in substance: `PostMultipartForm` writes every field with " +
			"`CreateFormFile`, so a plain value such as `resp_type` becomes `Content-Disposition: form-data; name=\"resp_type\"; filename=\"\"` " +
			"with `Content-Type: application/octet-stream`, and a file part is always `application/octet-stream` " +
			"(`MultipartFormField` has no content type; the case sends `image/png`). The reference sandbox reads parts by name only, " +
			"ignoring file names and part content types, so it answered the case's errcode and the SDK handed it over unaltered as a " +
			"`*util.CommonError`; on replay the differing body matches no cassette and the call fails before any answer (the verdict stays \"request differs\": the request is what changed). " +
			"`PostMultipartForm` takes no `context.Context` either: only the client's timeout bounds it.",
	},
	CauseTypedToken: {
		"credential.StableAccessToken sends its own body and reports errors as strings",
		"`StableAccessToken.GetAccessTokenDirectly` posts a fixed map `{grant_type: \"client_credential\", appid, secret, force_refresh}`: " +
			"`force_refresh` is always sent (false), `appid` and `secret` are sent even when empty (the cases omit them), and `grant_type` " +
			"cannot be chosen, so the 40002 case cannot be expressed at all (the target answers 40001, an environment code, and the case " +
			"is inconclusive). A non-zero errcode comes back as `fmt.Errorf(\"get stable access_token error : errcode=%v , errormsg=%v\")`, " +
			"not a `*util.CommonError`: the caller can only parse the number out of the string (via \"error string\"). The number itself " +
			"is never altered.",
	},
	CauseUnexplained: {"unexplained", "Not yet analysed: a new way for this adapter or the SDK to differ."},
}

// seeNot is what the SDK does that no certificate verdict shows; every
// claim is pinned in sdk_test.go.
const seeNot = `## What the certificate cannot see

Read from the SDK's source (v2.1.10) and pinned in ` + "`sdk_test.go`" + `:

- **Token probing.** The SDK's methods format ` + "`?access_token=%s`" + ` unconditionally, so a request "without a token" goes out as
  ` + "`?access_token=`" + ` (empty), never without the parameter; the token is not URL-escaped either (a token holding ` + "`&`" + ` would
  split the query). The harness ignores the query when it compares requests, and the sandbox treats an empty token as missing
  (41001), so the token cases are exact all the same.
- **Answers that are not HTTP 200.** Every util call returns ` + "`http … error : uri=…, statusCode=…`" + ` and drops the body: an
  errcode in a non-200 answer is lost, and the error string quotes the whole URI, access_token included. No case answers
  non-200 today.
- **An answer without errcode** decodes as errcode 0 with a nil error (` + "`DecodeWithError`" + ` reads a missing field as 0); an
  errcode that is not a JSON integer is a plain ` + "`json Unmarshal Error`" + `, not a ` + "`*util.CommonError`" + `.
- **JSON re-encoding.** ` + "`PostJSONContext`" + ` encodes the value it is given with ` + "`json.Encoder`" + ` (` + "`SetEscapeHTML(false)`" + `, trailing
  newline). The adapter passes ` + "`json.RawMessage`" + `, which is only compacted, so every JSON case goes out as the same value. A
  caller that decodes first into ` + "`map[string]any`" + ` sends keys sorted and numbers as float64: 9007199254740993 goes out as
  9007199254740992, 1.0 as 1.
- **Bodies that are not JSON.** ` + "`PostJSONContext`" + ` cannot send them: a ` + "`json.RawMessage`" + ` that is not valid JSON fails in the
  encoder before any request, and a string is sent as a JSON string. ` + "`util.HTTPPostContext`" + ` sends bytes verbatim with the
  caller's headers, so the adapter uses it for the 47001 cases, which are exact.
- **GET.** ` + "`util.HTTPGetContext`" + ` sends a GET without a body; the 43002 case is exact.
- **Shared state.** The SDK's client is the package variable ` + "`util.DefaultHTTPClient`" + ` and its only base-URL hook is the
  package-level ` + "`util.SetURIModifier`" + ` (no getter): two clients in one process race on them. The adapter holds a mutex around
  every call and restores the client afterwards; the modifier can only be reset to none.
  ` + "`util.PostJSONWithRespContentType`" + ` ignores the modifier altogether, and it and ` + "`PostMultipartForm`" + ` take no context.
`

// RenderFindings writes FINDINGS.md for the runs: the counts, how
// errcodes reached the caller, why each cause of a code not surfaced
// exactly happens, then per run every such code with its cause and first
// reason, and the exact codes.
func RenderFindings(w io.Writer, runs []Run) error {
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	p("# Findings: github.com/silenceper/wechat/v2 %s\n\n", Version)
	p("Generated from the certificates by `go run ./cmd/findings` (in adapters/silenceper); do not edit by hand.\n")
	p("The adapter and its mapping: [README.md](README.md).\n\n")
	if len(runs) > 0 {
		c := runs[0].Cert
		p("Harness %s, catalog %s.\n\n", c.HarnessVersion, c.CatalogHash)
	}
	p("| run | cases | pass | fail | error | inconclusive | codes | %s |\n|---|---|---|---|---|---|---|%s\n",
		strings.Join(verdictOrder, " | "), strings.Repeat("---|", len(verdictOrder)))
	for _, r := range runs {
		s, v := r.Cert.Statistics, r.Verdicts()
		p("| %s | %d | %d | %d | %d | %d | %d |", r.Spec.Name, s.Total, s.Pass, s.Fail, s.Error, s.Inconclusive, len(r.Cert.Codes))
		for _, k := range verdictOrder {
			p(" %d |", v[k])
		}
		p("\n")
	}
	p("\nHow the errcode reached the SDK's caller, case by case:\n\n")
	for _, r := range runs {
		vias := r.Vias()
		keys := make([]string, 0, len(vias))
		for k := range vias {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		var parts []string
		for _, k := range keys {
			parts = append(parts, fmt.Sprintf("%s %d", k, vias[k]))
		}
		p("- %s: %s\n", r.Spec.Name, strings.Join(parts, ", "))
	}
	p("\n## Why, cause by cause\n\n")
	p("Every case that is not exact has one of these causes (a code lists the causes of its cases).\n\n")
	counts := map[string]int{}
	for _, r := range runs {
		for _, c := range r.Cert.Report().Cases {
			if c.Outcome != results.Pass {
				counts[r.Cause(c)]++
			}
		}
	}
	for _, k := range causeOrder {
		if counts[k] == 0 && k == CauseUnexplained {
			continue
		}
		p("<a id=\"%s\"></a>\n### %s\n\n%d cases over the runs above.\n\n%s\n\n", k, why[k].title, counts[k], why[k].text)
	}
	for _, r := range runs {
		renderRun(p, r)
	}
	b.WriteString(seeNot)
	_, err := io.WriteString(w, b.String())
	return err
}

var causeOrder = []string{CauseMultipart, CauseTypedToken, CauseUnexplained}

func renderRun(p func(string, ...any), r Run) {
	p("## %s\n\n", r.Spec.Name)
	p("SDK %s %s, target %s.\n\n", r.Cert.SDK.Name, r.Cert.SDK.Version, r.Cert.Target)
	byCode := map[int][]results.Case{}
	for _, c := range r.Cert.Report().Cases {
		byCode[c.ExpectedErrcode] = append(byCode[c.ExpectedErrcode], c)
	}
	type row struct {
		v      certify.CodeVerdict
		causes []string
	}
	var rows []row
	var exact, raw []string
	for _, v := range r.Cert.Codes {
		switch v.Verdict {
		case certify.VerdictExact:
			exact = append(exact, fmt.Sprintf("%d (%d)", v.Code, v.Cases))
			continue
		case certify.VerdictRawWire:
			raw = append(raw, fmt.Sprintf("%d (%d of %d cases passed)", v.Code, v.Passed, v.Cases))
			continue
		}
		var causes []string
		for _, c := range byCode[v.Code] {
			if k := r.Cause(c); c.Outcome != results.Pass && !slices.Contains(causes, k) {
				causes = append(causes, k)
			}
		}
		slices.SortFunc(causes, func(a, b string) int { return slices.Index(causeOrder, a) - slices.Index(causeOrder, b) })
		rows = append(rows, row{v, causes})
	}
	// Stable: by causes, then in catalog order.
	slices.SortStableFunc(rows, func(a, b row) int { return strings.Compare(strings.Join(a.causes, "+"), strings.Join(b.causes, "+")) })
	if len(rows) > 0 {
		p("%d codes not surfaced exactly:\n\n", len(rows))
		if len(rows) > 12 {
			p("<details><summary>the %d codes</summary>\n\n", len(rows))
		}
		p("| code | domain | verdict | cases | passed | cause | first reason |\n|---|---|---|---|---|---|---|\n")
		for _, rw := range rows {
			first := ""
			if len(rw.v.Why) > 0 {
				first = cell(rw.v.Why[0])
			}
			var links []string
			for _, c := range rw.causes {
				links = append(links, fmt.Sprintf("[%s](#%s)", c, c))
			}
			p("| %d | %s | %s | %d | %d | %s | %s |\n", rw.v.Code, rw.v.Domain, rw.v.Verdict, rw.v.Cases, rw.v.Passed, strings.Join(links, ", "), first)
		}
		if len(rows) > 12 {
			p("\n</details>\n")
		}
		p("\n")
	}
	p("%d codes surfaced exactly (code, and its number of cases): %s.\n\n", len(exact), orNone(strings.Join(exact, ", ")))
	if len(raw) > 0 {
		p("Raw-wire codes, whose cases a typed SDK cannot send, not judged: %s.\n\n", strings.Join(raw, ", "))
	}
}
func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

// randomBoundary is a multipart boundary of Go's multipart.Writer (or a
// cut of one): it differs on every run.
var randomBoundary = regexp.MustCompile(`[0-9a-f]{40,}`)

// replayPreamble is how the replay target says that a request matched
// none of the cassette's: the same words for every case.
var replayPreamble = regexp.MustCompile(`replay: \S+ \S+ matched no request recorded for case \S+; the closest is request \d+ \([^)]*\): `)

// cell makes a reason fit a table cell, stable from run to run.
func cell(s string) string {
	s = randomBoundary.ReplaceAllString(s, "<random boundary>")
	s = replayPreamble.ReplaceAllString(s, "replay matched no recorded request: ")
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > 320 {
		s = string(r[:320]) + "…"
	}
	return strings.ReplaceAll(s, "|", `\|`)
}
