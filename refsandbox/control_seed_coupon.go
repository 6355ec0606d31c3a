package refsandbox

import (
	"fmt"
	"maps"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/shopconform/shopconform/apispec"
	"github.com/shopconform/shopconform/apispec/validate"
)

// Seeding the coupon domain (control_seed.go; refsandbox/README.md,
// "coupons and user_coupons"). A coupon is read in the shape of
// /shop/coupon/get's result, {coupon, coupon_stock}; a user coupon in
// the shape of an item of get_usercoupon_list.
//
// Seeding says nothing about the account's coupon capability: the
// coupons are account state, the capability (§3.7 1090028) a
// precondition of the API calls. An unconfirmed account (the coupon-*
// profiles) holds what was seeded and still answers 1090028 to every
// coupon API but confirm until confirm succeeds.

// seedCoupon reads one coupon: its body by coupon/add's own rules (the
// spec's validator of coupon/add, so a seeded coupon is one coupon/add
// could have made), its status and stock by the status machine
// (couponMoves), its products by their existence.
func seedCoupon(b *seedBatch, it seedItem) {
	item := b.reader(it)
	fields, ok := item.needObject("coupon")
	if !ok {
		return
	}
	if !couponBodyFits(b, it, fields.obj) {
		return
	}
	spec := couponSpecOf(map[string]any{"coupon": fields.obj})
	c := &coupon{couponSpec: spec}
	c.status = fields.intOr("status", couponEditing)
	if fields.ok() && (c.status < couponEditing || c.status > couponDeleted) {
		fields.fail(http.StatusBadRequest, "status", "%d is no coupon status (1 editing, 2 effective, 3 expired, 4 void, 5 deleted)", c.status)
	}
	created, updated := seedTimePair(fields, "create_time", "update_time", b.now.Unix())
	c.created, c.updated = time.Unix(created, 0), time.Unix(updated, 0)
	if b.acct.coupon.byOut[spec.outID] != nil || b.coupons[spec.outID] != nil {
		fields.fail(http.StatusConflict, "out_coupon_id", "the coupon %q exists (coupon/add would answer 1090002)", spec.outID)
	}
	seedCouponProducts(b, fields, spec)
	if !fields.ok() {
		return
	}
	stock, ok := seedCouponStock(item, c)
	if !ok {
		return
	}
	c.stock = stock
	if c.status == couponExpired && c.validType == validRange && c.validEnd > b.now.Unix() {
		fields.fail(http.StatusConflict, "status", "a coupon expires once its valid_info.end_time (%d) has passed; the account's clock is %d (update_status 3 would answer 1090015)", c.validEnd, b.now.Unix())
		return
	}
	if b.coupons == nil {
		b.coupons = map[string]*coupon{}
	}
	b.coupons[spec.outID] = c
	st := b.acct.coupon
	b.then(func() {
		st.byOut[c.outID] = c
		st.list = insertByTime(st.list, c, func(c *coupon) int64 { return c.created.Unix() })
	})
}

// couponAddValidator is the spec's validator of /shop/coupon/add,
// compiled once: a seeded coupon must be one coupon/add accepts.
var couponAddValidator = sync.OnceValues(func() (*validate.Validator, error) {
	spec, err := apispec.Default()
	if err != nil {
		return nil, err
	}
	ep, ok := spec.Endpoint("/shop/coupon/add")
	if !ok {
		return nil, fmt.Errorf("the spec has no /shop/coupon/add")
	}
	return validate.Compile(ep, couponChecks)
})

// couponBodyFits runs coupon/add's field rules on the seeded coupon
// (its status aside, which add never takes, §3.7 1090034) and refuses
// the first violation, naming its field.
func couponBodyFits(b *seedBatch, it seedItem, coupon map[string]any) bool {
	v, err := couponAddValidator()
	if err != nil {
		b.fail(it, http.StatusInternalServerError, "coupon", "the spec of coupon/add: %v", err)
		return false
	}
	body := maps.Clone(coupon)
	delete(body, "status")
	bad := v.Request(map[string]any{"coupon": body}, couponSeedEnv{now: b.now, users: b.acct.openids})
	if bad == nil {
		return true
	}
	b.fail(it, http.StatusBadRequest, bad.Path, "%s (coupon/add would answer %d)", bad.Detail, bad.Code)
	return false
}

// couponSeedEnv is what the coupon/add rules read beyond the body: the
// account's clock and users (none of coupon/add's fields reads either
// today).
type couponSeedEnv struct {
	now   time.Time
	users map[string]bool
}

func (e couponSeedEnv) Now() time.Time            { return e.now }
func (e couponSeedEnv) IsUser(openid string) bool { return e.users[openid] }

// seedCouponProducts: each product of a product coupon (types 1–6) is a
// product of the account or of this call (404). It need not be usable
// now: coupon/add wanted it approved and listed (1090012), but a product
// delisted or deleted after the coupon was made leaves the coupon as it
// was, so only its existence is a rule of the state.
func seedCouponProducts(b *seedBatch, fields seedReader, spec couponSpec) {
	if !productScoped(spec.typ) {
		return
	}
	for i, id := range spec.productIDs {
		if b.acct.product.byOut[id] == nil && b.products[id] == nil {
			fields.fail(http.StatusNotFound, fmt.Sprintf("coupon_info.discount_info.discount_condition.out_product_ids[%d]", i),
				"no product %q in the account or this call (seed it under products)", id)
		}
	}
}

// seedCouponStock reads coupon_stock against the coupon's status: a
// coupon gets its stock when update_status makes it effective (2), so
// status 1 has none, 2, 3 and 4 have one, and 5 has one when it was
// deleted from 3 or 4. "No stock" is coupon_stock left out, or the
// zeros coupon/get answers for a coupon never activated. A stock left
// out of an activated coupon is the one activation makes:
// receive_info.total_num issued, none received, stamped at the coupon's
// update_time.
func seedCouponStock(item seedReader, c *coupon) (*couponStock, bool) {
	stock, given := item.object("coupon_stock")
	if !item.ok() {
		return nil, false
	}
	if !given {
		if c.status == couponEditing || c.status == couponDeleted {
			return nil, true
		}
		return &couponStock{issued: c.totalNum, created: c.updated, updated: c.updated}, true
	}
	if id := stock.str("out_coupon_id"); stock.ok() && id != "" && id != c.outID {
		stock.fail(http.StatusBadRequest, "out_coupon_id", "%q is not the coupon's out_coupon_id %q", id, c.outID)
	}
	info, hasInfo := stock.needObject("stock_info")
	var s couponStock
	if hasInfo {
		s.issued = info.needInt("issued_num", nonNegative, "an integer ≥ 0")
		s.received = info.needInt("receive_num", nonNegative, "an integer ≥ 0")
	}
	zero := func(name string) bool { n, _ := asInt(stock.obj[name]); return n == 0 }
	unstamped := zero("create_time") && zero("update_time")
	created, updated := seedTimePair(stock, "create_time", "update_time", c.updated.Unix())
	if !stock.ok() {
		return nil, false
	}
	none := s.issued == 0 && s.received == 0 && unstamped
	switch {
	case none && (c.status == couponEditing || c.status == couponDeleted):
		return nil, true
	case c.status == couponEditing:
		stock.fail(http.StatusBadRequest, "", "a coupon in status 1 (editing) has no stock: update_status 2 creates it")
		return nil, false
	case created < c.created.Unix():
		stock.fail(http.StatusBadRequest, "create_time", "the stock (%d) is created when the coupon is activated, after the coupon itself (%d)", created, c.created.Unix())
		return nil, false
	}
	s.created, s.updated = time.Unix(created, 0), time.Unix(updated, 0)
	return &s, true
}

// seedUserCoupon reads one user coupon: a grant (add_user_coupon) of an
// activated coupon of the account or of this call to one of the
// account's users, in any status of the user coupon's machine.
func seedUserCoupon(b *seedBatch, it seedItem) {
	f := b.reader(it)
	u := &userCoupon{
		outID:    f.needNonBlank("out_user_coupon_id"),
		openid:   f.needNonBlank("openid"),
		couponID: f.needNonBlank("out_coupon_id"),
		status:   f.intOr("status", userCouponEffective),
	}
	if f.ok() && (u.status < userCouponEffective || u.status > userCouponVoided) {
		f.fail(http.StatusBadRequest, "status", "%d is no user coupon status (100 effective, 101 expired, 102 used, 103 voided)", u.status)
	}
	created, updated := seedTimePair(f, "create_time", "update_time", b.now.Unix())
	u.created, u.updated = time.Unix(created, 0), time.Unix(updated, 0)
	u.recv = f.seconds("recv_time", created)
	if !f.ok() {
		return
	}
	st := b.acct.coupon
	if st.users[u.outID] != nil || b.grants[u.outID] != nil {
		f.fail(http.StatusConflict, "out_user_coupon_id", "the user coupon %q exists (add_user_coupon would answer 1090004)", u.outID)
	}
	if !b.acct.openids[u.openid] {
		f.fail(http.StatusNotFound, "openid", "%q is no user of the account (mint the account with it among its openids)", u.openid)
	}
	c, inCall := b.coupons[u.couponID], true
	if c == nil {
		c, inCall = st.byOut[u.couponID], false
	}
	if c == nil {
		f.fail(http.StatusNotFound, "out_coupon_id", "no coupon %q in the account or this call (seed it under coupons)", u.couponID)
		return
	}
	if !f.ok() {
		return
	}
	clash := http.StatusConflict
	if inCall {
		clash = http.StatusBadRequest
	}
	if c.stock == nil {
		f.fail(clash, "out_coupon_id", "the coupon %q was never effective (status %d, no stock), so it was never granted (add_user_coupon would answer 1090043)", u.couponID, c.status)
		return
	}
	if held := st.held(u.openid, u.couponID) + b.heldInCall(u.openid, u.couponID); held >= c.limitPerUser {
		f.fail(http.StatusConflict, "openid", "the user already holds %d of the coupon %q, its receive_info.limit_num_one_person (add_user_coupon would answer 1090009)", held, u.couponID)
		return
	}
	seedGrantWindow(f, u, c)
	seedUseTime(f, u)
	if !f.ok() {
		return
	}
	if b.grants == nil {
		b.grants = map[string]*userCoupon{}
	}
	b.grants[u.outID] = u
	b.then(func() {
		st.users[u.outID] = u
		st.userOrder = insertByTime(st.userOrder, u, func(u *userCoupon) int64 { return u.created.Unix() })
	})
}

// heldInCall counts this call's grants of one coupon to one user.
func (b *seedBatch) heldInCall(openid, couponID string) int64 {
	var n int64
	for _, u := range b.grants {
		if u.openid == openid && u.couponID == couponID {
			n++
		}
	}
	return n
}

// seedGrantWindow reads start_time and end_time, the grant's validity.
// Left out, they are what add_user_coupon computes from the coupon's
// valid_info at recv_time; given, they are kept as they are (start not
// after end), since the platform's own rounding of a window of days is
// not documented and a test may paste what it read.
func seedGrantWindow(f seedReader, u *userCoupon, c *coupon) {
	start, end := c.window(u.recv)
	u.start = f.seconds("start_time", start)
	u.end = f.seconds("end_time", end)
	if f.ok() && u.start > u.end {
		f.fail(http.StatusBadRequest, "end_time", "%d is before start_time %d", u.end, u.start)
	}
}

// seedUseTime reads ext_info.use_time by update_user_coupon's rules: 0
// until redeemed; a redemption is not before recv_time (1090052) nor
// after now (its window). The status does not depend on it: the docs
// tie neither to the other (refsandbox/README.md, Coupons).
func seedUseTime(f seedReader, u *userCoupon) {
	ext, given := f.object("ext_info")
	if !given {
		return
	}
	u.useTime = pastSeconds(ext, "use_time", 0)
	if ext.ok() && u.useTime != 0 && u.useTime < u.recv {
		ext.fail(http.StatusBadRequest, "use_time", "%d is before recv_time %d (update_user_coupon would answer 1090052)", u.useTime, u.recv)
	}
}

// insertByTime adds item to a list kept in time order (the order the
// API's lists answer in: creation, grant, invitation), after every item
// of the same time, so that an item made through the API, which is never
// older than the account's clock, still goes last.
func insertByTime[T any](list []T, item T, at func(T) int64) []T {
	i := len(list)
	for i > 0 && at(list[i-1]) > at(item) {
		i--
	}
	return slices.Insert(list, i, item)
}

func nonNegative(n int64) bool { return n >= 0 }

// pastSeconds is a unix-second time that has happened (a creation, an
// update, a redemption, an invitation): not after the account's clock,
// else 409, the account has not got there yet (refsandbox/README.md,
// "coupons and user_coupons", "sharers").
func pastSeconds(r seedReader, key string, def int64) int64 {
	n := r.seconds(key, def)
	r.happened(http.StatusConflict, key, time.Unix(n, 0))
	return n
}

// seedTimePair reads a creation and an update time: def when the
// creation is absent, the creation when the update is; the update is not
// before the creation.
func seedTimePair(r seedReader, createdKey, updatedKey string, def int64) (created, updated int64) {
	created = pastSeconds(r, createdKey, def)
	updated = pastSeconds(r, updatedKey, created)
	if r.ok() && updated < created {
		r.fail(http.StatusBadRequest, updatedKey, "%d is before %s %d", updated, createdKey, created)
	}
	return created, updated
}
