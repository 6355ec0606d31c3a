// Package control is a client of the reference sandbox's control API: the
// calls a test makes to set up the state its own calls presuppose, on an
// account of its own. It works against `shopconform serve` and against a
// sandbox in the same process (refsandbox.Sandbox.Handler).
//
//	c := control.New("http://127.0.0.1:8089", token) // token: the accounts file's control.token
//	acct, err := c.Mint(ctx, control.MintOptions{Profile: "default", OpenIDs: []string{"OPENID"}, Clock: "2022-01-13 10:00:00"})
//	err = c.Seed(ctx, acct.AppID, control.Seed{Products: []any{spu}}) // spu: what /shop/spu/get answers as "spu"
//	tok, err := c.AccessToken(ctx, acct)
//
// The calls, their bodies and their refusals are described in
// refsandbox/README.md ("Control API") and by `shopconform spec`.
package control

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Client calls one sandbox's control API.
type Client struct {
	BaseURL string
	Token   string
	HTTP    *http.Client
}

// New returns a client of the sandbox at baseURL with its control token.
func New(baseURL, token string) *Client {
	return &Client{BaseURL: strings.TrimRight(baseURL, "/"), Token: token, HTTP: &http.Client{Timeout: 30 * time.Second}}
}

// Prefix is where the control API lives, outside the vendor's paths.
const Prefix = "/_shopconform/v1/"

// Account is a sandbox account: its credentials, its test users and its
// clock.
type Account struct {
	Profile string   `json:"profile"`
	AppID   string   `json:"appid"`
	Secret  string   `json:"secret"`
	OpenIDs []string `json:"openids"`
	Clock   struct {
		Now  string `json:"now"`  // "yyyy-MM-dd HH:mm:ss", China time
		Unix int64  `json:"unix"` // seconds
	} `json:"clock"`
}

// MintOptions choose a new account: its profile (default "default"), its
// users (default: the profile's number of generated openids) and the time
// its clock starts at (default: now; a clock only moves forward after).
type MintOptions struct {
	Profile string   `json:"profile,omitempty"`
	OpenIDs []string `json:"openids,omitempty"`
	Clock   string   `json:"clock,omitempty"` // "yyyy-MM-dd HH:mm:ss", China time
}

// Mint creates an account.
func (c *Client) Mint(ctx context.Context, opts MintOptions) (*Account, error) {
	var a Account
	if err := c.Do(ctx, http.MethodPost, Prefix+"accounts", opts, &a); err != nil {
		return nil, err
	}
	return &a, nil
}

// Account reads an account back.
func (c *Client) Account(ctx context.Context, appid string) (*Account, error) {
	var a Account
	if err := c.Do(ctx, http.MethodGet, accountPath(appid, ""), nil, &a); err != nil {
		return nil, err
	}
	return &a, nil
}

// Reset takes an account back to its profile's initial state; its
// credentials, users and clock stay.
func (c *Client) Reset(ctx context.Context, appid string) error {
	return c.Do(ctx, http.MethodPost, accountPath(appid, "reset"), struct{}{}, nil)
}

// SetClock moves an account's clock forward to t.
func (c *Client) SetClock(ctx context.Context, appid string, t time.Time) error {
	return c.Do(ctx, http.MethodPost, accountPath(appid, "clock"), map[string]int64{"set_unix": t.Unix()}, nil)
}

// AdvanceClock moves an account's clock forward by d.
func (c *Client) AdvanceClock(ctx context.Context, appid string, d time.Duration) error {
	return c.Do(ctx, http.MethodPost, accountPath(appid, "clock"), map[string]string{"advance": d.String()}, nil)
}

// SetCategories replaces an account's category tree; each category is an
// item of what /shop/cat/get answers as third_cat_list.
func (c *Client) SetCategories(ctx context.Context, appid string, categories []any) error {
	return c.Do(ctx, http.MethodPut, accountPath(appid, "categories"), map[string]any{"third_cat_list": categories}, nil)
}

// Seed is what a seed call adds, each object in the shape the API's read
// endpoint answers it (refsandbox/README.md, "Control API").
type Seed struct {
	Audits      []any `json:"audits,omitempty"`       // {kind, audit_id, status, …}
	Products    []any `json:"products,omitempty"`     // /shop/spu/get's spu
	Orders      []any `json:"orders,omitempty"`       // /shop/order/get's order
	Aftersales  []any `json:"aftersales,omitempty"`   // /shop/ecaftersale/get's after_sales_order
	Coupons     []any `json:"coupons,omitempty"`      // /shop/coupon/get's result
	UserCoupons []any `json:"user_coupons,omitempty"` // an item of /shop/coupon/get_usercoupon_list
	Sharers     []any `json:"sharers,omitempty"`      // an item of /shop/sharer/get_sharer_list, with bind_status
}

// Seed adds objects to an account, all or nothing.
func (c *Client) Seed(ctx context.Context, appid string, s Seed) error {
	return c.Do(ctx, http.MethodPost, accountPath(appid, "seed"), s, nil)
}

// Review decides a pending review.
type Review struct {
	Kind         string `json:"kind"` // product, brand or category
	ProductID    any    `json:"product_id,omitempty"`
	OutProductID string `json:"out_product_id,omitempty"`
	AuditID      any    `json:"audit_id,omitempty"`
	Decision     string `json:"decision"` // approve or reject
	Reason       string `json:"reason,omitempty"`
}

// Decide approves or rejects a pending review.
func (c *Client) Decide(ctx context.Context, appid string, r Review) error {
	return c.Do(ctx, http.MethodPost, accountPath(appid, "reviews"), r, nil)
}

// AccessToken fetches an access token of the account through
// /cgi-bin/stable_token, as any client of the API would.
func (c *Client) AccessToken(ctx context.Context, a *Account) (string, error) {
	var tok struct {
		AccessToken string `json:"access_token"`
		Errcode     int    `json:"errcode"`
		Errmsg      string `json:"errmsg"`
	}
	body := map[string]string{"grant_type": "client_credential", "appid": a.AppID, "secret": a.Secret}
	if err := c.call(ctx, http.MethodPost, "/cgi-bin/stable_token", body, &tok, false); err != nil {
		return "", err
	}
	if tok.AccessToken == "" {
		return "", fmt.Errorf("stable_token answered errcode %d: %s", tok.Errcode, tok.Errmsg)
	}
	return tok.AccessToken, nil
}

// Error is a refused control call: its HTTP status, what is wrong, and
// the fields at fault ("orders[0].status").
type Error struct {
	Status  int
	Message string   `json:"error"`
	Field   string   `json:"field"`
	Fields  []string `json:"fields"`
}

func (e *Error) Error() string { return fmt.Sprintf("control API: HTTP %d: %s", e.Status, e.Message) }

// Do makes any control call: body is sent as JSON (nil: none), a 2xx
// answer is decoded into out (nil: discarded), anything else is an *Error.
func (c *Client) Do(ctx context.Context, method, path string, body, out any) error {
	return c.call(ctx, method, path, body, out, true)
}

func (c *Client) call(ctx context.Context, method, path string, body, out any, authorised bool) error {
	var rd io.Reader
	if body != nil {
		data, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.BaseURL+path, rd)
	if err != nil {
		return err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if authorised {
		req.Header.Set("Authorization", "Bearer "+c.Token)
	}
	client := c.HTTP
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
	if err != nil {
		return err
	}
	if resp.StatusCode/100 != 2 {
		e := &Error{Status: resp.StatusCode}
		if json.Unmarshal(data, e) != nil || e.Message == "" {
			e.Message = strings.TrimSpace(string(data))
		}
		return e
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(data, out); err != nil {
		return fmt.Errorf("control API: %s %s answered no JSON: %v", method, path, err)
	}
	return nil
}

func accountPath(appid, action string) string {
	p := Prefix + "accounts/" + url.PathEscape(appid)
	if action != "" {
		p += "/" + action
	}
	return p
}
