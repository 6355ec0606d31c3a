package runner

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/shopconform/shopconform/runner/results"
)

// maxShownBody bounds a body in a transcript: enough for every documented
// request and answer but the 2 MB category tree.
const maxShownBody = 16 << 10

// explain gives a case that did not pass what a reader needs to see why
// and to try again: its transcript, a curl line and the rerun command.
// Everything goes through the redactor; the token is never written.
func (r *Runner) explain(res *Result, trace *caseTrace) {
	if res.Outcome == "" || res.Outcome == results.Pass {
		return
	}
	for _, t := range trace.entries {
		ex := results.Exchange{
			Step: t.step, Method: t.req.Method, Endpoint: t.req.Endpoint,
			RequestContentType: t.req.ContentType, RequestBody: r.shown(t.req.Body),
		}
		if t.ans != nil {
			ex.Status, ex.ResponseBody = t.ans.Status, r.shown(t.ans.Raw)
		}
		if t.err != nil {
			ex.Error = r.redactor.String(t.err.Error())
		}
		res.Transcript = append(res.Transcript, ex)
		if t.step == "case" {
			res.Curl = r.curl(t.req)
		}
	}
	res.Rerun = r.rerun(res)
}

func (r *Runner) shown(body []byte) string {
	s := strings.ToValidUTF8(string(body), "\uFFFD")
	if len(s) > maxShownBody {
		s = fmt.Sprintf("%s… (%d bytes, cut)", s[:maxShownBody], len(body))
	}
	return r.redactor.String(s)
}

// curl reproduces one request with ACCESS_TOKEN for the token. A
// reference or replay target lives only as long as its run, so the line
// points at `shopconform serve` on its default address instead.
func (r *Runner) curl(wr wireRequest) string {
	base := r.target.BaseURL
	prefix := ""
	if r.target.Name == TargetReference || r.target.Name == TargetReplay {
		base = "http://127.0.0.1:8089"
		prefix = "# first: go run ./cmd/shopconform serve --addr 127.0.0.1:8089 (and get a token from /cgi-bin/stable_token)\n"
	}
	u := base + wr.Endpoint
	if wr.Token != "" && !strings.HasPrefix(wr.Endpoint, "/cgi-bin/") {
		token := "ACCESS_TOKEN"
		if wr.Token == unknownToken || wr.Token == malformedToken {
			token = url.QueryEscape(wr.Token) // the case's own probe, not a secret
		}
		u += "?access_token=" + token
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%scurl -sS -X %s %s", prefix, wr.Method, shellQuote(u))
	if wr.ContentType != "" {
		fmt.Fprintf(&b, " -H %s", shellQuote("Content-Type: "+wr.ContentType))
	}
	switch {
	case strings.HasPrefix(wr.ContentType, "multipart/"):
		b.WriteString(" --data-binary @body.bin  # the multipart body is in the transcript")
	case len(wr.Body) > 0:
		fmt.Fprintf(&b, " --data-binary %s", shellQuote(string(wr.Body)))
	}
	return r.redactor.String(b.String())
}

// rerun is the command that runs one case alone on the same target.
func (r *Runner) rerun(res *Result) string {
	c := res.Case
	cmd := fmt.Sprintf("go run ./cmd/shopconform run --domains %s --focus %s", c.Domain, shellQuote(c.ID+" →"))
	switch r.cfg.Target {
	case TargetSandbox:
		cmd += fmt.Sprintf(" --target sandbox --base-url %s --accounts %s", shellQuote(r.cfg.BaseURL), shellQuote(r.cfg.Accounts))
	case TargetReplay:
		cmd += " --target replay"
	}
	if r.cfg.Fixtures != "" {
		cmd += " --fixtures " + shellQuote(r.cfg.Fixtures)
	}
	return cmd
}

// shellQuote quotes s for a POSIX shell.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
