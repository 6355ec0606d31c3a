// Package silenceper certifies github.com/silenceper/wechat/v2, the Go
// WeChat SDK, against the shopconform cases.
//
// The SDK has no typed /shop/ methods, so each case goes through the
// generic calls in its util package, the way the SDK's own typed methods
// (miniprogram/order, miniprogram/security, …) use them:
//
//	JSON body     util.PostJSONContext(ctx, uri, json.RawMessage(body))
//	raw body      util.HTTPPostContext(ctx, uri, body, {"Content-Type": …})
//	multipart     util.PostMultipartForm(fields, uri)
//	GET           util.HTTPGetContext(ctx, uri)
//
// then util.DecodeWithError(response, &struct{ util.CommonError }{}, api):
// a *util.CommonError is the errcode as a typed error, a nil error is
// errcode 0 in the response struct.
//
// The access token is added the SDK's way: a miniprogram.MiniProgram
// whose AccessTokenContextHandle hands out the harness's token, and the
// URI built as the SDK's methods build theirs,
// "https://api.weixin.qq.com<endpoint>?access_token=%s". Endpoints under
// /cgi-bin/ get none, as the SDK's own token calls.
//
// The SDK reaches the network only through package-level state:
// util.DefaultHTTPClient (an *http.Client variable) and the URI modifier
// set by util.SetURIModifier (no getter). The adapter sets both for each
// call, under a mutex, and puts them back afterwards: the harness's client
// becomes the SDK's client, and the modifier rewrites
// https://api.weixin.qq.com to the target's base URL. Nothing else in the
// process may use the SDK while a call is in flight.
package silenceper

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/silenceper/wechat/v2/cache"
	"github.com/silenceper/wechat/v2/credential"
	"github.com/silenceper/wechat/v2/miniprogram"
	mpconfig "github.com/silenceper/wechat/v2/miniprogram/config"
	"github.com/silenceper/wechat/v2/util"

	"github.com/shopconform/shopconform/certify"
)

// Version is the SDK version the module requires (go.mod).
const Version = "v2.1.10"

// vendorBase is the host every URI of the SDK starts with.
const vendorBase = "https://api.weixin.qq.com"

// Paths: which SDK call carried a case.
const (
	PathJSON       = "util.PostJSONContext"
	PathRaw        = "util.HTTPPostContext"
	PathMultipart  = "util.PostMultipartForm"
	PathGet        = "util.HTTPGetContext"
	PathTypedToken = "credential.StableAccessToken"
)

// Adapter sends each case through the SDK. The zero value uses the
// generic calls for every endpoint; it is safe for concurrent use (calls
// are serialised: the SDK's client is a package variable).
type Adapter struct {
	// TypedToken sends /cgi-bin/stable_token through the SDK's own
	// credential.StableAccessToken (what miniprogram.NewMiniProgram uses
	// with UseStableAK) instead of the generic JSON post.
	TypedToken bool

	mu    sync.Mutex
	calls map[string]CallLog
}

// CallLog is how the adapter carried one case: the SDK call, and how the
// errcode reached the caller ("" when it did not: the call failed).
type CallLog struct {
	Path    string
	Via     string
	Errcode int
	Err     string
}

// sdkMu guards the SDK's package-level client and URI modifier across
// every Adapter value.
var sdkMu sync.Mutex

// SDK names the SDK and its version.
func (a *Adapter) SDK() certify.SDK {
	name := "github.com/silenceper/wechat/v2 (util generic calls)"
	if a.TypedToken {
		name = "github.com/silenceper/wechat/v2 (util generic calls, credential.StableAccessToken)"
	}
	return certify.SDK{Name: name, Version: Version}
}

// Log is how the adapter carried the case; ok is false before it ran.
func (a *Adapter) Log(caseID string) (l CallLog, ok bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	l, ok = a.calls[caseID]
	return l, ok
}

func (a *Adapter) remember(caseID string, l CallLog) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.calls == nil {
		a.calls = map[string]CallLog{}
	}
	a.calls[caseID] = l
}

// PathFor is the SDK call the adapter uses for req.
func (a *Adapter) PathFor(req certify.Request) string {
	mt, _, _ := mime.ParseMediaType(req.ContentType)
	switch {
	case a.TypedToken && req.Endpoint == "/cgi-bin/stable_token":
		return PathTypedToken
	case req.Method == http.MethodGet:
		return PathGet
	case strings.HasPrefix(mt, "multipart/"):
		return PathMultipart
	case req.Body != nil && (mt != "application/json" || !json.Valid(req.Body)):
		return PathRaw
	}
	return PathJSON
}

// Call makes the SDK send req and reports the errcode its caller sees.
func (a *Adapter) Call(ctx context.Context, env certify.Env, req certify.Request) (certify.Answer, error) {
	path := a.PathFor(req)
	if env.Client == nil {
		env.Client = &http.Client{Transport: env.Transport}
	}
	defer useSDK(env.Client, env.BaseURL)()
	ans, err := a.call(ctx, env, req, path)
	l := CallLog{Path: path, Via: ans.Via, Errcode: ans.Errcode}
	if err != nil {
		l = CallLog{Path: path, Err: err.Error()}
	}
	a.remember(req.Case, l)
	return ans, err
}

// useSDK takes the SDK's package-level state for one call: client as
// util.DefaultHTTPClient, and a URI modifier that sends every
// https://api.weixin.qq.com URI to base. The returned func gives it back.
// util.SetURIModifier has no getter: the modifier is reset to none.
func useSDK(client *http.Client, base string) (restore func()) {
	sdkMu.Lock()
	saved := util.DefaultHTTPClient
	util.DefaultHTTPClient = client
	util.SetURIModifier(func(uri string) string {
		if rest, ok := strings.CutPrefix(uri, vendorBase); ok {
			return base + rest
		}
		return uri
	})
	return func() {
		util.DefaultHTTPClient = saved
		util.SetURIModifier(nil)
		sdkMu.Unlock()
	}
}

func (a *Adapter) call(ctx context.Context, env certify.Env, req certify.Request, path string) (certify.Answer, error) {
	if path == PathTypedToken {
		return typedToken(ctx, req)
	}
	uri, err := sdkURI(ctx, env, req.Endpoint)
	if err != nil {
		return certify.Answer{}, err
	}
	var resp []byte
	switch path {
	case PathGet:
		resp, err = util.HTTPGetContext(ctx, uri)
	case PathMultipart:
		var fields []util.MultipartFormField
		if fields, err = formFields(req); err == nil {
			resp, err = util.PostMultipartForm(fields, uri)
		}
	case PathRaw:
		var header map[string]string
		if req.ContentType != "" {
			header = map[string]string{"Content-Type": req.ContentType}
		}
		resp, err = util.HTTPPostContext(ctx, uri, req.Body, header)
	default:
		var obj any // a nil body is sent as the SDK sends a nil obj: null
		if req.Body != nil {
			obj = json.RawMessage(req.Body)
		}
		resp, err = util.PostJSONContext(ctx, uri, obj)
	}
	if err != nil {
		return certify.Answer{}, fmt.Errorf("%s: %w", path, scrub(err))
	}
	return decode(resp, req.Endpoint)
}

// staticToken is an AccessTokenContextHandle that hands out the
// harness's token, as an application with its own token store would.
type staticToken string

func (t staticToken) GetAccessToken() (string, error) { return string(t), nil }

func (t staticToken) GetAccessTokenContext(context.Context) (string, error) { return string(t), nil }

// sdkURI builds the URI as the SDK's typed methods do: the token from the
// mini program's AccessTokenContextHandle, formatted in unescaped.
func sdkURI(ctx context.Context, env certify.Env, endpoint string) (string, error) {
	if strings.HasPrefix(endpoint, "/cgi-bin/") {
		return vendorBase + endpoint, nil
	}
	mp := miniprogram.NewMiniProgram(&mpconfig.Config{Cache: cache.NewMemory()})
	mp.SetAccessTokenContextHandle(staticToken(env.Token))
	token, err := mp.GetContext().GetAccessTokenContext(ctx)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf(vendorBase+"%s?access_token=%s", endpoint, token), nil
}

// response is what the SDK's typed methods decode into: util.CommonError
// embedded, as util.DecodeWithError requires.
type response struct {
	util.CommonError
}

// decode reads the answer as the SDK's typed methods do.
func decode(resp []byte, endpoint string) (certify.Answer, error) {
	var r response
	err := util.DecodeWithError(resp, &r, endpoint)
	var ce *util.CommonError
	switch {
	case errors.As(err, &ce):
		return certify.Answer{Errcode: int(ce.ErrCode), Via: certify.ViaTypedError, Detail: ce.Error()}, nil
	case err != nil:
		return certify.Answer{}, fmt.Errorf("util.DecodeWithError: %w", err)
	}
	return certify.Answer{Errcode: int(r.ErrCode), Via: certify.ViaResponseField, Detail: "nil error, CommonError.ErrCode 0"}, nil
}

// formFields turns the case's multipart body into the SDK's fields: a
// part with a file name is a file (FileReader), any other a value. The
// SDK writes both with CreateFormFile.
func formFields(req certify.Request) ([]util.MultipartFormField, error) {
	_, params, err := mime.ParseMediaType(req.ContentType)
	if err != nil {
		return nil, err
	}
	mr := multipart.NewReader(bytes.NewReader(req.Body), params["boundary"])
	var fields []util.MultipartFormField
	for {
		p, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return fields, nil
		}
		if err != nil {
			return nil, fmt.Errorf("the case's multipart body: %w", err)
		}
		content, err := io.ReadAll(p)
		if err != nil {
			return nil, err
		}
		if name := p.FileName(); name != "" {
			fields = append(fields, util.MultipartFormField{IsFile: true, Fieldname: p.FormName(), Filename: name, FileReader: bytes.NewReader(content)})
		} else {
			fields = append(fields, util.MultipartFormField{Fieldname: p.FormName(), Value: content})
		}
	}
}

// stableTokenErr is the error string of StableAccessToken.
var stableTokenErr = regexp.MustCompile(`errcode=(-?[0-9]+)`)

// typedToken asks the SDK's StableAccessToken for a token with the case's
// appid and secret: the only parameters it takes.
func typedToken(ctx context.Context, req certify.Request) (certify.Answer, error) {
	var body struct {
		AppID  string `json:"appid"`
		Secret string `json:"secret"`
	}
	_ = json.Unmarshal(req.Body, &body) // a field the SDK cannot take is left empty
	h := credential.NewStableAccessToken(body.AppID, body.Secret, credential.CacheKeyMiniProgramPrefix, cache.NewMemory())
	token, err := h.GetAccessTokenContext(ctx)
	if err == nil {
		return certify.Answer{Errcode: 0, Via: certify.ViaResponseField, Detail: fmt.Sprintf("a token of %d characters and a nil error", len(token))}, nil
	}
	msg := scrub(err).Error()
	if m := stableTokenErr.FindStringSubmatch(msg); m != nil {
		code, _ := strconv.Atoi(m[1])
		return certify.Answer{Errcode: code, Via: certify.ViaErrorString, Detail: msg}, nil
	}
	return certify.Answer{}, fmt.Errorf("%s: %w", PathTypedToken, scrub(err))
}

var tokenParam = regexp.MustCompile(`(access_token|secret)=[^&\s,"]*`)

// scrub removes a token or secret from an SDK error: its status errors
// quote the whole URI, query included.
func scrub(err error) error {
	if msg := err.Error(); tokenParam.MatchString(msg) {
		return errors.New(tokenParam.ReplaceAllString(msg, "$1=…"))
	}
	return err
}
