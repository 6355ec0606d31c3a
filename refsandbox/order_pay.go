package refsandbox

import (
	"slices"
	"strconv"
)

// The order handlers that read or move one order: get, pay, close,
// getpaymentparams; and scene/check, which reads no order.

// orderGet answers /shop/order/get: route openid format (990004/990002)
// → a user of this appid (1010014) → id pair (1010001) → exists and is
// the caller's (1010011).
func orderGet(req *request) (map[string]any, error) {
	var o *order
	err := firstErr(
		func() error { return checkAppUser(req) },
		func() (err error) { o, err = req.acct.order.find(req.body, req.now); return err },
	)
	if err != nil {
		return nil, err
	}
	return map[string]any{"order": o.view(req.acct.aftersale)}, nil
}

// payActions are order/pay's action_type values (§2.5): 1 paid, the
// rest failed or cancelled.
var payActions = []int64{1, 2, 3, 4, 5, 10}

// orderPay answers /shop/order/pay: 1010014 → 1010001 → 1010011 → the
// order awaits payment, 10 or 11 (1000000, D: the live answer for a
// repeated pay; §6.2 item 1) → action_type 1 on a pay_method_type 0 order
// without transaction_id (1010007, D text / I) → action_type one of 1, 2,
// 3, 4, 5, 10 (990007: no code of its own, so checked after every coded
// rule) → the write (1010006, magic) → action 1 moves to 20, the others
// to 250.
func orderPay(req *request) (map[string]any, error) {
	var o *order
	action, actionOK := asInt(req.body["action_type"])
	err := firstErr(
		func() error { return checkAppUser(req) },
		func() (err error) { o, err = req.acct.order.find(req.body, req.now); return err },
		func() error { return o.checkPayable(action, req.body) },
		func() error {
			if !actionOK || !slices.Contains(payActions, action) {
				return failf(errParameterMissing, "action_type must be one of 1, 2, 3, 4, 5, 10")
			}
			return nil
		},
		func() error {
			if remark, _ := req.body["action_remark"].(string); remark == magicOrderUpdateFailed {
				return failf(errOrderUpdateFailed, "magic value %s: the order is unchanged", magicOrderUpdateFailed)
			}
			return nil
		},
	)
	if err != nil {
		return nil, err
	}
	if action != 1 {
		o.set(orderCancelled, req.now)
		return nil, nil
	}
	o.fields.pay.TransactionID, _ = asString(req.body["transaction_id"])
	if o.fields.pay.PayTime, _ = asString(req.body["pay_time"]); o.fields.pay.PayTime == "" {
		o.fields.pay.PayTime = chinaTime(req.now) // pay_time is "C" with no code: the sandbox dates it itself
	}
	o.set(orderAwaitingShipment, req.now)
	return nil, nil
}

// checkPayable is order/pay's state check, then its payment check.
func (o *order) checkPayable(action int64, body map[string]any) error {
	if !o.in(orderAwaitingPayment, orderCashierPaid) {
		return failf(errStatusFlow, "the order has status %d; order/pay needs 10", o.status)
	}
	// A missing transaction_id, or one that is no non-empty string, is
	// "abnormal" (§3.3 1010007).
	if tx, _ := asString(body["transaction_id"]); action == 1 && o.fields.pay.PayMethodType == 0 && tx == "" {
		return failf(errTransactionIDInvalid, "action_type 1 on a WeChat Pay order (pay_method_type 0) needs transaction_id")
	}
	return nil
}

// orderClose answers /shop/order/close: route openid (990004/990002/
// 990001) → 1010001 → 1010011 → the order awaits payment (1000000, §3.3
// D "order/close on a paid order"; contract) → 250.
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

// orderGetPaymentParams answers /shop/order/getpaymentparams: 1010014 →
// 1010001 → 1010011 → the order awaits payment (1010027, I; contract) →
// the cashier parameters of wx.requestPayment. The sandbox signs
// nothing: paySign is random, since no client can verify it anyway.
func orderGetPaymentParams(req *request) (map[string]any, error) {
	var o *order
	err := firstErr(
		func() error { return checkAppUser(req) },
		func() (err error) { o, err = req.acct.order.find(req.body, req.now); return err },
		func() error {
			if o.status != orderAwaitingPayment {
				return failf(errNotPendingPayment, "the order has status %d, not 10", o.status)
			}
			return nil
		},
	)
	if err != nil {
		return nil, err
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
// go through the component's payment (contract "Scene check").
var channelsScenes = []int64{1175, 1176, 1177, 1191, 1195}

// sceneCheck answers /shop/scene/check: scene present (route, 990007)
// and an integer (990007) → is_matched and requiredFundType
// (DOC:order/check_scene).
func sceneCheck(req *request) (map[string]any, error) {
	scene, ok := asInt(req.body["scene"])
	if !ok {
		return nil, failf(errParameterMissing, "scene must be an integer")
	}
	matched := 0
	if slices.Contains(channelsScenes, scene) {
		matched = 1
	}
	return map[string]any{"is_matched": matched, "requiredFundType": matched}, nil
}
