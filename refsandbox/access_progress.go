package refsandbox

// What onboarding reads from the product and order worlds (§2.1
// access_info "*_success" flags; §3.4 1040008 "API-uploaded product
// approved and an API order paid"; refsandbox/README.md). Read-only: the
// access domain never changes a product, an order or an after-sale. The
// caller holds account.mu, as every handler does.
//
// Each flag records that something happened, so it never falls back:
// deleting the approved product or refunding the paid order later does
// not undo a finished task.

// progress is what the account did through the API.
type progress struct {
	productApproved bool // a product added through spu/add has an approved version
	orderPaid       bool // an order added through order/add was paid (20 or later)
	orderShipped    bool // an order was shipped through delivery/send
	aftersaleAdded  bool // an after-sale was added through ecaftersale/add
}

func (a *account) progress() progress {
	return progress{
		productApproved: a.product.anyApproved(),
		orderPaid:       a.order.anyPaid(),
		orderShipped:    a.order.anyShipped(),
		aftersaleAdded:  len(a.aftersale.list) > 0, // every record comes from ecaftersale/add (v1 add is not modelled)
	}
}

// anyApproved: a product, even one deleted since, that a review approved
// (it has an online copy).
func (st *productState) anyApproved() bool {
	for _, p := range st.list {
		if p.online != nil {
			return true
		}
	}
	return false
}

// paidStatuses are the statuses only a paid order reaches: 20, and what
// follows it (shipping, receipt, a full refund). 181 and 250 are numbered
// higher but are reached from 10 without payment; 11 is unreachable.
var paidStatuses = []int{orderAwaitingShipment, orderPartlyShipped, orderAwaitingReceipt, orderCompleted, orderAftersaleClosed}

func (st *orderState) anyPaid() bool {
	for _, o := range st.list {
		if o.in(paidStatuses...) {
			return true
		}
	}
	return false
}

// anyShipped: an accepted delivery/send always moves the order to 21 or
// 30; an order may have gone on to 100 or 200 since, so its shipments
// count too.
func (st *orderState) anyShipped() bool {
	for _, o := range st.list {
		if o.in(orderPartlyShipped, orderAwaitingReceipt, orderCompleted) || len(o.deliveries) > 0 || o.finishAll == 1 {
			return true
		}
	}
	return false
}
