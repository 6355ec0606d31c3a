package refsandbox

import (
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/shopconform/shopconform/internal/jsonpos"
)

// Seeding (POST /_shopconform/v1/accounts/{appid}/seed) adds objects to one
// account with the ids and states a test chooses, in the shape the API's
// own read endpoints answer them (spu/get's spu, order/get's order,
// ecaftersale/get's after_sales_order, coupon/get's result, …), so a test
// can paste what it read from a real sandbox. Fields the sandbox does not
// model are ignored, as live answers carry many (§7).
//
// A seed is all or nothing: every item of every kind is read and checked
// first (an unknown kind, a field of the wrong type, an id already taken,
// a state the status machine cannot reach, a reference to an object that
// does not exist); only when nothing is wrong is anything applied, all of
// it under the account's lock. A refusal names every field at fault.

// seedKind is one key of the seed body: its items are read in order, each
// kind after the kinds before it, so that later kinds can refer to
// objects of earlier ones (an order's products, an after-sale's order).
type seedKind struct {
	name string
	read func(b *seedBatch, item seedItem)
}

// seedKinds are the kinds in the order they are read and applied.
func seedKinds() []seedKind {
	return []seedKind{
		{"audits", seedAudit},
		{"products", seedProduct},
		{"orders", seedOrder},
		{"aftersales", seedAftersale},
		{"coupons", seedCoupon},
		{"user_coupons", seedUserCoupon},
		{"sharers", seedSharer},
	}
}

// seedBatch is one seed call being read: the account (locked), the
// account's time, the problems found so far, what the items of the call
// will add (for references between them), and the changes to apply.
type seedBatch struct {
	acct     *account
	now      time.Time
	problems []*controlError
	apply    []func()

	// What this call adds, for the kinds read after it: each domain keeps
	// its own index here (control_seed_<domain>.go).
	products   map[string]*product // by out_product_id
	productIDs map[uint64]*product
	orders     map[string]*order // by out_order_id
	orderIDs   map[uint64]*order
	aftersales []*afterSale           // every item of "aftersales" read so far (aftersale_seed.go)
	coupons    map[string]*coupon     // by out_coupon_id
	grants     map[string]*userCoupon // by out_user_coupon_id
	sharers    map[string]*sharer     // by openid

	productSeeds *productBatch // ids the products of this call choose or mint
	auditSeeds   *auditBatch   // ids and claims of the audits of this call
}

// seedItem is one object of a kind: its value and where it is in the body
// ("orders[2]"), for refusals.
type seedItem struct {
	at  string
	obj map[string]any
}

// fail records a problem of a field of the item ("status" becomes
// "orders[2].status"); code 400 is a bad value, 409 a clash with what the
// account already holds.
func (b *seedBatch) fail(it seedItem, status int, field, format string, args ...any) {
	path := it.at
	if field != "" {
		path += "." + field
	}
	b.problems = append(b.problems, refuse(status, path, format, args...))
}

// then queues a change, made only when the whole call is right.
func (b *seedBatch) then(change func()) { b.apply = append(b.apply, change) }

func (s *Sandbox) seed(c *call, a *account, body *jsonpos.Node, raw []byte) reply {
	kinds := seedKinds()
	known := func(name string) bool {
		return slices.ContainsFunc(kinds, func(k seedKind) bool { return k.name == name })
	}
	var unknown []*controlError
	for _, m := range body.Members {
		if !known(m.Key) {
			unknown = append(unknown, refuse(http.StatusBadRequest, m.Key, "unknown kind (the kinds are %s)", kindNames(kinds)))
		} else if m.Value.Kind != jsonpos.Array {
			unknown = append(unknown, refuse(http.StatusBadRequest, m.Key, "want an array of objects"))
		}
	}
	if len(unknown) > 0 {
		return controlErrorReply(unknown...)
	}
	plain, _ := body.Plain().(map[string]any)
	a.mu.Lock()
	defer a.mu.Unlock()
	b := &seedBatch{acct: a, now: a.clock.now(s.clock.Now())}
	added := map[string]int{}
	for _, k := range kinds {
		items, _ := plain[k.name].([]any)
		for i, it := range items {
			obj, ok := it.(map[string]any)
			at := fmt.Sprintf("%s[%d]", k.name, i)
			if !ok {
				b.problems = append(b.problems, refuse(http.StatusBadRequest, at, "want an object"))
				continue
			}
			k.read(b, seedItem{at: at, obj: obj})
		}
		if len(items) > 0 {
			added[k.name] = len(items)
		}
	}
	if len(b.problems) > 0 {
		slices.SortStableFunc(b.problems, func(x, y *controlError) int { return x.status - y.status })
		return controlErrorReply(b.problems...)
	}
	for _, change := range b.apply {
		change()
	}
	return controlReply(http.StatusOK, map[string]any{"added": added})
}

func kindNames(kinds []seedKind) string {
	var names []string
	for _, k := range kinds {
		names = append(names, k.name)
	}
	return fmt.Sprint(names)
}
