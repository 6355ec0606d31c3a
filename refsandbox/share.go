package refsandbox

import (
	"slices"
	"strconv"

	"github.com/shopconform/shopconform/apispec/validate"
	"github.com/shopconform/shopconform/catalog"
)

// Share domain (api-reference §2.9 /shop/sharer/*, §3.8 codes 1310xxx;
// issue-5 contract "Sharers").
//
// Each account has sharers keyed by openid. A bind invites a user; the
// user accepts on their own phone, so acceptance is account state: on a
// profile with share.accept_invitations (sharers-accept) every invitation
// is accepted at once, elsewhere it stays inviting. /shop/sharer/
// set_share_mode and /shop/promoter/list are outside the contract and
// stay unmodelled.

// bind_status values (§2.9 search_sharer).
const (
	sharerNone     = 0 // never invited, or unbound since (contract, I)
	sharerBound    = 1
	sharerInviting = 3 // 2 refused and 4 invite expired need the user or time: not modelled
)

// Limits of bind and unbind.
const (
	defaultSharerLimit = 10000 // DOC:sharer/bind_sharer reason_code 200; §3.8 1310001
	maxOpenIDsPerCall  = 100   // §3.8 1310003 "at most 100" (D text)
)

// result_list codes (§2.9 bind: result_code 0 ok, 2 refused; reason_code
// 0 ok, 201 bad openid, 202 already a sharer).
const (
	resultOK       = 0
	resultRefused  = 2
	reasonOK       = 0
	reasonBadUser  = 201
	reasonIsSharer = 202
)

// shareProfile is the share domain's fixed account state (Profile.Share,
// JSON "share").
type shareProfile struct {
	// AcceptInvitations: every invited user accepts at once (profile
	// sharers-accept); otherwise invitations stay at bind_status 3.
	AcceptInvitations bool `json:"accept_invitations,omitempty"`
	// SharerLimit caps bound plus inviting sharers (profile
	// sharer-limit-1). Default 10 000.
	SharerLimit *uint `json:"sharer_limit,omitempty"`
}

// shareState is one account's sharers; guarded by account.mu.
type shareState struct {
	accept bool
	limit  int
	byID   map[string]*sharer
	list   []*sharer // invitation order, for get_sharer_list
}

func newShareState(p shareProfile) *shareState {
	return &shareState{
		accept: p.AcceptInvitations,
		limit:  int(*orDefault(p.SharerLimit, defaultSharerLimit)),
		byID:   map[string]*sharer{},
	}
}

// sharer is one invited or bound user; times are unix seconds (§1).
type sharer struct {
	openid   string
	nickname string
	invited  int64
	bound    int64 // 0 until bound
	status   int
}

func (s *sharer) view() map[string]any {
	return map[string]any{"openid": s.openid, "nickname": s.nickname, "invited_time": s.invited, "bind_time": s.bound}
}

// Sentinels of the share domain; shareCodes maps them to §3.8 codes.
var (
	errSharerLimit    = codeErr(catalog.SharerBindLimitReached, "sharer limit reached") // 1310001 D text (NS: profile sharer-limit-1)
	errOpenIDsMissing = codeErr(catalog.SharerOpenIDMissing, "openids missing")         // 1310002 D text / I endpoints: bind and unbind only (contract)
	errTooManyOpenIDs = codeErr(catalog.SharerTooManyOpenIDs, "too many openids")       // 1310003 D text
)

// readOpenIDs is the openids check of bind and unbind: missing, not an
// array or empty (1310002) → more than 100 (1310003, before any openid
// is looked at) → an item that is not a string (1310002: no openid list
// was sent).
func readOpenIDs(body map[string]any) ([]string, error) {
	items, ok := body["openids"].([]any)
	switch {
	case !ok || len(items) == 0:
		return nil, failf(errOpenIDsMissing, "openids must be a non-empty array")
	case len(items) > maxOpenIDsPerCall:
		return nil, failf(errTooManyOpenIDs, "%d openids; at most %d", len(items), maxOpenIDsPerCall)
	}
	ids, ok := asStrings(items)
	if !ok {
		return nil, failf(errOpenIDsMissing, "openids must be strings")
	}
	return ids, nil
}

// batch is the answer of bind and unbind (§2.9): fail_list (retryable)
// stays empty, since nothing in the sandbox is busy.
type batch struct {
	success, fail, refuse []string
	results               []map[string]any
}

func newBatch() *batch {
	return &batch{success: []string{}, fail: []string{}, refuse: []string{}, results: []map[string]any{}}
}

func (b *batch) add(openid string, reason int) {
	code := resultOK
	if reason == reasonOK {
		b.success = append(b.success, openid)
	} else {
		code = resultRefused
		b.refuse = append(b.refuse, openid)
	}
	b.results = append(b.results, map[string]any{"openid": openid, "result_code": code, "reason_code": reason})
}

func (b *batch) data() map[string]any {
	return map[string]any{"success_list": b.success, "fail_list": b.fail, "refuse_list": b.refuse, "result_list": b.results}
}

// sharerBind answers /shop/sharer/bind: openids (1310002, 1310003) →
// bound and inviting sharers plus the new users over the limit (1310001,
// for the whole call) → each openid in order: not a user of the mini
// program refused (201), already bound or inviting, or named twice,
// refused (202), else invited (3), or bound (1) on sharers-accept.
func sharerBind(req *request) (map[string]any, error) {
	ids, err := readOpenIDs(req.body)
	if err != nil {
		return nil, err
	}
	st := req.acct.share
	reasons := make([]int, len(ids))
	seen := map[string]bool{}
	fresh := 0
	for i, id := range ids {
		switch {
		case !req.acct.openids[id]:
			reasons[i] = reasonBadUser
		case st.byID[id] != nil || seen[id]:
			reasons[i] = reasonIsSharer
		default:
			fresh++
		}
		seen[id] = true
	}
	if have := len(st.byID); have+fresh > st.limit {
		return nil, failf(errSharerLimit, "%d sharers bound or inviting, %d new, limit %d", have, fresh, st.limit)
	}
	b := newBatch()
	for i, id := range ids {
		if reasons[i] == reasonOK {
			st.invite(id, nickname(req.profile, id), req.now.Unix())
		}
		b.add(id, reasons[i])
	}
	return b.data(), nil
}

func (st *shareState) invite(openid, nick string, now int64) {
	s := &sharer{openid: openid, nickname: nick, invited: now, status: sharerInviting}
	if st.accept {
		s.status, s.bound = sharerBound, now
	}
	st.byID[openid] = s
	st.list = append(st.list, s)
}

// nickname is a test user's WeChat nickname: the sandbox's users have
// none, so it is made from the user's place in the profile.
func nickname(p *Profile, openid string) string {
	return "测试用户" + strconv.Itoa(slices.Index(p.OpenIDs, openid)+1)
}

// sharerUnbind answers /shop/sharer/unbind: openids (1310002, 1310003) →
// each openid in order: not a user refused (201), else unbound, whether
// it was bound, inviting or neither (no code is documented for the last,
// and the end state is the one asked for).
func sharerUnbind(req *request) (map[string]any, error) {
	ids, err := readOpenIDs(req.body)
	if err != nil {
		return nil, err
	}
	st := req.acct.share
	b := newBatch()
	for _, id := range ids {
		if !req.acct.openids[id] {
			b.add(id, reasonBadUser)
			continue
		}
		if s := st.byID[id]; s != nil {
			delete(st.byID, id)
			st.list = slices.DeleteFunc(st.list, func(x *sharer) bool { return x == s })
		}
		b.add(id, reasonOK)
	}
	return b.data(), nil
}

// sharerSearch answers /shop/sharer/search_sharer: route openid (990004,
// 990002, 990001) → the sharer, or bind_status 0 with empty fields for a
// user never invited (contract, I).
func sharerSearch(req *request) (map[string]any, error) {
	s := req.acct.share.byID[bodyOpenID(req.body)]
	if s == nil {
		return map[string]any{"nickname": "", "invited_time": 0, "bind_time": 0, "bind_status": sharerNone}, nil
	}
	return map[string]any{"nickname": s.nickname, "invited_time": s.invited, "bind_time": s.bound, "bind_status": s.status}, nil
}

// readPage reads page and page_size, which the route has required
// (990007) and capped (990005): each must be an integer ≥ 1, else 990007
// (the sandbox's rule where a field is unusable and no code exists).
func readPage(body map[string]any) (page, size int64, err error) {
	page, okPage := asInt(body["page"])
	size, okSize := asInt(body["page_size"])
	if !okPage || page < 1 || !okSize || size < 1 {
		return 0, 0, failf(errParameterMissing, "page and page_size must be integers ≥ 1")
	}
	return page, size, nil
}

// sharerList answers /shop/sharer/get_sharer_list: route page_size ≤ 100
// (990005), page and page_size present (990007) → both ≥ 1 (990007) →
// the bound sharers in invitation order, one page, and total_num.
func sharerList(req *request) (map[string]any, error) {
	page, size, err := readPage(req.body)
	if err != nil {
		return nil, err
	}
	var bound []*sharer
	for _, s := range req.acct.share.list {
		if s.status == sharerBound {
			bound = append(bound, s)
		}
	}
	out := []map[string]any{}
	if first := (page - 1) * size; first < int64(len(bound)) {
		for _, s := range bound[first:min(first+size, int64(len(bound)))] {
			out = append(out, s.view())
		}
	}
	return map[string]any{"sharers": out, "total_num": len(bound)}, nil
}

// sharerDataSummary answers /shop/sharer/get_sharer_data_summary: route
// openid → zeros, since no order carries sharer attribution (order/add
// has no sharer field; contract).
func sharerDataSummary(*request) (map[string]any, error) {
	return map[string]any{"gmv": 0, "order_cnt": 0, "user_cnt": 0}, nil
}

// sharerLiveOrderList answers /shop/sharer/get_sharer_live_order_list:
// route openid, page_size ≤ 100, live_export_id, page and page_size
// present → page and page_size ≥ 1 (990007) → no orders (no live rooms
// exist in the sandbox).
func sharerLiveOrderList(req *request) (map[string]any, error) {
	if _, _, err := readPage(req.body); err != nil {
		return nil, err
	}
	return map[string]any{"orders": []any{}, "total_num": 0}, nil
}

// sharerLiveSummaryList answers /shop/sharer/get_sharer_live_summary_list:
// route openid, page_size ≤ 20, page and page_size present → page and
// page_size ≥ 1 (990007) → no lives.
func sharerLiveSummaryList(req *request) (map[string]any, error) {
	if _, _, err := readPage(req.body); err != nil {
		return nil, err
	}
	return map[string]any{"lives": []any{}, "total_num": 0}, nil
}

// shareChecks are this domain's named rules of the spec.
var shareChecks = map[string]validate.Check{}
