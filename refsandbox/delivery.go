package refsandbox

import "github.com/shopconform/shopconform/apispec/validate"

// Delivery (api-reference §2.6 /shop/delivery/*). Part of the order
// domain: its fixed account state lives in orderProfile, its codes with
// the order's sentinels, and its records on the order they ship, since
// order/get shows them (order_detail.delivery_detail.delivery_list).
// The spec (apispec/data/delivery.json) checks the fields, among them
// delivery_list's length (1010018) and the carriers; the handlers apply
// the order's state.

// deliveryState is one account's delivery state; guarded by account.mu.
// Shipments live on their orders, so it holds nothing yet.
type deliveryState struct{}

func newDeliveryState(orderProfile) *deliveryState { return &deliveryState{} }

// carrier is one entry of /shop/delivery/get_company_list.
type carrier struct {
	ID   string `json:"delivery_id"`
	Name string `json:"delivery_name"`
}

// carriers is the sandbox's fixed company list. The spec's delivery_id
// enum is these ids and OTHERS (the page's value for an unlisted
// carrier); TestCarriersMatchTheSpec keeps the two together.
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

// deliveryCompanyList answers /shop/delivery/get_company_list (§2.6).
func deliveryCompanyList(*request) (map[string]any, error) {
	return map[string]any{"company_list": carriers()}, nil
}

// shipment is one delivery_list[] entry.
type shipment struct {
	DeliveryID string
	WaybillID  string
	items      []shippedItem
}

// shippedItem is one product_info_list[] entry.
type shippedItem struct {
	outProductID string
	outSKUID     *string // nil: not sent, any sku of the product matches
	productCnt   int64   // 1 when not sent (apispec/data/delivery.json)
}

// readShipments reads a validated delivery_list.
func readShipments(body map[string]any) []shipment {
	items, _ := body["delivery_list"].([]any)
	out := make([]shipment, 0, len(items))
	for _, it := range items {
		obj, _ := it.(map[string]any)
		s := shipment{DeliveryID: textAt(obj, "delivery_id"), WaybillID: textAt(obj, "waybill_id")}
		goods, _ := obj["product_info_list"].([]any)
		for _, g := range goods {
			po, _ := g.(map[string]any)
			item := shippedItem{outProductID: textAt(po, "out_product_id"), productCnt: max(intAt(po, "product_cnt"), 1)}
			if sku, ok := po["out_sku_id"].(string); ok {
				item.outSKUID = &sku
			}
			s.items = append(s.items, item)
		}
		out = append(out, s)
	}
	return out
}

// matches reports whether a line is what item names: the same
// out_product_id, and the same out_sku_id when one was sent (an explicit
// "" only matches a line without sku, as for after-sales, §3.3 1020004).
func (item shippedItem) matches(l orderLine) bool {
	return l.OutProductID == item.outProductID && (item.outSKUID == nil || *item.outSKUID == l.OutSKUID)
}

// allot spreads the units of list over the order's lines, each item to
// the first line it names that has room under limit(line): the units
// per line, or 1010019 for goods in no line (§3.3, D text) or beyond
// the limit.
func (o *order) allot(list []shipment, limit func(line int) int64, what string) ([]int64, error) {
	units := make([]int64, len(o.fields.lines))
	for i, s := range list {
		for j, item := range s.items {
			named, left := false, item.productCnt
			for k, l := range o.fields.lines {
				if !item.matches(l) {
					continue
				}
				named = true
				take := min(left, limit(k)-units[k])
				units[k] += take
				if left -= take; left == 0 {
					break
				}
			}
			switch {
			case !named:
				return nil, failf(errDeliveryProductNotInOrder, "delivery_list[%d].product_info_list[%d] names a product or sku that is in no line of the order", i, j)
			case left > 0:
				return nil, failf(errDeliveryProductNotInOrder, "delivery_list[%d].product_info_list[%d] names %d more units than %s", i, j, left, what)
			}
		}
	}
	return units, nil
}

// shippedUnits is the units of line k shipped so far.
func (o *order) shippedUnits(k int) int64 {
	if k < len(o.shipped) {
		return o.shipped[k]
	}
	return 0
}

// deliverySend answers /shop/delivery/send: 1010011 → the order awaits
// shipment, 20 or 21 (1000000) → an express order (delivery_type 1) sends
// delivery_list (990007, §2.6 "delivery_type = 1 required") → every item
// is a line of the order with units left to ship (1010019, D text; §2.6
// "incremental, no re-ship") → finish_all_delivery 0 moves to 21, 1 to
// 30 (§2.6).
func deliverySend(req *request) (map[string]any, error) {
	list := readShipments(req.body)
	o, err := req.acct.order.find(req.body, req.now)
	if err != nil {
		return nil, err
	}
	var units []int64
	switch {
	case !o.in(orderAwaitingShipment, orderPartlyShipped):
		err = failf(errStatusFlow, "the order has status %d; delivery/send needs 20 or 21", o.status)
	case o.fields.deliveryType == 1 && len(list) == 0:
		err = failf(errParameterMissing, "delivery_list is required for an express order (delivery_type 1)")
	default:
		units, err = o.allot(list, func(k int) int64 { return o.fields.lines[k].ProductCnt - o.shippedUnits(k) }, "the order has left to ship")
	}
	if err != nil {
		return nil, err
	}
	if o.shipped == nil {
		o.shipped = make([]int64, len(o.fields.lines))
	}
	for k, n := range units {
		o.shipped[k] += n
	}
	o.deliveries = append(o.deliveries, list...)
	o.finishAll = int(intAt(req.body, "finish_all_delivery"))
	o.set(orderPartlyShipped, req.now)
	if o.finishAll == 1 {
		o.set(orderAwaitingReceipt, req.now)
	}
	return nil, nil
}

// deliveryUpdate answers /shop/delivery/update (§2.11; its fields are
// modelled on delivery/send's, apispec/data/delivery.json): 1010011 →
// the order has a shipment to change, 21 or 30 with a waybill (1000000)
// → every item is a line of the order, within the units shipped (1010019)
// → delivery_list replaces the order's waybills; status and shipped
// units stay.
func deliveryUpdate(req *request) (map[string]any, error) {
	list := readShipments(req.body)
	o, err := req.acct.order.find(req.body, req.now)
	switch {
	case err != nil:
	case !o.in(orderPartlyShipped, orderAwaitingReceipt) || len(o.deliveries) == 0:
		err = failf(errStatusFlow, "the order has status %d and %d waybills; delivery/update needs a shipped order (21 or 30) with a waybill", o.status, len(o.deliveries))
	default:
		_, err = o.allot(list, o.shippedUnits, "were shipped")
	}
	if err != nil {
		return nil, err
	}
	o.deliveries = list
	o.updated = req.now
	return nil, nil
}

// deliveryRecieve answers /shop/delivery/recieve (sic, §6.2 item 15):
// 1010011 → the order awaits receipt, 30 (1000000) → 100 (completed).
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
