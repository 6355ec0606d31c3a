package refsandbox

import (
	"fmt"
	"slices"

	"github.com/shopconform/shopconform/apispec/validate"
)

// Delivery (api-reference §2.6 /shop/delivery/*). Part of the order
// domain: its fixed account state lives in orderProfile, its codes in
// orderCodes, and its records on the order they ship, since order/get
// shows them (order_detail.delivery_detail.delivery_list).

// maxDeliveryList is the contract's choice for 1010018: the vendor's
// limit is undocumented (§3.3 "D text / I limit").
const maxDeliveryList = 10

// deliveryState is one account's delivery state; guarded by account.mu.
// Shipments live on their orders, so it holds nothing yet.
type deliveryState struct{}

func newDeliveryState(orderProfile) *deliveryState { return &deliveryState{} }

// carrier is one entry of /shop/delivery/get_company_list.
type carrier struct {
	ID   string `json:"delivery_id"`
	Name string `json:"delivery_name"`
}

// carriers is the sandbox's fixed company list; delivery/send accepts
// exactly these delivery_id values (§2.6 "from company list").
func carriers() []carrier {
	return []carrier{
		{"SF", "顺丰速运"},
		{"ZTO", "中通快递"},
		{"YTO", "圆通速递"},
		{"YD", "韵达快递"},
		{"STO", "申通快递"},
		{"EMS", "EMS"},
		{"JD", "京东快递"},
	}
}

func knownCarrier(id string) bool {
	return slices.ContainsFunc(carriers(), func(c carrier) bool { return c.ID == id })
}

// deliveryCompanyList answers /shop/delivery/get_company_list (§2.6).
func deliveryCompanyList(*request) (map[string]any, error) {
	return map[string]any{"company_list": carriers()}, nil
}

// shipment is one delivery_list[] entry of delivery/send.
type shipment struct {
	DeliveryID string
	WaybillID  string
	items      []shippedItem
}

// shippedItem is one product_info_list[] entry.
type shippedItem struct {
	outProductID string
	outSKUID     *string // nil: not sent, any sku of the product matches
	productCnt   int64
}

// sendInput is a delivery/send body as far as it could be read; fields
// holds the first problem of a field without a code of its own (990007),
// which deliverySend reports only after every coded rule.
type sendInput struct {
	finishAll int
	list      []shipment
	fields    error
}

// parseSend reads finish_all_delivery 0 or 1 (§2.6 R), delivery_list an
// array whose entries name a carrier of the company list and a
// waybill_id, their product_info_list items an out_product_id; any
// problem is kept in fields (990007). delivery_list itself may be left
// out: a send that only finishes the delivery ships nothing new.
// ship_done_time ("C" with no code) is not checked.
func parseSend(body map[string]any) sendInput {
	var in sendInput
	fin, ok := asInt(body["finish_all_delivery"])
	if !ok || fin < 0 || fin > 1 {
		in.fields = failf(errParameterMissing, "finish_all_delivery must be 0 or 1")
	}
	in.finishAll = int(fin)
	items, isList := body["delivery_list"].([]any)
	if body["delivery_list"] != nil && !isList && in.fields == nil {
		in.fields = failf(errParameterMissing, "delivery_list must be an array")
	}
	for i, it := range items {
		s, err := readShipment(it, i)
		if in.fields == nil {
			in.fields = err
		}
		in.list = append(in.list, s)
	}
	return in
}

// readShipment reads one entry; items without an out_product_id are
// dropped from the matching (their 990007 comes later).
func readShipment(v any, i int) (shipment, error) {
	obj, _ := asObject(v)
	r := &fieldReader{obj: obj, prefix: fmt.Sprintf("delivery_list[%d].", i), kind: errParameterMissing}
	s := shipment{DeliveryID: r.str("delivery_id"), WaybillID: r.str("waybill_id")}
	if r.err == nil && !knownCarrier(s.DeliveryID) {
		r.fail("delivery_id", "is not in /shop/delivery/get_company_list")
	}
	items, isList := obj["product_info_list"].([]any)
	if obj["product_info_list"] != nil && !isList {
		r.fail("product_info_list", "must be an array")
	}
	for j, it := range items {
		po, _ := asObject(it)
		pr := &fieldReader{obj: po, prefix: fmt.Sprintf("%sproduct_info_list[%d].", r.prefix, j), kind: errParameterMissing}
		item := shippedItem{outProductID: pr.str("out_product_id"), productCnt: optAmount(pr, "product_cnt")}
		if sku, ok := po["out_sku_id"].(string); ok {
			item.outSKUID = &sku
		}
		if r.err == nil {
			r.err = pr.err
		}
		if item.outProductID != "" {
			s.items = append(s.items, item)
		}
	}
	return s, r.err
}

// matches reports whether a line is what item names: the same
// out_product_id, and the same out_sku_id when one was sent (an explicit
// "" only matches a line without sku, as for after-sales, §3.3 1020004).
func (item shippedItem) matches(l orderLine) bool {
	return l.OutProductID == item.outProductID && (item.outSKUID == nil || *item.outSKUID == l.OutSKUID)
}

// deliverySend answers /shop/delivery/send: route openid (990004/
// 990002/990001) → 1010001 → at most 10 delivery_list entries (1010018,
// contract limit) → 1010011 → the order awaits shipment, 20 or 21
// (1000000, contract) → every shipped item is a line of the order
// (1010019, D text) → the fields without a code (990007) →
// finish_all_delivery 0 moves to 21, 1 to 30 (§2.6).
func deliverySend(req *request) (map[string]any, error) {
	var ref idPair
	var o *order
	in := parseSend(req.body)
	err := firstErr(
		func() (err error) { ref, err = readOrderRef(req.body); return err },
		func() error {
			if n := len(asList(req.body["delivery_list"])); n > maxDeliveryList {
				return failf(errDeliveryListTooLong, "%d delivery_list entries; at most %d", n, maxDeliveryList)
			}
			return nil
		},
		func() (err error) { o, err = req.acct.order.resolve(ref, bodyOpenID(req.body), req.now); return err },
		func() error { return o.checkShippable(in) },
		func() error { return in.fields },
	)
	if err != nil {
		return nil, err
	}
	o.deliveries = append(o.deliveries, in.list...)
	o.finishAll = in.finishAll
	o.set(orderPartlyShipped, req.now)
	if in.finishAll == 1 {
		o.set(orderAwaitingReceipt, req.now)
	}
	return nil, nil
}

// asList is v as an array, or nil.
func asList(v any) []any {
	l, _ := v.([]any)
	return l
}

func (o *order) checkShippable(in sendInput) error {
	if !o.in(orderAwaitingShipment, orderPartlyShipped) {
		return failf(errStatusFlow, "the order has status %d; delivery/send needs 20 or 21", o.status)
	}
	for i, s := range in.list {
		for j, item := range s.items {
			if !slices.ContainsFunc(o.fields.lines, item.matches) {
				return failf(errDeliveryProductNotInOrder, "delivery_list[%d].product_info_list[%d] names a product or sku that is in no line of the order", i, j)
			}
		}
	}
	return nil
}

// deliveryRecieve answers /shop/delivery/recieve (sic, §6.2 item 15):
// route openid → 1010001 → 1010011 → the order awaits receipt, 30
// (1000000, contract) → 100 (completed).
func deliveryRecieve(req *request) (map[string]any, error) {
	o, err := req.acct.order.find(req.body, req.now)
	if err == nil && o.status != orderAwaitingReceipt {
		err = failf(errStatusFlow, "the order has status %d; delivery/recieve needs 30", o.status)
	}
	if err != nil {
		return nil, err
	}
	o.receiveTime = req.now
	o.set(orderCompleted, req.now)
	return nil, nil
}

// deliveryChecks are this domain's named rules of the spec.
var deliveryChecks = map[string]validate.Check{}
