package refsandbox

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/shopconform/shopconform/catalog"
)

// TestOrderCodes provokes every order-table code (§3.3) by a request, or
// by the state earlier requests build, each on the profile that allows it
// (refsandbox/README.md).
func TestOrderCodes(t *testing.T) {
	forEachTarget(t, func(t *testing.T, tg *target) {
		me := accountOf(t, tg, "default").OpenID
		you := accountOf(t, tg, "default").OpenIDs[1]
		stranger := accountOf(t, tg, "not-opened").OpenID
		ra := accountOf(t, tg, "reviews-approve").OpenID
		for _, tc := range []struct {
			name, profile string
			steps         []step
		}{
			{"1000000 pay twice (§3.3 trigger)", "default", steps(paidOrder(me, "s1"), []step{{orderPayPath, payBody(me, "s1"), catalog.OrderStatusFlowError}})},
			{"1000000 close a paid order", "default", steps(paidOrder(me, "s2"), []step{{orderClosePth, ids(me, "s2"), catalog.OrderStatusFlowError}})},
			{"1000000 send an unpaid order", "default", []step{{orderAddPath, newOrder(me, "s3"), 0}, {sendPath, sendBody(me, "s3", 0), catalog.OrderStatusFlowError}}},
			{"1000000 recieve before shipping", "default", steps(paidOrder(me, "s4"), []step{{recievePath, ids(me, "s4"), catalog.OrderStatusFlowError}})},
			{"1000000 after-sale on an unpaid order", "default", []step{{orderAddPath, newOrder(me, "s5"), 0}, {asAddPath, asBody(me, "s5", "as5", 1), catalog.OrderStatusFlowError}}},
			{"1000000 deadline before receipt", "default", steps(paidOrder(me, "s6"), []step{{deadlinePath, ids(me, "s6", `"after_sale_deadline":`+unix(t0.Add(30*24*time.Hour))), catalog.OrderStatusFlowError}})},
			{"1000000 refund a cancelled after-sale", "default", steps(paidOrder(me, "s7"), []step{{asAddPath, asBody(me, "s7", "as7", 1), 0},
				{asCancelPath, `{"openid":"` + me + `","out_aftersale_id":"as7"}`, 0}, {asRefundPath, `{"out_aftersale_id":"as7"}`, catalog.OrderStatusFlowError}})},
			{"1010001 on every order endpoint", "default", []step{
				{orderGetPath, ids(me, ""), catalog.OrderIDMissing}, {orderPayPath, `{"openid":"` + me + `","order_id":0,"action_type":1}`, catalog.OrderIDMissing},
				{orderClosePth, `{"openid":"` + me + `"}`, catalog.OrderIDMissing}, {payParamsPath, `{"openid":"` + me + `","order_id":null}`, catalog.OrderIDMissing},
				{sendPath, `{"openid":"` + me + `","finish_all_delivery":1}`, catalog.OrderIDMissing}, {recievePath, `{"openid":"` + me + `"}`, catalog.OrderIDMissing},
				{asAddPath, `{"openid":"` + me + `"}`, catalog.OrderIDMissing}, {v1GetPath, `{"openid":"` + me + `"}`, catalog.OrderIDMissing},
				{deadlinePath, `{"openid":"` + me + `"}`, catalog.OrderIDMissing}}},
			{"1010001 v1 update of a known after-sale", "default", steps(paidOrder(me, "s1b"), []step{{asAddPath, asBody(me, "s1b", "as1b", 1), 0},
				{v1UpdatePath, `{"openid":"` + me + `","out_aftersale_id":"as1b","status":2,"finish_all_aftersale":0}`, catalog.OrderIDMissing}})},
			{"1010002 old flow, product never uploaded", "reviews-approve", []step{{orderAddPath, oldOrder(ra, "s8", "nope"), catalog.OrderProductNotFound}}},
			{"1010003 product_infos empty", "default", []step{{orderAddPath, newOrder(me, "s9", setAt("order_detail.product_infos", []any{})), catalog.OrderProductInfosInvalid}}},
			{"1010003 product_cnt 0", "default", []step{{orderAddPath, newOrder(me, "s9", setAt("order_detail.product_infos.0.product_cnt", 0)), catalog.OrderProductInfosInvalid}}},
			{"1010003 product_infos missing", "default", []step{{orderAddPath, newOrder(me, "s9", delAt("order_detail.product_infos")), catalog.OrderProductInfosInvalid}}},
			{"1010004 no prepay_id (§3.3 trigger)", "default", []step{{orderAddPath, newOrder(me, "s10", delAt("order_detail.pay_info.prepay_id")), catalog.OrderPayInfoInvalid}}},
			{"1010004 pay_info missing", "default", []step{{orderAddPath, newOrder(me, "s10", delAt("order_detail.pay_info")), catalog.OrderPayInfoInvalid}}},
			{"1010005 formula broken", "default", []step{{orderAddPath, newOrder(me, "s11", setAt("order_detail.price_info.order_price", 99)), catalog.OrderPriceInfoInvalid}}},
			{"1010005 price_info missing", "default", []step{{orderAddPath, newOrder(me, "s11", delAt("order_detail.price_info")), catalog.OrderPriceInfoInvalid}}},
			{"1010006 pay's write fails (magic)", "default", []step{{orderAddPath, newOrder(me, "s12"), 0},
				{orderPayPath, ids(me, "s12", `"action_type":1`, `"transaction_id":"42"`, `"pay_time":"2024-05-01 10:05:00"`, `"action_remark":"SHOPCONFORM_MAGIC_ORDER_UPDATE_FAILED"`), catalog.OrderUpdateFailed},
				{orderPayPath, payBody(me, "s12"), 0}}},
			{"1010007 paid without transaction_id", "default", []step{{orderAddPath, newOrder(me, "s13"), 0},
				{orderPayPath, ids(me, "s13", `"action_type":1`, `"pay_time":"2024-05-01 10:05:00"`), catalog.OrderTransactionIDInvalid},
				{orderPayPath, ids(me, "s13", `"action_type":1`, `"transaction_id":12`), catalog.OrderTransactionIDInvalid},
				{orderPayPath, ids(me, "s13", `"action_type":1`, `"transaction_id":"x"`, `"pay_time":"2024-05-01 10:05:00"`), catalog.OrderTransactionIDInvalid},
				{orderPayPath, ids(me, "s13", `"action_type":1`, `"transaction_id":"`+strings.Repeat("4", 33)+`"`, `"pay_time":"2024-05-01 10:05:00"`), catalog.OrderTransactionIDInvalid},
				{orderPayPath, ids(me, "s13", `"action_type":1`, `"transaction_id":"131456479687"`, `"pay_time":"2024-05-01 10:05:00"`), 0}}},
			{"1010008 old flow, product not listed", "default", []step{{add, spuBody("p8"), 0}, {orderAddPath, oldOrder(me, "s14", "p8"), catalog.OrderProductNotListed}}},
			{"1010009 address incomplete", "default", []step{{orderAddPath, newOrder(me, "s15", delAt("address_info.tel_number")), catalog.OrderAddressInvalid},
				{orderAddPath, newOrder(me, "s15", delAt("address_info")), catalog.OrderAddressInvalid},
				{orderAddPath, newOrder(me, "s15", delAt("address_info"), setAt("delivery_detail.delivery_type", 2)), 0}}},
			{"1010011 unknown and another buyer's", "default", []step{{orderAddPath, newOrder(me, "s16"), 0},
				{orderGetPath, ids(me, "nope"), catalog.OrderNotFound}, {orderGetPath, ids(you, "s16"), catalog.OrderNotFound},
				{orderGetPath, `{"openid":"` + me + `","order_id":"12x"}`, catalog.OrderNotFound}, {orderClosePth, ids(you, "s16"), catalog.OrderNotFound},
				{orderPayPath, payBody(you, "s16"), catalog.OrderNotFound}, {sendPath, sendBody(me, "nope", 1), catalog.OrderNotFound},
				{recievePath, ids(me, "nope"), catalog.OrderNotFound}, {payParamsPath, ids(me, "nope"), catalog.OrderNotFound},
				{asAddPath, asBody(you, "s16", "as16", 1), catalog.OrderNotFound}, {v1GetPath, ids(you, "s16"), catalog.OrderNotFound},
				{deadlinePath, ids(me, "nope", `"after_sale_deadline":`+unix(t0.Add(30*24*time.Hour))), catalog.OrderNotFound}}},
			{"1010012 new flow re-created", "default", []step{{orderAddPath, newOrder(me, "s17"), 0}, {orderAddPath, newOrder(me, "s17", setAt("path", "other")), catalog.OrderAlreadyExists}}},
			{"1010014 openid of another appid", "default", []step{{orderAddPath, newOrder(me, "s18"), 0},
				{orderGetPath, ids(stranger, "s18"), catalog.OrderOpenIDAppIDMismatch}, {orderPayPath, payBody(stranger, "s18"), catalog.OrderOpenIDAppIDMismatch},
				{payParamsPath, ids(stranger, "s18"), catalog.OrderOpenIDAppIDMismatch}, {orderClosePth, ids(stranger, "s18"), catalog.OpenIDIllegal}}},
			{"1010015 unknown product without title", "default", []step{{orderAddPath, newOrder(me, "s19", delAt("order_detail.product_infos.0.title")), catalog.OrderUnreviewedProductInfoMissing},
				{orderAddPath, newOrder(me, "s19", delAt("order_detail.product_infos.0.head_img")), catalog.OrderUnreviewedProductInfoMissing}}},
			{"1010015 not for an uploaded product", "default", []step{{add, spuBody("p19"), 0},
				{orderAddPath, newOrder(me, "s19b", setAt("order_detail.product_infos.0.out_product_id", "p19"), delAt("order_detail.product_infos.0.title"), delAt("order_detail.product_infos.0.head_img")), 0}}},
			{"1010018 eleven waybills", "default", []step{{orderAddPath, newOrder(me, "s20", tenUnits...), 0}, {orderPayPath, payBody(me, "s20"), 0},
				{sendPath, ids(me, "s20", `"finish_all_delivery":1`, `"ship_done_time":"2024-05-02 10:00:00"`, `"delivery_list":[`+strings.Repeat(oneUnit+",", 10)+oneUnit+`]`), catalog.OrderDeliveryListTooLong},
				{sendPath, ids(me, "s20", `"finish_all_delivery":1`, `"ship_done_time":"2024-05-02 10:00:00"`, `"delivery_list":[`+strings.Repeat(oneUnit+",", 9)+oneUnit+`]`), 0}}},
			{"1010019 shipped goods not in the order", "default", steps(paidOrder(me, "s21"), []step{
				{sendPath, ids(me, "s21", `"finish_all_delivery":0`, `"delivery_list":[{"delivery_id":"ZTO","waybill_id":"w","product_info_list":[{"out_product_id":"other"}]}]`), catalog.OrderDeliveryProductNotInOrder},
				{sendPath, ids(me, "s21", `"finish_all_delivery":0`, `"delivery_list":[{"delivery_id":"ZTO","waybill_id":"w","product_info_list":[{"out_product_id":"never-uploaded","out_sku_id":"sku-2"}]}]`), catalog.OrderDeliveryProductNotInOrder},
				{sendPath, ids(me, "s21", `"finish_all_delivery":0`, `"delivery_list":[{"delivery_id":"ZTO","waybill_id":"w","product_info_list":[{"out_product_id":"never-uploaded","product_cnt":99}]}]`), catalog.OrderDeliveryProductNotInOrder},
				{sendPath, sendBody(me, "s21", 0), 0},
				{sendPath, sendBody(me, "s21", 1), catalog.OrderDeliveryProductNotInOrder}})},
			{"1010020 create_time missing or unreadable", "default", []step{{orderAddPath, newOrder(me, "s22", delAt("create_time")), catalog.OrderCreateTimeMissing},
				{orderAddPath, newOrder(me, "s22", set("create_time", "yesterday")), catalog.OrderCreateTimeMissing}}},
			{"1010021 path missing", "default", []step{{orderAddPath, newOrder(me, "s23", delAt("path")), catalog.OrderPathMissing}}},
			{"1010023 delivery_detail missing", "default", []step{{orderAddPath, newOrder(me, "s24", delAt("delivery_detail")), catalog.OrderDeliveryDetailIncomplete},
				{orderAddPath, newOrder(me, "s24", delAt("delivery_detail.delivery_type")), catalog.OrderDeliveryDetailIncomplete}}},
			{"1010024 line path missing", "default", []step{{orderAddPath, newOrder(me, "s25", delAt("order_detail.product_infos.0.path")), catalog.OrderProductPathMissing}}},
			{"1010025 pre-sale without balance", "default", []step{{orderAddPath, newOrder(me, "s26", setAt("order_detail.presale_info", map[string]any{"deposit_price": 10})), catalog.OrderPresaleDepositMissing},
				{orderAddPath, newOrder(me, "s26", setAt("order_detail.presale_info", map[string]any{"deposit_price": 10, "balance_price": 90})), 0}}},
			{"1010026 pay_method_type 9 (§3.3 trigger)", "default", []step{{orderAddPath, newOrder(me, "s27", setAt("order_detail.pay_info.pay_method_type", 9)), catalog.OrderPayMethodTypeInvalid}}},
			{"1010027 payment params of a paid order", "default", steps(paidOrder(me, "s28"), []step{{payParamsPath, ids(me, "s28"), catalog.OrderNotPendingPayment}})},
			{"1020002 out_aftersale_id twice", "default", steps(paidOrder(me, "s29"), []step{{asAddPath, asBody(me, "s29", "as29", 1), 0}, {asAddPath, asBody(me, "s29", "as29", 2), catalog.AfterSaleAlreadyExists}})},
			{"1020003 unknown after-sale everywhere", "default", steps(paidOrder(me, "s30"), []step{
				{asGetPath, `{"out_aftersale_id":"nope"}`, catalog.AfterSaleNotFound}, {asGetPath, `{}`, catalog.AfterSaleNotFound},
				{asCancelPath, `{"openid":"` + me + `","aftersale_id":1}`, catalog.AfterSaleNotFound}, {asRefundPath, `{"out_aftersale_id":"nope"}`, catalog.AfterSaleNotFound},
				{asReturnPath, `{"out_aftersale_id":"nope",` + returnAddress + `}`, catalog.AfterSaleNotFound}, {asRejectPath, `{"aftersale_id":"x"}`, catalog.AfterSaleNotFound},
				{asCertsPath, `{"out_aftersale_id":"nope"}`, catalog.AfterSaleNotFound}, {asUpdatePath, `{"openid":"` + me + `","out_aftersale_id":"nope","type":1,"orderamt":1,"refund_reason":"x","refund_reason_type":1}`, catalog.AfterSaleNotFound},
				{asShipPath, `{"openid":"` + me + `","out_aftersale_id":"nope","delivery_id":"SF","waybill_id":"w"}`, catalog.AfterSaleNotFound},
				{v1UpdatePath, ids(me, "s30", `"out_aftersale_id":"nope"`, `"status":2`, `"finish_all_aftersale":0`), catalog.AfterSaleNotFound},
				{v1GetPath, ids(me, "s30", `"out_aftersale_id":"nope"`), catalog.AfterSaleNotFound}})},
			{"1020003 another buyer's after-sale", "default", steps(paidOrder(me, "s31"), []step{{asAddPath, asBody(me, "s31", "as31", 1), 0},
				{asCancelPath, `{"openid":"` + you + `","out_aftersale_id":"as31"}`, catalog.AfterSaleNotFound}})},
			{"1020004 product not in the order", "default", steps(paidOrder(me, "s32"), []step{
				{asAddPath, ids(me, "s32", `"type":1`, `"product_info":{"out_product_id":"other","product_cnt":1}`, `"orderamt":1`, `"refund_reason":"x"`, `"refund_reason_type":12`), catalog.AfterSaleProductNotInOrder},
				{asAddPath, ids(me, "s32", `"type":1`, `"product_info":{"out_product_id":"never-uploaded","out_sku_id":"","product_cnt":1}`, `"orderamt":1`, `"refund_reason":"x"`, `"refund_reason_type":12`), catalog.AfterSaleProductNotInOrder}})},
			{"1020005 product_info missing", "default", steps(paidOrder(me, "s33"), []step{
				{asAddPath, ids(me, "s33", `"type":1`, `"orderamt":1`, `"refund_reason":"x"`, `"refund_reason_type":12`), catalog.AfterSaleProductMissing}})},
			{"1030001 old flow without out_order_id", "reviews-approve", []step{{add, spuBody("p34"), 0}, {orderAddPath, oldOrder(ra, "", "p34"), catalog.TicketOrderIDOrAppIDMissing},
				{orderAddPath, oldOrder(ra, "x", "p34", delAt("out_order_id")), catalog.TicketOrderIDOrAppIDMissing}}},
			{"1030002 ticket fails (magic)", "reviews-approve", []step{{add, spuBody("p35"), 0}, {orderAddPath, oldOrder(ra, "s35-SHOPCONFORM_MAGIC_TICKET_FAILED", "p35"), catalog.TicketFetchFailed},
				{orderGetPath, ids(ra, "s35-SHOPCONFORM_MAGIC_TICKET_FAILED"), catalog.OrderNotFound}}},
		} {
			t.Run(tc.name, func(t *testing.T) { run(t, tg, tc.profile, tc.steps...) })
		}
	})
}

func unix(t time.Time) string { return strconv.FormatInt(t.Unix(), 10) }

// TestOrderPrecedence pins the order of checks where two rules apply to
// one request: the first named in the README's table wins. The spec's
// field rules come first, in its order; the handler's state rules after.
func TestOrderPrecedence(t *testing.T) {
	forEachTarget(t, func(t *testing.T, tg *target) {
		me := accountOf(t, tg, "default").OpenID
		stranger := accountOf(t, tg, "not-opened").OpenID
		both := func(a, b edit) string { return newOrder(me, "p", a, b) }
		paidAt := `"pay_time":"2024-05-01 10:05:00"`
		run(t, tg, "default", steps(
			[]step{
				{orderAddPath, both(delAt("create_time"), delAt("path")), catalog.OrderCreateTimeMissing},
				{orderAddPath, both(set("create_time", "yesterday"), delAt("path")), catalog.OrderCreateTimeMissing},
				{orderAddPath, both(delAt("path"), delAt("delivery_detail")), catalog.OrderPathMissing},
				{orderAddPath, both(delAt("delivery_detail"), delAt("order_detail.product_infos.0.path")), catalog.OrderDeliveryDetailIncomplete},
				{orderAddPath, both(delAt("order_detail.product_infos.0.path"), setAt("order_detail.product_infos.0.product_cnt", 0)), catalog.OrderProductPathMissing},
				{orderAddPath, both(setAt("order_detail.product_infos.0.product_cnt", 0), setAt("order_detail.pay_info.pay_method_type", 9)), catalog.OrderProductInfosInvalid},
				{orderAddPath, both(setAt("order_detail.pay_info.pay_method_type", 9), delAt("order_detail.price_info")), catalog.OrderPayMethodTypeInvalid},
				{orderAddPath, both(delAt("order_detail.pay_info.prepay_time"), delAt("order_detail.price_info")), catalog.OrderPayInfoInvalid},
				{orderAddPath, both(setAt("order_detail.price_info.freight", 1), delAt("address_info")), catalog.OrderPriceInfoInvalid},
				{orderAddPath, both(delAt("address_info"), setAt("order_detail.presale_info", map[string]any{})), catalog.OrderAddressInvalid},
				// The coded rules before the fields without a code, and
				// those before the products' state.
				{orderAddPath, both(setAt("order_detail.presale_info", map[string]any{}), delAt("expire_time")), catalog.OrderPresaleDepositMissing},
				{orderAddPath, both(delAt("expire_time"), delAt("order_detail.product_infos.0.title")), catalog.ParameterMissing},
				{orderAddPath, newOrder(me, "p-dup"), 0},
				{orderAddPath, newOrder(me, "p-dup", delAt("order_detail.product_infos.0.title")), catalog.OrderUnreviewedProductInfoMissing},
				{orderAddPath, newOrder(me, "p-dup", set("fund_type", 5)), catalog.ParameterMissing},
				{orderAddPath, newOrder(me, strings.Repeat("x", 128), delAt("create_time")), catalog.ParameterTooLong},
				{orderAddPath, newOrder("", "p", delAt("create_time")), catalog.OpenIDMissing},
				// 1010014 before the id pair; the openid's format before 1010014.
				{orderGetPath, `{"openid":"` + stranger + `"}`, catalog.OrderOpenIDAppIDMismatch},
				{orderGetPath, `{"openid":"xxx"}`, catalog.OpenIDIllegalVariant},
				// pay: the fields (action_type, transaction_id's shape,
				// pay_time) before the order; then existence, status, and
				// transaction_id's presence.
				{orderPayPath, ids(me, "nope", `"action_type":7`), catalog.ParameterMissing},
				{orderPayPath, ids(me, "nope", `"action_type":1`, `"transaction_id":"x"`), catalog.OrderTransactionIDInvalid},
				{orderPayPath, ids(me, "nope", `"action_type":1`, `"transaction_id":"42"`), catalog.ParameterMissing},
				{orderPayPath, ids(me, "nope", `"action_type":1`, paidAt), catalog.OrderNotFound},
				{orderAddPath, newOrder(me, "p-10"), 0},
				{orderPayPath, ids(me, "p-10", `"action_type":1`, paidAt), catalog.OrderTransactionIDInvalid},
				{orderPayPath, ids(me, "p-10", `"action_remark":"SHOPCONFORM_MAGIC_ORDER_UPDATE_FAILED"`), catalog.ParameterMissing},
			},
			paidOrder(me, "p-paid"),
			[]step{
				{orderPayPath, ids(me, "p-paid", `"action_type":1`, paidAt), catalog.OrderStatusFlowError},
				// delivery: the list's length and packages before the order;
				// the status before the express order's list and the goods.
				{sendPath, ids(me, "nope", `"finish_all_delivery":1`, `"delivery_list":[`+strings.Repeat(`{"delivery_id":"SF","waybill_id":"w"},`, 11)+`{}]`), catalog.OrderDeliveryListTooLong},
				{sendPath, ids(me, "p-paid", `"delivery_list":[`+strings.Repeat(`{},`, 10)+`{}]`), catalog.OrderDeliveryListTooLong},
				{sendPath, ids(me, "nope", `"finish_all_delivery":0`, `"delivery_list":[{"delivery_id":"UPS","waybill_id":"w","product_info_list":[{"out_product_id":"x"}]}]`), catalog.ParameterMissing},
				{sendPath, ids(me, "nope", `"finish_all_delivery":1`), catalog.ParameterMissing},
				{sendPath, ids(me, "nope", `"finish_all_delivery":0`), catalog.OrderNotFound},
				{orderAddPath, newOrder(me, "p-unpaid"), 0},
				{sendPath, ids(me, "p-unpaid", `"finish_all_delivery":0`, `"delivery_list":[{"delivery_id":"SF","waybill_id":"w","product_info_list":[{"out_product_id":"other"}]}]`), catalog.OrderStatusFlowError},
				{sendPath, ids(me, "p-unpaid", `"finish_all_delivery":0`), catalog.OrderStatusFlowError},
				{sendPath, ids(me, "p-paid", `"finish_all_delivery":0`), catalog.ParameterMissing},
				{sendPath, ids(me, "p-paid", `"finish_all_delivery":0`, `"delivery_list":[{"delivery_id":"OTHERS","waybill_id":"w","product_info_list":[{"out_product_id":"other"}]}]`), catalog.OrderDeliveryProductNotInOrder},
				// after-sale: the spec's fields (1020005 among them) before existence; the order's status before 1020004; 1020004 before 1020002.
				{asAddPath, ids(me, "nope", `"type":1`), catalog.AfterSaleProductMissing},
				{asAddPath, ids(me, "p-unpaid", `"type":1`, `"product_info":{"out_product_id":"other","product_cnt":1}`, `"orderamt":1`, `"refund_reason":"x"`, `"refund_reason_type":1`), catalog.OrderStatusFlowError},
				{asAddPath, asBody(me, "p-paid", "p-as", 1), 0},
				{asAddPath, ids(me, "p-paid", `"out_aftersale_id":"p-as"`, `"type":1`, `"product_info":{"out_product_id":"other","product_cnt":1}`, `"orderamt":1`, `"refund_reason":"x"`, `"refund_reason_type":1`), catalog.AfterSaleProductNotInOrder},
				// after-sale: every field rule (the claim's, 990007) before the rules of state.
				{asAddPath, ids(me, "p-paid", `"product_info":{"out_product_id":"other","product_cnt":1}`), catalog.ParameterMissing},
				{asAddPath, ids(me, "p-paid", `"out_aftersale_id":"p-as"`, `"product_info":{"out_product_id":"never-uploaded","product_cnt":1}`), catalog.ParameterMissing},
				{asAddPath, ids(me, "p-paid", `"product_info":{"out_product_id":"never-uploaded","product_cnt":1}`, `"type":3`), catalog.ParameterMissing},
				// deadline: the deadline's range (a field rule) before the order's status.
				{deadlinePath, ids(me, "p-paid"), catalog.ParameterMissing},
				{deadlinePath, ids(me, "p-paid", `"after_sale_deadline":`+unix(t0.Add(30*24*time.Hour))), catalog.OrderStatusFlowError},
				// v1 update: the order's ids (a field rule) before the after-sale, then the after-sale before the order.
				{v1UpdatePath, `{"openid":"` + me + `","out_aftersale_id":"nope","status":2,"finish_all_aftersale":0}`, catalog.OrderIDMissing},
				{v1UpdatePath, ids(me, "nope", `"out_aftersale_id":"nope"`, `"status":2`, `"finish_all_aftersale":0`), catalog.AfterSaleNotFound},
				{v1UpdatePath, ids(me, "nope", `"out_aftersale_id":"p-as"`, `"status":2`, `"finish_all_aftersale":0`), catalog.OrderNotFound},
				{v1UpdatePath, ids(me, "p-unpaid", `"out_aftersale_id":"p-as"`, `"status":2`, `"finish_all_aftersale":0`), catalog.AfterSaleNotFound},
				{v1UpdatePath, ids(me, "p-paid", `"out_aftersale_id":"p-as"`), catalog.ParameterMissing},
				// after-sale moves: fields, then existence, then status.
				{asReturnPath, `{"out_aftersale_id":"nope"}`, catalog.ParameterMissing},
				{asReturnPath, `{"out_aftersale_id":"nope",` + returnAddress + `}`, catalog.AfterSaleNotFound},
				{asShipPath, `{"openid":"` + me + `","out_aftersale_id":"p-as"}`, catalog.ParameterMissing},
				{asShipPath, `{"openid":"` + me + `","out_aftersale_id":"p-as","delivery_id":"SF","waybill_id":"w"}`, catalog.OrderStatusFlowError},
			},
		)...)
		// Old flow: existence of every product before any listing; the
		// fields without a code (scene) before the products; the ticket
		// magic last.
		run(t, tg, "default", step{add, spuBody("unlisted"), 0},
			step{orderAddPath, oldOrder(me, "p-old", "unlisted", setAt("order_detail.product_infos", []any{
				map[string]any{"out_product_id": "unlisted", "product_cnt": 1, "sale_price": 1, "path": "p"},
				map[string]any{"out_product_id": "nope", "product_cnt": 1, "sale_price": 1, "path": "p"},
			})), catalog.OrderProductNotFound},
			step{orderAddPath, oldOrder(me, "p-old", "nope", del("scene")), catalog.ParameterMissing})
		ra := accountOf(t, tg, "reviews-approve").OpenID
		run(t, tg, "reviews-approve", step{add, spuBody("nuts"), 0},
			step{orderAddPath, oldOrder(ra, "", "nuts", del("scene")), catalog.TicketOrderIDOrAppIDMissing},
			step{orderAddPath, oldOrder(ra, "SHOPCONFORM_MAGIC_TICKET_FAILED", "nuts", del("scene")), catalog.ParameterMissing},
			step{orderAddPath, oldOrder(ra, "SHOPCONFORM_MAGIC_TICKET_FAILED", "nuts"), catalog.TicketFetchFailed})
	})
}
