package refsandbox

import (
	"slices"
	"strconv"
	"time"
)

// The v2 after-sale endpoints that address one after-sale (§2.7
// ecaftersale/cancel, update, uploadreturninfo, acceptrefund,
// acceptreturn, reject, upload_certificates, get) and get_list.
//
// Status machine (contract "After-sale"; v2 enum of §2.7):
//
//	add → 2 processing
//	2 → acceptreturn → 6 awaiting the buyer's return → uploadreturninfo → 8 awaiting receipt
//	2, 6 → acceptrefund → 13 refunded;  8 → acceptrefund → 14 returned and refunded
//	2, 6, 8 → reject → 4 (type 1, refund refused) or 5 (type 2, return refused)
//	2, 6, 8 → cancel (buyer) → 1;  update (buyer) keeps the status
//
// A move from any other status is 1000000, the order domain's status-flow
// code (§3.3; I: the docs list no code for after-sale moves).

// aftersaleMove is one endpoint that acts on one after-sale.
type aftersaleMove struct {
	buyer bool  // the buyer calls it with openid: another buyer's after-sale is 1020003
	from  []int // statuses it acts on; nil is any
	// parse validates the body (990007) and returns the action, which may
	// still refuse the after-sale before it changes anything.
	parse func(body map[string]any, st *aftersaleState) (func(a *afterSale, now time.Time) error, error)
}

// handle runs the move's checks: id pair and existence (1020003, I),
// the status (1000000), then the body's fields (990007, a fallback that
// never hides a documented code).
func (m aftersaleMove) handle(req *request) (map[string]any, error) {
	st := req.acct.aftersale
	var a *afterSale
	openid := ""
	if m.buyer {
		openid = bodyOpenID(req.body)
	}
	act, fieldErr := m.parse(req.body, st)
	err := firstErr(
		func() error {
			ref, err := readAftersaleRef(req.body)
			if err == nil {
				a, err = st.resolve(ref, openid)
			}
			return err
		},
		func() error {
			if m.from != nil && !slices.Contains(m.from, a.status) {
				return failf(errStatusFlow, "the after-sale has status %d", a.status)
			}
			return fieldErr
		},
		func() error { return act(a, req.now) },
	)
	if err != nil {
		return nil, err
	}
	a.updated = req.now
	st.closeIfRefunded(a.order, req.now)
	return nil, nil
}

// to is a move without fields that sets a status.
func to(status int) func(map[string]any, *aftersaleState) (func(*afterSale, time.Time) error, error) {
	return func(map[string]any, *aftersaleState) (func(*afterSale, time.Time) error, error) {
		return func(a *afterSale, _ time.Time) error { a.status = status; return nil }, nil
	}
}

// ecaftersaleCancel: the buyer withdraws (→ 1).
func ecaftersaleCancel(req *request) (map[string]any, error) {
	return aftersaleMove{buyer: true, from: openAftersale, parse: to(asUserCancelled)}.handle(req)
}

// ecaftersaleUpdate: the buyer edits the claim; type cannot change
// (§2.7; 990007). The "≤5 edits" limit has no code and is not modelled.
func ecaftersaleUpdate(req *request) (map[string]any, error) {
	return aftersaleMove{buyer: true, from: openAftersale, parse: func(body map[string]any, _ *aftersaleState) (func(*afterSale, time.Time) error, error) {
		c, err := readClaim(body)
		return func(a *afterSale, _ time.Time) error {
			if c.typ != a.claim.typ {
				return failf(errParameterMissing, "type cannot change (it is %d)", a.claim.typ)
			}
			a.claim = c
			return nil
		}, err
	}}.handle(req)
}

// ecaftersaleUploadReturnInfo: the buyer ships the return, 6 → 8;
// delivery_id and waybill_id R (990007), delivery_name O.
func ecaftersaleUploadReturnInfo(req *request) (map[string]any, error) {
	return aftersaleMove{buyer: true, from: []int{asAwaitingReturn}, parse: func(body map[string]any, _ *aftersaleState) (func(*afterSale, time.Time) error, error) {
		r := &fieldReader{obj: body, kind: errParameterMissing}
		ret := returnInfo{DeliveryID: r.str("delivery_id"), WaybillID: r.str("waybill_id"), DeliveryName: r.optStr("delivery_name")}
		return func(a *afterSale, now time.Time) error {
			ret.OrderReturnTime = now.UnixMilli()
			a.ret, a.status = ret, asAwaitingReceipt
			return nil
		}, r.err
	}}.handle(req)
}

// ecaftersaleAcceptRefund: the merchant refunds; 14 when the return was
// received (8), else 13. A refund id is minted for refund_pay_detail.
func ecaftersaleAcceptRefund(req *request) (map[string]any, error) {
	return aftersaleMove{from: openAftersale, parse: func(_ map[string]any, st *aftersaleState) (func(*afterSale, time.Time) error, error) {
		return func(a *afterSale, _ time.Time) error {
			if a.status == asAwaitingReceipt {
				a.status = asReturnedRefunded
			} else {
				a.status = asRefunded
			}
			a.refundID = strconv.FormatUint(st.newID(), 10)
			return nil
		}, nil
	}}.handle(req)
}

// ecaftersaleAcceptReturn: the merchant agrees to a return, 2 → 6, and
// says where it goes: address_info with receiver_name, detailed_address,
// tel_number, province, city, town R (DOC:aftersale/acceptreturn; 990007).
func ecaftersaleAcceptReturn(req *request) (map[string]any, error) {
	return aftersaleMove{from: []int{asProcessing}, parse: func(body map[string]any, st *aftersaleState) (func(*afterSale, time.Time) error, error) {
		obj, _ := asObject(body["address_info"])
		r := &fieldReader{obj: obj, prefix: "address_info.", kind: errParameterMissing}
		addr := addressInfo{
			ReceiverName: r.str("receiver_name"), DetailedAddress: r.str("detailed_address"), TelNumber: r.str("tel_number"),
			Province: r.str("province"), City: r.str("city"), Town: r.str("town"), Country: r.optStr("country"),
		}
		return func(a *afterSale, _ time.Time) error {
			a.returnAddress, a.status = addr, asAwaitingReturn
			a.returnID = strconv.FormatUint(st.newID(), 10)
			return nil
		}, r.err
	}}.handle(req)
}

// ecaftersaleReject: the merchant refuses: 4 for a refund, 5 for a return.
func ecaftersaleReject(req *request) (map[string]any, error) {
	return aftersaleMove{from: openAftersale, parse: func(map[string]any, *aftersaleState) (func(*afterSale, time.Time) error, error) {
		return func(a *afterSale, _ time.Time) error {
			a.status = asRefundRefused
			if a.claim.typ == 2 {
				a.status = asReturnRefused
			}
			return nil
		}, nil
	}}.handle(req)
}

// ecaftersaleUploadCertificates: the merchant's refund evidence, in any
// status; refund_desc a string and certificates an array of strings when
// sent (990007).
func ecaftersaleUploadCertificates(req *request) (map[string]any, error) {
	return aftersaleMove{parse: func(body map[string]any, _ *aftersaleState) (func(*afterSale, time.Time) error, error) {
		r := &fieldReader{obj: body, kind: errParameterMissing}
		desc, certs := r.optStr("refund_desc"), r.optStrs("certificates")
		return func(a *afterSale, _ time.Time) error {
			a.refundDesc, a.certificates = desc, certs
			return nil
		}, r.err
	}}.handle(req)
}

// ecaftersaleGet answers /shop/ecaftersale/get: id pair and existence
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
