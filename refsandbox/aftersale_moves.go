package refsandbox

import (
	"slices"
	"strconv"
)

// The v2 after-sale endpoints that address one after-sale (§2.7
// ecaftersale/cancel, update, uploadreturninfo, acceptrefund,
// acceptreturn, reject, upload_certificates, get); merchanttest and
// merchantupdate are in aftersale_merchant.go.
//
// Status machine (refsandbox/README.md; v2 enum of §2.7):
//
//	add → 2 processing
//	2 → acceptreturn → 6 awaiting the buyer's return → uploadreturninfo → 8 awaiting receipt
//	2, 6 → acceptrefund → 13 refunded;  8 → acceptrefund → 14 returned and refunded
//	2, 6, 8 → reject → 4 (type 1, refund refused) or 5 (type 2, return refused)
//	2, 6, 8 → cancel (buyer) → 1;  update (buyer) keeps the status
//
// A move from any other status is 1000000, the order domain's status-flow
// code (§3.3; I: the docs list no code for after-sale moves).

// aftersaleMove is one endpoint that acts on one after-sale. The spec
// validated its fields; act applies the move's own state rules and the
// change.
type aftersaleMove struct {
	buyer bool  // the buyer calls it with openid: another buyer's after-sale is 1020003
	from  []int // statuses it acts on; nil is any
	act   func(req *request, a *afterSale) error
}

// handle runs the move: the after-sale exists (1020003, I) → its status
// (1000000) → the move's own rules.
func (m aftersaleMove) handle(req *request) (map[string]any, error) {
	st := req.acct.aftersale
	openid := ""
	if m.buyer {
		openid = bodyOpenID(req.body)
	}
	ref, err := readAftersaleRef(req.body)
	var a *afterSale
	if err == nil {
		a, err = st.resolve(ref, openid)
	}
	if err != nil {
		return nil, err
	}
	if m.from != nil && !slices.Contains(m.from, a.status) {
		return nil, failf(errStatusFlow, "the after-sale has status %d", a.status)
	}
	if err := m.act(req, a); err != nil {
		return nil, err
	}
	a.updated = req.now
	st.closeIfRefunded(a.order, req.now)
	return nil, nil
}

// to is a move without fields that sets a status.
func to(status int) func(*request, *afterSale) error {
	return func(_ *request, a *afterSale) error { a.status = status; return nil }
}

// ecaftersaleCancel: the buyer withdraws (→ 1).
func ecaftersaleCancel(req *request) (map[string]any, error) {
	return aftersaleMove{buyer: true, from: openAftersale, act: to(asUserCancelled)}.handle(req)
}

// ecaftersaleUpdate: the buyer edits the claim. The type cannot change
// (§2.7; 990007) and the new amount is capped like add's (1020004). The
// "≤5 edits" limit has no code and is not modelled.
func ecaftersaleUpdate(req *request) (map[string]any, error) {
	return aftersaleMove{buyer: true, from: openAftersale, act: func(req *request, a *afterSale) error {
		c := readClaim(req.body)
		if c.typ != a.claim.typ {
			return failf(errAftersaleTypeChanged, "type is %d; it cannot change", a.claim.typ)
		}
		if err := req.acct.aftersale.checkRoom(a.order, a.lines, c.amount, a); err != nil {
			return err
		}
		a.claim = c
		return nil
	}}.handle(req)
}

// ecaftersaleUploadReturnInfo: the buyer ships the return, 6 → 8.
func ecaftersaleUploadReturnInfo(req *request) (map[string]any, error) {
	return aftersaleMove{buyer: true, from: []int{asAwaitingReturn}, act: func(req *request, a *afterSale) error {
		var ret returnInfo
		ret.DeliveryID, _ = req.body["delivery_id"].(string)
		ret.WaybillID, _ = req.body["waybill_id"].(string)
		ret.DeliveryName, _ = req.body["delivery_name"].(string)
		ret.OrderReturnTime = req.now.UnixMilli()
		a.ret, a.status = ret, asAwaitingReceipt
		return nil
	}}.handle(req)
}

// ecaftersaleAcceptRefund: the merchant refunds; 14 when the return was
// received (8), else 13. A refund id is minted for refund_pay_detail.
func ecaftersaleAcceptRefund(req *request) (map[string]any, error) {
	return aftersaleMove{from: openAftersale, act: func(req *request, a *afterSale) error {
		a.refund(req.acct.aftersale)
		return nil
	}}.handle(req)
}

// refund settles a: returned and refunded from 8, refunded otherwise.
func (a *afterSale) refund(st *aftersaleState) {
	if a.status == asAwaitingReceipt {
		a.status = asReturnedRefunded
	} else {
		a.status = asRefunded
	}
	a.refundID = strconv.FormatUint(st.newID(), 10)
}

// ecaftersaleAcceptReturn: the merchant agrees to a return, 2 → 6, and
// says where it goes (address_info, DOC:aftersale/acceptreturn).
func ecaftersaleAcceptReturn(req *request) (map[string]any, error) {
	return aftersaleMove{from: []int{asProcessing}, act: func(req *request, a *afterSale) error {
		a.awaitReturn(req.acct.aftersale, readReturnAddress(req.body))
		return nil
	}}.handle(req)
}

// awaitReturn moves a to 6 with the address the goods go back to.
func (a *afterSale) awaitReturn(st *aftersaleState, addr addressInfo) {
	a.returnAddress, a.status = addr, asAwaitingReturn
	a.returnID = strconv.FormatUint(st.newID(), 10)
}

// readReturnAddress reads the validated address_info.
func readReturnAddress(body map[string]any) addressInfo {
	obj, _ := asObject(body["address_info"])
	s := func(k string) string { v, _ := obj[k].(string); return v }
	return addressInfo{
		ReceiverName: s("receiver_name"), DetailedAddress: s("detailed_address"), TelNumber: s("tel_number"),
		Country: s("country"), Province: s("province"), City: s("city"), Town: s("town"),
	}
}

// ecaftersaleReject: the merchant refuses: 4 for a refund, 5 for a return.
func ecaftersaleReject(req *request) (map[string]any, error) {
	return aftersaleMove{from: openAftersale, act: func(_ *request, a *afterSale) error {
		a.status = asRefundRefused
		if a.claim.typ == 2 {
			a.status = asReturnRefused
		}
		return nil
	}}.handle(req)
}

// ecaftersaleUploadCertificates: the merchant's refund evidence, in any
// status.
func ecaftersaleUploadCertificates(req *request) (map[string]any, error) {
	return aftersaleMove{act: func(req *request, a *afterSale) error {
		a.refundDesc, _ = req.body["refund_desc"].(string)
		a.certificates = []string{}
		items, _ := req.body["certificates"].([]any)
		for _, it := range items {
			s, _ := it.(string)
			a.certificates = append(a.certificates, s)
		}
		return nil
	}}.handle(req)
}

// ecaftersaleGet answers /shop/ecaftersale/get: the after-sale exists
// (1020003) → after_sales_order.
func ecaftersaleGet(req *request) (map[string]any, error) {
	ref, err := readAftersaleRef(req.body)
	var a *afterSale
	if err == nil {
		a, err = req.acct.aftersale.resolve(ref, "")
	}
	if err != nil {
		return nil, err
	}
	return map[string]any{"after_sales_order": a.view()}, nil
}
