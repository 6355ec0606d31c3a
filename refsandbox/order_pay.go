package refsandbox

import (
	"slices"
	"strconv"
)

// The order handlers that read or move one order: get, pay, close,
// getpaymentparams; and scene/check, which reads no order. The spec has
// checked their fields (openid, the id pair's 1010001, 1010014 for an
// openid of no user of this appid); they apply the order's state.

// orderGet answers /shop/order/get: the order exists and is the caller's
// (1010011).
func orderGet(req *request) (map[string]any, error) {
	o, err := req.acct.order.find(req.body, req.now)
	if err != nil {
		return nil, err
	}
	return map[string]any{"order": o.view(req.acct.aftersale)}, nil
}

// orderPay answers /shop/order/pay: 1010011 → not a fund_type 1 order
// (1000000: apispec/data/order.json says why) → the order awaits payment,
// 10 or 11 (1000000, D: the live answer for a repeated pay; §6.2 item 1)
// → action_type 1 on a pay_method_type 0 order without transaction_id
// (1010007) → the write (1010006, magic) → action 1 moves to 20, the
// others to 250.
func orderPay(req *request) (map[string]any, error) {
	action := intAt(req.body, "action_type")
	o, err := req.acct.order.find(req.body, req.now)
	if err == nil {
		err = o.checkPayable(action, textAt(req.body, "transaction_id"))
	}
	if err == nil && textAt(req.body, "action_remark") == magicOrderUpdateFailed {
		err = failf(errOrderUpdateFailed, "magic value %s: the order is unchanged", magicOrderUpdateFailed)
	}
	if err != nil {
		return nil, err
	}
	if action != 1 {
		o.set(orderCancelled, req.now)
		return nil, nil
	}
	o.fields.pay.TransactionID = textAt(req.body, "transaction_id")
	o.fields.pay.PayTime = textAt(req.body, "pay_time")
	o.set(orderAwaitingShipment, req.now)
	return nil, nil
}

// checkPayable is order/pay's state check, then its payment check.
func (o *order) checkPayable(action int64, transactionID string) error {
	switch {
	case o.fields.fundType == 1:
		return failf(errStatusFlow, "a fund_type 1 order's payment is the cashier's: order/pay does not sync it")
	case !o.in(orderAwaitingPayment, orderCashierPaid):
		return failf(errStatusFlow, "the order has status %d; order/pay needs 10", o.status)
	case action == 1 && o.fields.pay.PayMethodType == 0 && transactionID == "":
		return failf(errTransactionIDInvalid, "action_type 1 on a WeChat Pay order (pay_method_type 0) needs transaction_id")
	}
	return nil
}

// orderClose answers /shop/order/close: 1010011 → the order awaits
// payment (1000000, §3.3 D "order/close on a paid order") → 250.
func orderClose(req *request) (map[string]any, error) {
	o, err := req.acct.order.find(req.body, req.now)
	if err == nil && o.status != orderAwaitingPayment {
		err = failf(errStatusFlow, "the order has status %d; only an unpaid order (10) can be closed", o.status)
	}
	if err != nil {
		return nil, err
	}
	o.set(orderCancelled, req.now)
	return nil, nil
}

// orderGetPaymentParams answers /shop/order/getpaymentparams: 1010011 →
// a fund_type 1 order (§2.5 "cashier parameters for fund_type=1 orders")
// awaiting payment, else 1010027 (the page's 1010043 and 1010047 are not
// in the catalog, §5) → the cashier parameters of wx.requestPayment. The
// sandbox signs nothing: paySign is random, since no client can verify
// it anyway.
func orderGetPaymentParams(req *request) (map[string]any, error) {
	o, err := req.acct.order.find(req.body, req.now)
	switch {
	case err != nil:
		return nil, err
	case o.fields.fundType != 1:
		return nil, failf(errNotPendingPayment, "only a fund_type 1 order is paid at the cashier")
	case o.status != orderAwaitingPayment:
		return nil, failf(errNotPendingPayment, "the order has status %d, not 10", o.status)
	}
	nonce, _ := req.random.urlSafe(32)
	prepay, _ := req.random.hex(16)
	sign, _ := req.random.urlSafe(64)
	return map[string]any{"payment_params": map[string]any{
		"timeStamp": strconv.FormatInt(req.now.Unix(), 10),
		"nonceStr":  nonce,
		"package":   "prepay_id=wx" + prepay,
		"paySign":   sign,
		"signType":  "RSA",
	}}, nil
}

// channelsScenes are the Channels (视频号) scene values whose orders must
// go through the component's payment (refsandbox/README.md, orders).
var channelsScenes = []int64{1175, 1176, 1177, 1191, 1195}

// sceneCheck answers /shop/scene/check (DOC:order/check_scene); the spec
// has checked that scene is an integer.
func sceneCheck(req *request) (map[string]any, error) {
	matched := 0
	if slices.Contains(channelsScenes, intAt(req.body, "scene")) {
		matched = 1
	}
	return map[string]any{"is_matched": matched, "requiredFundType": matched}, nil
}
