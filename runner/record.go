package runner

import (
	"github.com/shopconform/shopconform/fixtures"
	"github.com/shopconform/shopconform/runner/cassette"
	"github.com/shopconform/shopconform/runner/results"
)

// values are a case run's run-scoped values, for cassettes.
func (r *Runner) values(env *fixtures.Env) cassette.Values {
	secrets, _ := r.state.Secrets()
	return cassette.Values{UID: env.UID, Run: env.Run, AppID: env.AppID, OpenIDs: env.OpenIDs, Now: env.Now, Secrets: secrets}
}

// record hands a case's trace to the recorder, normalised.
func (r *Runner) record(c *fixtures.Case, env *fixtures.Env, acct account) {
	v := r.values(env)
	nz := cassette.NewNormalizer(v)
	in := make([]cassette.Interaction, 0, len(acct.trace.entries))
	for _, t := range acct.trace.entries {
		if t.ans == nil {
			continue // nothing came back: nothing to replay
		}
		in = append(in, cassette.Interaction{
			Request:  nz.Request(t.req.Method, t.req.Endpoint, t.req.ContentType, t.req.Body),
			Response: nz.Response(t.ans.Status, t.ans.Raw),
		})
	}
	r.recorder.Record(c, v, in)
}

// endReplay checks, once the case and its cleanup are done, that the
// replay used every recorded request and no other: a harness or SDK that
// sends fewer or different requests is an error of the case.
func (r *Runner) endReplay(res *Result) {
	if err := r.target.replay.end(); err != nil && res.Outcome != results.Error && res.Outcome != results.Skipped {
		res.conclude(results.Error, r.redactor.String(err.Error()))
	}
}
