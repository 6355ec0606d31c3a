package runner

import (
	"context"
	"encoding/json"
	"fmt"
)

// Call sends one JSON request as an account profile and returns the
// decoded answer: for tools such as the janitor that talk to a target
// outside any case. Transport faults and answers without an errcode are
// errors; an errcode is the caller's to judge.
func (r *Runner) Call(ctx context.Context, profile, endpoint string, body any) (errcode int, answer map[string]any, err error) {
	creds, ok := r.target.Accounts.Profiles[profile]
	if !ok {
		return 0, nil, fmt.Errorf("no credentials for account profile %q", profile)
	}
	data, err := json.Marshal(body)
	if err != nil {
		return 0, nil, err
	}
	token, err := r.tokens.get(ctx, creds)
	if err != nil {
		return 0, nil, err
	}
	a, err := r.roundTrip(ctx, wireRequest{Method: "POST", Endpoint: endpoint, ContentType: "application/json", Body: data, Token: token})
	if err != nil {
		return 0, nil, fmt.Errorf("%s: %s", endpoint, r.redactor.String(err.Error()))
	}
	return *a.Errcode, a.Decoded(), nil
}
