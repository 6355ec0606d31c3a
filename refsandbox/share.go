package refsandbox

import (
	"slices"
	"strconv"

	"github.com/shopconform/shopconform/apispec/validate"
	"github.com/shopconform/shopconform/catalog"
)

// Share domain (api-reference §2.9 /shop/sharer/*, /shop/promoter/list,
// §3.8 codes 1310xxx; refsandbox/README.md, Onboarding and sharers). The
// fields, their limits and codes are the spec's (apispec/data/share.json);
// the handlers read values the spec let through and keep the rules about
// state.
//
// Each account has sharers keyed by openid. A bind invites a user; the
// user accepts on their own phone, so acceptance is account state: on a
// profile with share.accept_invitations (sharers-accept) every invitation
// is accepted at once, elsewhere it stays inviting.

// bind_status values (§2.9 search_sharer). No request of the sandbox
// refuses or expires an invitation (that needs the user or time), so 2
// and 4 come only from a seed (control_seed_share.go).
const (
	sharerNone     = 0 // never invited, or unbound since (I, refsandbox/README.md)
	sharerBound    = 1
	sharerRefused  = 2
	sharerInviting = 3
	sharerExpired  = 4
)

// defaultSharerLimit is the sharers a mini program may have
// (DOC:sharer/bind_sharer reason_code 200; §3.8 1310001). The 100 openids
// a call may name are the spec's (§3.8 1310003).
const defaultSharerLimit = 10000

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
	mode   *int64    // set_share_mode's last value; nil until set
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

// active: bound or inviting, what the limit counts and what a bind
// refuses with 202; a refused or expired invitation may be sent again.
func (s *sharer) active() bool { return s.status == sharerBound || s.status == sharerInviting }

// activeCount is the sharers the limit counts.
func (st *shareState) activeCount() int {
	n := 0
	for _, s := range st.list {
		if s.active() {
			n++
		}
	}
	return n
}

func (s *sharer) view() map[string]any {
	return map[string]any{"openid": s.openid, "nickname": s.nickname, "invited_time": s.invited, "bind_time": s.bound}
}

// errSharerLimit is the share domain's one state code (§3.8); its field
// codes, 1310002 and 1310003, are the spec's.
var errSharerLimit = codeErr(catalog.SharerBindLimitReached, "sharer limit reached") // 1310001 D text (NS: profile sharer-limit-1)

// shareOpenIDs reads bind's and unbind's openids, which the spec let
// through: 1 to 100 distinct non-blank strings.
func shareOpenIDs(body map[string]any) []string {
	ids, _ := asStrings(body["openids"])
	return ids
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

// sharerBind answers /shop/sharer/bind once the spec let openids
// through (1310002, 1310003, 990007 for a repeated openid): bound and
// inviting sharers plus the new users over the limit (1310001, for the
// whole call) → each openid in order: not a user of the mini program
// refused (201), already bound or inviting refused (202), else invited
// (3), or bound (1) on sharers-accept. A user whose invitation was
// refused (2) or expired (4) is invited again.
func sharerBind(req *request) (map[string]any, error) {
	ids := shareOpenIDs(req.body)
	st := req.acct.share
	reasons := make([]int, len(ids))
	fresh := 0
	for i, id := range ids {
		switch {
		case !req.acct.openids[id]:
			reasons[i] = reasonBadUser
		case st.byID[id] != nil && st.byID[id].active():
			reasons[i] = reasonIsSharer
		default:
			fresh++
		}
	}
	if have := st.activeCount(); have+fresh > st.limit {
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
	st.add(s)
}

// add keeps s as the user's sharer record, in invitation order; a
// former record of the user (a refused or expired invitation) is
// replaced.
func (st *shareState) add(s *sharer) {
	if old := st.byID[s.openid]; old != nil {
		st.list = slices.DeleteFunc(st.list, func(x *sharer) bool { return x == old })
	}
	st.byID[s.openid] = s
	st.list = insertByTime(st.list, s, func(s *sharer) int64 { return s.invited })
}

// nickname is a test user's WeChat nickname: the sandbox's users have
// none, so it is made from the user's place in the profile.
func nickname(p *Profile, openid string) string {
	return "测试用户" + strconv.Itoa(slices.Index(p.OpenIDs, openid)+1)
}

// sharerUnbind answers /shop/sharer/unbind once the spec let openids
// through: each openid in order: not a user refused (201), else unbound,
// whether it was bound, inviting or neither (no code is documented for
// the last, and the end state is the one asked for).
func sharerUnbind(req *request) (map[string]any, error) {
	ids := shareOpenIDs(req.body)
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

// sharerSearch answers /shop/sharer/search_sharer once the spec let the
// openid through (990004, 990002, 990001): the sharer, or bind_status 0
// with empty fields for a user never invited (I, refsandbox/README.md).
func sharerSearch(req *request) (map[string]any, error) {
	s := req.acct.share.byID[bodyOpenID(req.body)]
	if s == nil {
		return map[string]any{"nickname": "", "invited_time": 0, "bind_time": 0, "bind_status": sharerNone}, nil
	}
	return map[string]any{"nickname": s.nickname, "invited_time": s.invited, "bind_time": s.bound, "bind_status": s.status}, nil
}

// sharePage reads page and page_size, which the spec let through:
// integers ≥ 1, page_size within the endpoint's limit.
func sharePage(body map[string]any) (page, size int64) {
	page, _ = asInt(body["page"])
	size, _ = asInt(body["page_size"])
	return page, size
}

// pageOf is the page-th slice of size items of a list of n (1-based);
// past the end it is empty.
func pageOf(page, size int64, n int) (first, end int) {
	start := (page - 1) * size
	if start >= int64(n) {
		return n, n
	}
	return int(start), int(min(start+size, int64(n)))
}

// sharerList answers /shop/sharer/get_sharer_list once the spec let the
// paging through (page_size ≤ 100: 990005; both required integers ≥ 1:
// 990007): the bound sharers in invitation order, one page, and
// total_num.
func sharerList(req *request) (map[string]any, error) {
	page, size := sharePage(req.body)
	var bound []*sharer
	for _, s := range req.acct.share.list {
		if s.status == sharerBound {
			bound = append(bound, s)
		}
	}
	out := []map[string]any{}
	first, end := pageOf(page, size, len(bound))
	for _, s := range bound[first:end] {
		out = append(out, s.view())
	}
	return map[string]any{"sharers": out, "total_num": len(bound)}, nil
}

// sharerDataSummary answers /shop/sharer/get_sharer_data_summary once the
// spec let the openid through: zeros, since no order carries sharer
// attribution (order/add has no sharer field).
func sharerDataSummary(*request) (map[string]any, error) {
	return map[string]any{"gmv": 0, "order_cnt": 0, "user_cnt": 0}, nil
}

// sharerLiveOrderList answers /shop/sharer/get_sharer_live_order_list
// once the spec let openid, live_export_id and the paging through: no
// orders, since no live rooms exist in the sandbox.
func sharerLiveOrderList(*request) (map[string]any, error) {
	return map[string]any{"orders": []any{}, "total_num": 0}, nil
}

// sharerLiveSummaryList answers /shop/sharer/get_sharer_live_summary_list
// once the spec let openid and the paging through (page_size ≤ 20): no
// lives.
func sharerLiveSummaryList(*request) (map[string]any, error) {
	return map[string]any{"lives": []any{}, "total_num": 0}, nil
}

// sharerSetShareMode answers /shop/sharer/set_share_mode (§2.9, SKIT)
// once the spec let share_mode through (a required integer ≥ 0, else
// 990007): the account keeps the mode; the answer has no data. Nothing
// reads the mode, since the sandbox has no live rooms or shared cards.
func sharerSetShareMode(req *request) (map[string]any, error) {
	mode, _ := asInt(req.body["share_mode"])
	req.acct.share.mode = &mode
	return nil, nil
}

// promoterList answers /shop/promoter/list (§2.9, §2.11 DOC:promoter/list)
// once the spec let the paging through (page_size ≤ 20: 990005; both
// required integers ≥ 1: 990007). Promoters are Channels accounts bound
// on the WeChat side, which no request of this API family creates, so
// the list is always empty: a valid answer of the page.
func promoterList(*request) (map[string]any, error) {
	return map[string]any{"promoters": []any{}, "total_num": 0}, nil
}

// shareChecks are this domain's named rules of the spec.
var shareChecks = map[string]validate.Check{}
