package refsandbox

import (
	"fmt"
	"strconv"
	"time"
)

// The field validation of /shop/order/add, common to both generations.
// Each reader is one step of the contract's order ("Common checks"):
// create_time 1010020 → path 1010021 → delivery_detail 1010023 → a line's
// path 1010024 → product_infos 1010003 → pay_method_type 1010026 →
// pay_info 1010004 → price_info 1010005 → address_info 1010009 → pre-sale
// 1010025. The fields without a code of their own (990007) are read by
// readRest, which orderAdd calls after every coded check.

// addInput is a validated order/add body.
type addInput struct {
	newFlow bool // the body has fund_type (contract: "A body WITH fund_type is the new flow")
	outID   string
	openid  string
	fields  orderFields
	hasFund bool // fund_type is an integer (its value is checked last)
}

// parseAdd runs the common checks in the contract's order.
func parseAdd(body map[string]any, now time.Time) (addInput, error) {
	in := addInput{newFlow: body["fund_type"] != nil, openid: bodyOpenID(body)}
	in.outID, _ = asString(body["out_order_id"])
	if in.fields.fundType, in.hasFund = asInt(body["fund_type"]); !in.hasFund {
		in.fields.fundType = -1 // no fund_type rule may match it
	}
	detail, _ := asObject(body["order_detail"])
	f := &in.fields
	err := firstErr(
		func() error { return f.readHead(body, now) },
		func() error { return f.readDeliveryType(body) },
		func() error { return f.readLines(detail) },
		func() error { return f.readPay(detail, in.newFlow) },
		func() error { return f.readPrice(detail, in.newFlow) },
		func() error { return f.readAddress(body) },
		func() error { return readPresale(detail) },
	)
	return in, err
}

// readHead: create_time (§3.3 1010020, D text) and path (1010021, D
// text). create_time is kept as sent; a parseable one also dates the
// order for get_list.
func (f *orderFields) readHead(body map[string]any, now time.Time) error {
	var ok bool
	if f.createTime, ok = asString(body["create_time"]); !ok {
		return failf(errCreateTimeMissing, "create_time is missing or not a string")
	}
	f.createdAt = now
	if t, err := time.ParseInLocation(time.DateTime, f.createTime, shanghai); err == nil {
		f.createdAt = t
	}
	if f.path, ok = asString(body["path"]); !ok {
		return failf(errOrderPathMissing, "path is missing or not a string")
	}
	return nil
}

// readDeliveryType: delivery_detail and its delivery_type, one of 1–4
// (§2.5; §3.3 1010023, D text).
func (f *orderFields) readDeliveryType(body map[string]any) error {
	dd, ok := asObject(body["delivery_detail"])
	if !ok {
		return failf(errDeliveryDetailIncomplete, "delivery_detail is missing or not an object")
	}
	t, ok := asInt(dd["delivery_type"])
	if !ok || t < 1 || t > 4 {
		return failf(errDeliveryDetailIncomplete, "delivery_detail.delivery_type must be 1, 2, 3 or 4")
	}
	f.deliveryType = t
	return nil
}

// readLines: every line's path first (§3.3 1010024, D text: the contract
// puts it before the list's own checks), then product_infos itself
// (1010003, D text: missing, empty, product_cnt < 1, no out_product_id or
// sale_price, or wrong types).
func (f *orderFields) readLines(detail map[string]any) error {
	items, isList := detail["product_infos"].([]any)
	for i, it := range items {
		if obj, ok := asObject(it); ok {
			if _, ok := asString(obj["path"]); !ok {
				return failf(errLinePathMissing, "product_infos[%d].path is missing", i)
			}
		}
	}
	if !isList || len(items) == 0 {
		return failf(errProductInfosInvalid, "order_detail.product_infos must be a non-empty array")
	}
	f.lines = make([]orderLine, len(items))
	for i, it := range items {
		line, err := readLine(it, i)
		if err != nil {
			return err
		}
		f.lines[i] = line
	}
	return nil
}

func readLine(v any, i int) (orderLine, error) {
	obj, ok := asObject(v)
	if !ok {
		return orderLine{}, failf(errProductInfosInvalid, "product_infos[%d] is not an object", i)
	}
	r := &fieldReader{obj: obj, prefix: fmt.Sprintf("product_infos[%d].", i), kind: errProductInfosInvalid}
	line := orderLine{
		OutProductID: r.str("out_product_id"),
		OutSKUID:     r.optStr("out_sku_id"), // R, but "may be """ (§2.5): absent reads as ""
		ProductCnt:   r.integer("product_cnt"),
		SalePrice:    r.count("sale_price"),
		RealPrice:    optAmount(r, "real_price"),
		SKURealPrice: optAmount(r, "sku_real_price"),
		Path:         r.str("path"),
		Title:        looseString(obj["title"]),
		HeadImg:      looseString(obj["head_img"]),
	}
	if r.err == nil && line.ProductCnt < 1 {
		r.fail("product_cnt", "must be ≥ 1")
	}
	return line, r.err
}

// optAmount is an optional amount in fen; absent counts as 0 (contract
// "Amount rules").
func optAmount(r *fieldReader, key string) int64 {
	if n := r.optCount(key); n != nil {
		return *n
	}
	return 0
}

// looseString reads title and head_img, which only matter for products
// that were never uploaded (1010015): a string, or the first of an array
// of strings (spu/add's head_img shape); anything else is absent.
func looseString(v any) string {
	if list, ok := asStrings(v); ok && len(list) > 0 {
		return list[0]
	}
	s, _ := asString(v)
	return s
}

// readPay: a pay_method_type other than 0, 1, 2 (§3.3 1010026, D text)
// comes before the pay_info checks (1010004, D): pay_info missing, its
// pay_method_type missing, or a new-flow fund_type 0 / pay_method_type 0
// order without prepay_id or prepay_time (COMM 0008c4…, 000a66…).
func (f *orderFields) readPay(detail map[string]any, newFlow bool) error {
	pay, isObj := asObject(detail["pay_info"])
	if v := pay["pay_method_type"]; v != nil {
		if t, ok := asInt(v); !ok || t < 0 || t > 2 {
			return failf(errPayMethodTypeInvalid, "pay_info.pay_method_type must be 0, 1 or 2")
		}
	}
	if !isObj {
		return failf(errPayInfoInvalid, "order_detail.pay_info is missing or not an object")
	}
	r := &fieldReader{obj: pay, prefix: "pay_info.", kind: errPayInfoInvalid}
	f.pay = payInfo{
		PayMethodType: r.integer("pay_method_type"),
		PayMethod:     r.optStr("pay_method"),
		PrepayID:      r.optStr("prepay_id"),
		PrepayTime:    r.optStr("prepay_time"),
	}
	if r.err == nil && newFlow && f.fundType == 0 && f.pay.PayMethodType == 0 && (f.pay.PrepayID == "" || f.pay.PrepayTime == "") {
		r.fail("prepay_id", "and prepay_time are required for fund_type 0 with pay_method_type 0")
	}
	return r.err
}

// readPrice: price_info with order_price and freight (§2.5 R); in the new
// flow both amount formulas must hold (§3.3 1010005, D).
func (f *orderFields) readPrice(detail map[string]any, newFlow bool) error {
	obj, ok := asObject(detail["price_info"])
	if !ok {
		return failf(errPriceInfoInvalid, "order_detail.price_info is missing or not an object")
	}
	r := &fieldReader{obj: obj, prefix: "price_info.", kind: errPriceInfoInvalid}
	f.price = priceInfo{
		OrderPrice:        r.count("order_price"),
		Freight:           r.count("freight"),
		DiscountedPrice:   optAmount(r, "discounted_price"),
		AdditionalPrice:   optAmount(r, "additional_price"),
		AdditionalRemarks: r.optStr("additional_remarks"),
	}
	if r.err != nil || !newFlow {
		return r.err
	}
	return checkAmounts(f.lines, f.price)
}

// checkAmounts is the new flow's two formulas (DOC add_order_new; §2.5;
// contract "Amount rules", which reads the first as Σ(sale_price ×
// product_cnt)):
//
//	order_price = Σ(sale_price × product_cnt) + freight − discounted_price + additional_price
//	order_price = Σsku_real_price + freight + additional_price
func checkAmounts(lines []orderLine, p priceInfo) error {
	var gross, paid int64
	for _, l := range lines {
		gross += l.SalePrice * l.ProductCnt
		paid += l.SKURealPrice
	}
	if want := gross + p.Freight - p.DiscountedPrice + p.AdditionalPrice; p.OrderPrice != want {
		return failf(errPriceInfoInvalid, "order_price %d ≠ Σ(sale_price×product_cnt) + freight − discounted_price + additional_price = %d", p.OrderPrice, want)
	}
	if want := paid + p.Freight + p.AdditionalPrice; p.OrderPrice != want {
		return failf(errPriceInfoInvalid, "order_price %d ≠ Σsku_real_price + freight + additional_price = %d", p.OrderPrice, want)
	}
	return nil
}

// readAddress: delivery_type 1 (express) needs address_info with
// receiver_name, detailed_address and tel_number (§3.3 1010009, D text /
// I). address_info is a top-level field of the body (§2.5; SKIT
// ShopOrderAddRequest), not part of delivery_detail.
func (f *orderFields) readAddress(body map[string]any) error {
	f.defaultAddress, _ = readAddressInfo(body["default_receiving_address"])
	addr, complete := readAddressInfo(body["address_info"])
	f.address = addr
	if f.deliveryType == 1 && !complete {
		return failf(errAddressInvalid, "delivery_type 1 needs address_info with receiver_name, detailed_address and tel_number")
	}
	return nil
}

// readAddressInfo reads an address object; complete reports the three
// fields every address needs.
func readAddressInfo(v any) (a addressInfo, complete bool) {
	obj, _ := asObject(v)
	str := func(k string) string { s, _ := asString(obj[k]); return s }
	a = addressInfo{
		ReceiverName: str("receiver_name"), DetailedAddress: str("detailed_address"), TelNumber: str("tel_number"),
		Country: str("country"), Province: str("province"), City: str("city"), Town: str("town"),
	}
	return a, a.ReceiverName != "" && a.DetailedAddress != "" && a.TelNumber != ""
}

// readPresale is §3.3 1010025 (D text / I). No SDK or doc names the
// fields; the contract invents order_detail.presale_info {deposit_price,
// balance_price}: present but lacking either amount is 1010025.
func readPresale(detail map[string]any) error {
	v := detail["presale_info"]
	if v == nil {
		return nil
	}
	obj, _ := asObject(v)
	r := &fieldReader{obj: obj, prefix: "presale_info.", kind: errPresaleIncomplete}
	r.count("deposit_price")
	r.count("balance_price")
	return r.err
}

// readRest reads the fields that have no code of their own; an unusable
// value is 990007 (§3.1), checked after every coded rule so that it never
// hides a documented code: the old flow's scene
// (§2.5 "old flow R"), fund_type 0 or 1, expire_time (unix seconds, a
// number or its decimal text, not range-checked: contract), and the
// optional scene, out_user_id and aftersale_duration.
func (in *addInput) readRest(body map[string]any) error {
	f := &in.fields
	scene, hasScene := asInt(body["scene"])
	switch {
	case !in.newFlow && !hasScene:
		return failf(errParameterMissing, "scene is required by the old (ticket) flow")
	case in.newFlow && (!in.hasFund || f.fundType < 0 || f.fundType > 1):
		return failf(errParameterMissing, "fund_type must be 0 or 1")
	case body["scene"] != nil && !hasScene:
		return failf(errParameterMissing, "scene must be an integer")
	}
	f.scene = scene
	f.fundType = max(f.fundType, 0) // the old flow's orders are ordinary ones
	r := &fieldReader{obj: body, kind: errParameterMissing}
	f.outUserID = r.optStr("out_user_id")
	f.aftersaleDuration = optAmount(r, "aftersale_duration")
	if r.err != nil {
		return r.err
	}
	return f.readExpire(body["expire_time"])
}

func (f *orderFields) readExpire(v any) error {
	if v == nil {
		return nil
	}
	var err error
	switch x := v.(type) {
	case string:
		f.expireTime, err = strconv.ParseInt(x, 10, 64)
	default:
		var ok bool
		if f.expireTime, ok = asInt(v); !ok {
			err = fmt.Errorf("not an integer")
		}
	}
	if err != nil {
		return failf(errParameterMissing, "expire_time must be unix seconds")
	}
	return nil
}
