package certify

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"runtime"
	"strings"
)

// NetHTTP is the baseline adapter: plain net/http, sending each case's
// request as is and reading errcode from the answer. It must pass every
// case; an SDK's findings are measured against it.
type NetHTTP struct{}

// SDK names the Go version the adapter runs on.
func (NetHTTP) SDK() SDK { return SDK{Name: "net/http", Version: runtime.Version()} }

// Call sends req with env's client and reads errcode from the answer.
func (NetHTTP) Call(ctx context.Context, env Env, req Request) (Answer, error) {
	u := env.BaseURL + req.Endpoint
	if env.Token != "" {
		u += "?access_token=" + url.QueryEscape(env.Token)
	}
	var body io.Reader
	if req.Body != nil {
		body = bytes.NewReader(req.Body)
	}
	hr, err := http.NewRequestWithContext(ctx, req.Method, u, body)
	if err != nil {
		return Answer{}, err
	}
	if req.ContentType != "" {
		hr.Header.Set("Content-Type", req.ContentType)
	}
	resp, err := env.Client.Do(hr)
	if err != nil {
		return Answer{}, err
	}
	defer resp.Body.Close()
	var envelope struct {
		Errcode     *int   `json:"errcode"`
		AccessToken string `json:"access_token"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&envelope); err != nil {
		return Answer{}, fmt.Errorf("the answer is not JSON: %w", err)
	}
	switch {
	case envelope.Errcode != nil:
		return Answer{Errcode: *envelope.Errcode, Via: ViaResponseField}, nil
	case envelope.AccessToken != "" && strings.HasPrefix(req.Endpoint, "/cgi-bin/"):
		return Answer{Errcode: 0, Via: ViaResponseField, Detail: "a token answer has no errcode"}, nil
	}
	return Answer{}, fmt.Errorf("the answer has no errcode")
}
