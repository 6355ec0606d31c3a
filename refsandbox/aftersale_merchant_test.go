package refsandbox

import (
	"testing"

	"github.com/shopconform/shopconform/catalog"
)

// TestAftersaleMerchantTest: merchanttest settles an after-sale as the
// platform does when the merchant lets a deadline pass: a refund request
// is refunded (13), a return request awaits the buyer's return to the
// default return address (6), returned goods not confirmed are refunded
// (14); any other status or type is 1000000.
func TestAftersaleMerchantTest(t *testing.T) {
	forEachTarget(t, func(t *testing.T, tg *target) {
		tok := token(t, tg, "default")
		me := accountOf(t, tg, "default").OpenID
		op := func(outAS, name string) string {
			return `{"out_aftersale_id":"` + outAS + `","operation":"aftersale_merchant_` + name + `"}`
		}
		ship := `{"openid":"` + me + `","out_aftersale_id":"m-ret","delivery_id":"SF","waybill_id":"SF1"}`
		run(t, tg, "default", steps(unitsOrder(me, "m", 3), []step{
			{"/shop/account/update_info", `{"default_receiving_address":{"receiver_name":"退货组","detailed_address":"深圳市南山区一号","tel_number":"0755-1234567","province":"广东省","city":"深圳市","town":"南山区"}}`, 0},
			{asAddPath, claimOf(me, "m", "m-ref", 1, 100), 0},
			{asAddPath, asBody(me, "m", "m-ret", 2), 0},
			{merchantTestPath, op("nope", "handle_refund_overdue"), catalog.AfterSaleNotFound},
			// The operations settle one type in one status.
			{merchantTestPath, op("m-ret", "handle_refund_overdue"), catalog.OrderStatusFlowError},
			{merchantTestPath, op("m-ref", "handle_return_overdue"), catalog.OrderStatusFlowError},
			{merchantTestPath, op("m-ret", "confirm_receipt_overdue"), catalog.OrderStatusFlowError},
			{merchantTestPath, op("m-ref", "handle_refund_overdue"), 0},
			{merchantTestPath, op("m-ref", "handle_refund_overdue"), catalog.OrderStatusFlowError},
			{merchantTestPath, op("m-ret", "handle_return_overdue"), 0},
			{asShipPath, ship, 0},
			{merchantTestPath, op("m-ret", "confirm_receipt_overdue"), 0},
		})...)
		for outAS, want := range map[string]string{"m-ref": "13", "m-ret": "14"} {
			if got := asStatus(t, tg, tok, outAS); got != want {
				t.Errorf("%s: status %s, want %s", outAS, got, want)
			}
		}
		if tg.name == "in-process" {
			a := byOutAftersale(t, tg, "m-ret")
			if a.returnAddress.ReceiverName != "退货组" || a.returnID == "" {
				t.Errorf("a return request left alone goes to the default return address: %+v", a.returnAddress)
			}
		}
	})
}

// TestAftersaleMerchantUpdate: merchantupdate changes where a return goes
// while the buyer still has to send it (6).
func TestAftersaleMerchantUpdate(t *testing.T) {
	forEachTarget(t, func(t *testing.T, tg *target) {
		me := accountOf(t, tg, "default").OpenID
		other := `"address_info":{"receiver_name":"仓库二","detailed_address":"杭州市一号","tel_number":"0571-7654321","province":"浙江省","city":"杭州市","town":"西湖区"}`
		run(t, tg, "default", steps(paidOrder(me, "u"), []step{
			{asAddPath, asBody(me, "u", "u-a", 2), 0},
			{merchantUpdatePath, `{"out_aftersale_id":"nope",` + other + `}`, catalog.AfterSaleNotFound},
			{merchantUpdatePath, `{"out_aftersale_id":"u-a",` + other + `}`, catalog.OrderStatusFlowError},
			{asReturnPath, `{"out_aftersale_id":"u-a",` + returnAddress + `}`, 0},
			{merchantUpdatePath, `{"out_aftersale_id":"u-a",` + other + `}`, 0},
		})...)
		if tg.name == "in-process" {
			if a := byOutAftersale(t, tg, "u-a"); a.returnAddress.ReceiverName != "仓库二" {
				t.Errorf("return address %+v", a.returnAddress)
			}
		}
	})
}

// byOutAftersale reads the default account's after-sale from the store:
// where a return goes is in no answer.
func byOutAftersale(t *testing.T, tg *target, outAS string) *afterSale {
	t.Helper()
	acct, ok := tg.sb.store.account(accountOf(t, tg, "default").AppID)
	if !ok {
		t.Fatal("no default account")
	}
	acct.mu.Lock()
	defer acct.mu.Unlock()
	a := acct.aftersale.byOut[outAS]
	if a == nil {
		t.Fatalf("no after-sale %s", outAS)
	}
	return a
}
