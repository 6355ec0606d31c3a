package refsandbox

import "slices"

// The merchant's after-sale calls beyond the moves (§2.11):
// ecaftersale/merchanttest, which plays a merchant timeout that the
// platform settles for the merchant, and ecaftersale/merchantupdate, which
// changes where a return goes. Both pages were not in the stored
// material: what they do is the spec's inference (apispec/data/
// aftersale.json notes).

// overdue is one merchant timeout of merchanttest: the after-sales it
// settles (status and type) and what the platform does.
type overdue struct {
	from  int
	types []int64 // nil: any type
	act   func(st *aftersaleState, acct *account, a *afterSale)
}

// overdues are merchanttest's operations, named as the callback events of
// the timeouts they play.
var overdues = map[string]overdue{
	// The refund request was not handled: the platform refunds (13).
	"aftersale_merchant_handle_refund_overdue": {from: asProcessing, types: []int64{1}, act: func(st *aftersaleState, _ *account, a *afterSale) {
		a.refund(st)
	}},
	// The return request was not handled: the buyer is to send the goods
	// to the merchant's default return address (6; DOC:account/
	// update_info: that address serves returns whose handling timed out).
	"aftersale_merchant_handle_return_overdue": {from: asProcessing, types: []int64{2}, act: func(st *aftersaleState, acct *account, a *afterSale) {
		a.awaitReturn(st, addressInfo(acct.merchant.Address))
	}},
	// The returned goods were not confirmed: the platform refunds (14).
	"aftersale_merchant_confirm_receipt_overdue": {from: asAwaitingReceipt, act: func(st *aftersaleState, _ *account, a *afterSale) {
		a.refund(st)
	}},
}

// ecaftersaleMerchantTest answers /shop/ecaftersale/merchanttest: the
// after-sale exists (1020003) → it is in the status (and of the type) the
// operation settles (1000000) → settled as the platform would.
func ecaftersaleMerchantTest(req *request) (map[string]any, error) {
	op, _ := req.body["operation"].(string)
	od := overdues[op] // the spec's enum holds only these names
	return aftersaleMove{act: func(req *request, a *afterSale) error {
		if a.status != od.from || od.types != nil && !slices.Contains(od.types, a.claim.typ) {
			return failf(errStatusFlow, "the after-sale (type %d) has status %d; %s settles type %v in status %d", a.claim.typ, a.status, op, od.types, od.from)
		}
		od.act(req.acct.aftersale, req.acct, a)
		return nil
	}}.handle(req)
}

// ecaftersaleMerchantUpdate answers /shop/ecaftersale/merchantupdate: the
// after-sale exists (1020003) → the buyer still has to send the goods
// back, 6 (1000000) → the return address is replaced.
func ecaftersaleMerchantUpdate(req *request) (map[string]any, error) {
	return aftersaleMove{from: []int{asAwaitingReturn}, act: func(req *request, a *afterSale) error {
		a.returnAddress = readReturnAddress(req.body)
		return nil
	}}.handle(req)
}
