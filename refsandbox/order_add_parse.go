package refsandbox

import (
	"fmt"
	"strings"
	"time"

	"github.com/shopconform/shopconform/apispec/validate"
)

// The body of /shop/order/add: the spec (apispec/data/order.json) checks
// every field in the order of the sandbox's checks (refsandbox/README.md,
// orders); this file holds its named rules and reads the body it let
// through into an order.

// addInput is an order/add body the spec let through.
type addInput struct {
	newFlow bool // the body has fund_type (§6.2 item 9)
	outID   string
	openid  string
	fields  orderFields
}

// readAdd reads a validated body: every value has its documented type,
// so a reader only supplies what an absent optional field means.
func readAdd(body map[string]any, now time.Time) addInput {
	detail := objectAt(body, "order_detail")
	pay := objectAt(detail, "pay_info")
	price := objectAt(detail, "price_info")
	in := addInput{newFlow: !validate.Absent(body["fund_type"]), openid: bodyOpenID(body), outID: textAt(body, "out_order_id")}
	f := &in.fields
	*f = orderFields{
		fundType:          intAt(body, "fund_type"), // the old flow's orders are ordinary ones (0)
		scene:             intAt(body, "scene"),
		path:              textAt(body, "path"),
		outUserID:         textAt(body, "out_user_id"),
		createTime:        textAt(body, "create_time"),
		createdAt:         now,
		expireTime:        intAt(body, "expire_time"),
		aftersaleDuration: intAt(body, "aftersale_duration"),
		deliveryType:      intAt(objectAt(body, "delivery_detail"), "delivery_type"),
		lines:             readLines(detail),
		pay: payInfo{
			PayMethodType: intAt(pay, "pay_method_type"), PayMethod: textAt(pay, "pay_method"),
			PrepayID: textAt(pay, "prepay_id"), PrepayTime: textAt(pay, "prepay_time"),
		},
		price: priceInfo{
			OrderPrice: intAt(price, "order_price"), Freight: intAt(price, "freight"),
			DiscountedPrice: intAt(price, "discounted_price"), AdditionalPrice: intAt(price, "additional_price"),
			AdditionalRemarks: textAt(price, "additional_remarks"),
		},
		address:        readAddressInfo(objectAt(body, "address_info")),
		defaultAddress: readAddressInfo(objectAt(body, "default_receiving_address")),
	}
	if t, err := time.ParseInLocation(time.DateTime, f.createTime, shanghai); err == nil {
		f.createdAt = t // get_list dates an order by the create_time it was added with
	}
	return in
}

// readLines reads product_infos; out_sku_id absent is "" (§2.5 "may be
// \"\"").
func readLines(detail map[string]any) []orderLine {
	items, _ := detail["product_infos"].([]any)
	lines := make([]orderLine, len(items))
	for i, it := range items {
		obj, _ := it.(map[string]any)
		lines[i] = orderLine{
			OutProductID: textAt(obj, "out_product_id"), OutSKUID: textAt(obj, "out_sku_id"),
			ProductCnt: intAt(obj, "product_cnt"), SalePrice: intAt(obj, "sale_price"),
			RealPrice: intAt(obj, "real_price"), SKURealPrice: intAt(obj, "sku_real_price"),
			Title: textAt(obj, "title"), Path: textAt(obj, "path"), HeadImg: textAt(obj, "head_img"),
		}
	}
	return lines
}

func readAddressInfo(obj map[string]any) addressInfo {
	return addressInfo{
		ReceiverName: textAt(obj, "receiver_name"), DetailedAddress: textAt(obj, "detailed_address"),
		TelNumber: textAt(obj, "tel_number"), Country: textAt(obj, "country"), Province: textAt(obj, "province"),
		City: textAt(obj, "city"), Town: textAt(obj, "town"),
	}
}

// looseString is a string, or the first of an array of strings; anything
// else is absent (after-sale v1 reads ids this way).
func looseString(v any) string {
	if list, ok := asStrings(v); ok && len(list) > 0 {
		return list[0]
	}
	s, _ := asString(v)
	return s
}

// objectAt, textAt and intAt read a value the spec has typed; an absent
// or unusable one reads as the zero value.
func objectAt(obj map[string]any, key string) map[string]any {
	m, _ := obj[key].(map[string]any)
	return m
}

func textAt(obj map[string]any, key string) string {
	s, _ := obj[key].(string)
	return s
}

func intAt(obj map[string]any, key string) int64 {
	n, _ := asInt(obj[key])
	return n
}

// checkLinePaths is the rule line_paths (§3.3 1010024): every line's
// path, for all lines, before product_infos' own rules (1010003). obj is
// order_detail, not yet validated.
func checkLinePaths(obj map[string]any, _ validate.Env) (string, bool) {
	items, _ := obj["product_infos"].([]any)
	for i, it := range items {
		line, ok := it.(map[string]any)
		if !ok {
			continue // not a line: product_infos' own rule (1010003)
		}
		if s, _ := line["path"].(string); strings.TrimSpace(s) == "" {
			return fmt.Sprintf("product_infos[%d].path is missing", i), false
		}
	}
	return "", true
}

// checkAmounts is the rule amounts (§2.5; §3.3 1010005): the new flow's
// two formulas over order_detail, read with Σ(sale_price × product_cnt)
// (apispec/data/order.json):
//
//	order_price = Σ(sale_price × product_cnt) + freight − discounted_price + additional_price
//	order_price = Σsku_real_price + freight + additional_price
func checkAmounts(obj map[string]any, _ validate.Env) (string, bool) {
	p := objectAt(obj, "price_info")
	price, freight := intAt(p, "order_price"), intAt(p, "freight")
	discounted, additional := intAt(p, "discounted_price"), intAt(p, "additional_price")
	var gross, paid int64
	items, _ := obj["product_infos"].([]any)
	for _, it := range items {
		line, _ := it.(map[string]any)
		gross += intAt(line, "sale_price") * intAt(line, "product_cnt")
		paid += intAt(line, "sku_real_price")
	}
	if want := gross + freight - discounted + additional; price != want {
		return fmt.Sprintf("order_price %d ≠ Σ(sale_price×product_cnt) + freight − discounted_price + additional_price = %d", price, want), false
	}
	if want := paid + freight + additional; price != want {
		return fmt.Sprintf("order_price %d ≠ Σsku_real_price + freight + additional_price = %d", price, want), false
	}
	return "", true
}

// checkPresale is the rule presale (§3.3 1010025, D text / I fields): the
// pre-sale amounts no doc names, order_detail.presale_info
// {deposit_price, balance_price}; present but lacking either is refused.
// obj is the body.
func checkPresale(obj map[string]any, _ validate.Env) (string, bool) {
	info, ok := objectAt(obj, "order_detail")["presale_info"].(map[string]any)
	if !ok {
		return "order_detail.presale_info must be an object", false
	}
	for _, key := range []string{"deposit_price", "balance_price"} {
		if n, ok := asInt(info[key]); !ok || n < 0 {
			return "order_detail.presale_info." + key + " must be an integer ≥ 0", false
		}
	}
	return "", true
}

// checkOutOrderID is the rule out_order_id: the id is supplied (990007 in
// the new flow, 1030001 in the old, each rule saying its code).
func checkOutOrderID(obj map[string]any, _ validate.Env) (string, bool) {
	if validate.Absent(obj["out_order_id"]) {
		return "out_order_id is missing", false
	}
	return "", true
}

// checkTransactionID is order/pay's rule transaction_id (§3.3 1010007):
// digits only; the field's own rule bounds the length at 32
// (apispec/data/order.json says why).
func checkTransactionID(obj map[string]any, _ validate.Env) (string, bool) {
	tx, _ := obj["transaction_id"].(string)
	if strings.Trim(tx, "0123456789") != "" {
		return fmt.Sprintf("transaction_id %q is not a WeChat Pay transaction id (digits)", tx), false
	}
	return "", true
}
