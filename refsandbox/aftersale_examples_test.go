package refsandbox

import (
	"strings"
	"testing"
	"time"

	"github.com/shopconform/shopconform/apispec"
)

// The vendor pages' example requests of the after-sale endpoints (the
// spec's examples): with the state each presupposes, each answers 0, or
// not 0 when it breaks its own page's rules.

// The buyers the examples name.
const (
	exBuyer         = "oTVP50O53a7jgmawAmxKukNlq3XI"
	exDeadlineBuyer = "o7_Rk5Xaj2BG32rKy6jlOt2qk4G0"
)

// exampleWorld is one fresh sandbox for one example.
type exampleWorld struct {
	t   *testing.T
	tg  *target
	tok string
}

func (w *exampleWorld) post(path, body string) {
	w.t.Helper()
	if resp := post(w.t, w.tg, w.tok, path, body); errcode(w.t, resp) != 0 {
		w.t.Fatalf("setting up: %s %s: %v", path, body, resp["errmsg"])
	}
}

// order adds and pays a new-flow order of buyer with one line 234245 /
// sku 23424 of 5 units, 500 fen paid, dated by the sandbox's clock; id,
// when not 0, replaces its order_id.
func (w *exampleWorld) order(buyer, out string, id uint64) {
	w.t.Helper()
	now := w.tg.clock.Now()
	dt := now.In(shanghai).Format(time.DateTime)
	w.post(orderAddPath, jsonText(map[string]any{
		"create_time": dt, "out_order_id": out, "openid": buyer, "path": "pages/order/detail?id=" + out,
		"fund_type": 0, "expire_time": now.Unix() + 3600,
		"order_detail": map[string]any{
			"product_infos": []any{map[string]any{
				"out_product_id": "234245", "out_sku_id": "23424", "product_cnt": 5, "sale_price": 100, "sku_real_price": 500,
				"title": "example goods", "path": "pages/product/detail?id=234245", "head_img": "https://mmecimage.cn/p/shopconform/head.jpg",
			}},
			"pay_info":   map[string]any{"pay_method_type": 0, "prepay_id": "wx" + strings.Repeat("0", 32), "prepay_time": dt},
			"price_info": map[string]any{"order_price": 500, "freight": 0},
		},
		"delivery_detail": map[string]any{"delivery_type": 1},
		"address_info": map[string]any{"receiver_name": "Han Meimei", "detailed_address": "2 Example Street", "tel_number": "13900000000",
			"province": "Guangdong", "city": "Shenzhen", "town": "Nanshan"},
	}))
	w.post(orderPayPath, ids(buyer, out, `"action_type":1`, `"transaction_id":"4200001234202205011234567890"`, `"pay_time":"`+dt+`"`))
	if id != 0 {
		w.rekey(func(a *account) {
			o := a.order.byOut[out]
			delete(a.order.byID, o.id)
			o.id = id
			a.order.byID[id] = o
		})
	}
}

// aftersale adds an after-sale of one unit, 123 fen, of type typ on the
// order; id, when not 0, replaces its aftersale_id.
func (w *exampleWorld) aftersale(buyer, out, outAS string, typ int, id uint64) {
	w.t.Helper()
	w.post(asAddPath, ids(buyer, out, `"out_aftersale_id":"`+outAS+`"`, `"type":`+itoa(typ),
		`"product_info":{"out_product_id":"234245","out_sku_id":"23424","product_cnt":1}`,
		`"orderamt":123`, `"refund_reason":"not as described"`, `"refund_reason_type":7`))
	if id != 0 {
		w.rekey(func(a *account) {
			s := a.aftersale.byOut[outAS]
			delete(a.aftersale.byID, s.id)
			s.id = id
			a.aftersale.byID[id] = s
		})
	}
}

// awaitReturn moves the after-sale to 6 (the merchant accepted the return).
func (w *exampleWorld) awaitReturn(outAS string) {
	w.t.Helper()
	w.post(asReturnPath, `{"out_aftersale_id":"`+outAS+`",`+returnAddress+`}`)
}

// rekey edits the examples account's store, for ids the API mints.
func (w *exampleWorld) rekey(edit func(*account)) {
	w.t.Helper()
	acct, ok := w.tg.sb.store.account(accountOf(w.t, w.tg, "aftersale-examples").AppID)
	if !ok {
		w.t.Fatal("no examples account")
	}
	acct.mu.Lock()
	defer acct.mu.Unlock()
	edit(acct)
}

// exampleStates builds, per endpoint, the state its examples' needs
// describe (apispec/data/aftersale.json).
var exampleStates = map[string]func(w *exampleWorld){
	"/shop/aftersale/add": func(w *exampleWorld) { w.order(exBuyer, "xxxxx", 0) },
	"/shop/aftersale/get": func(w *exampleWorld) { w.order(exBuyer, "xxxxx", 32434234) },
	"/shop/aftersale/update": func(w *exampleWorld) {
		w.order(exBuyer, "xxxxx", 0)
		w.aftersale(exBuyer, "xxxxx", "xxxxxx", 1, 0)
	},
	"/shop/aftersale/update_deadline": func(w *exampleWorld) {
		w.tg.clock.now = time.Date(2022, 4, 1, 10, 0, 0, 0, shanghai)
		w.order(exDeadlineBuyer, "order_230254", 0)
		w.post(sendPath, ids(exDeadlineBuyer, "order_230254", `"finish_all_delivery":1`,
			`"delivery_list":[{"delivery_id":"SF","waybill_id":"SF1","product_info_list":[{"out_product_id":"234245","out_sku_id":"23424","product_cnt":5}]}]`,
			`"ship_done_time":"2022-04-01 10:00:00"`))
		w.post(recievePath, ids(exDeadlineBuyer, "order_230254"))
	},
	"/shop/ecaftersale/add": func(w *exampleWorld) { w.order(exBuyer, "xxxxx", 32434234) },
	"/shop/ecaftersale/cancel": func(w *exampleWorld) {
		w.order(exBuyer, "o1", 0)
		w.aftersale(exBuyer, "o1", "xxx", 1, 123)
	},
	"/shop/ecaftersale/update": func(w *exampleWorld) {
		w.order(exBuyer, "o1", 0)
		w.aftersale(exBuyer, "o1", "xxxxxx", 1, 0)
	},
	"/shop/ecaftersale/uploadreturninfo": func(w *exampleWorld) {
		w.order(exBuyer, "o1", 0)
		w.aftersale(exBuyer, "o1", "xxx", 2, 123)
		w.awaitReturn("xxx")
	},
	"/shop/ecaftersale/acceptrefund": func(w *exampleWorld) {
		w.order(exBuyer, "o1", 0)
		w.aftersale(exBuyer, "o1", "as-1", 1, 123)
	},
	"/shop/ecaftersale/acceptreturn": func(w *exampleWorld) {
		w.order(exBuyer, "o1", 0)
		w.aftersale(exBuyer, "o1", "as-1", 2, 123)
	},
	"/shop/ecaftersale/upload_certificates": func(w *exampleWorld) {
		w.order(exBuyer, "o1", 0)
		w.aftersale(exBuyer, "o1", "as-1", 1, 123)
	},
	"/shop/ecaftersale/get": func(w *exampleWorld) {
		w.order(exBuyer, "o1", 0)
		w.aftersale(exBuyer, "o1", "aso_123124341", 1, 123)
	},
	"/shop/ecaftersale/get_list": func(*exampleWorld) {},
	"/shop/ecaftersale/merchanttest": func(w *exampleWorld) {
		w.order(exBuyer, "o1", 0)
		w.aftersale(exBuyer, "o1", "xxxxxx", 2, 0)
		w.awaitReturn("xxxxxx")
		w.post(asShipPath, `{"openid":"`+exBuyer+`","out_aftersale_id":"xxxxxx","delivery_id":"SF","waybill_id":"SF2"}`)
	},
}

func TestAftersaleExamples(t *testing.T) {
	spec, err := apispec.Default()
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, ep := range spec.Endpoints {
		if !strings.HasPrefix(ep.Path, "/shop/aftersale/") && !strings.HasPrefix(ep.Path, "/shop/ecaftersale/") {
			continue
		}
		for i, ex := range ep.Examples {
			n++
			t.Run(strings.TrimPrefix(ep.Path, "/shop/")+"#"+itoa(i), func(t *testing.T) {
				setup, ok := exampleStates[ep.Path]
				if !ok {
					t.Fatalf("no state for the example at %s:%d (needs %q)", ex.Pos.File, ex.Pos.Line, ex.Needs)
				}
				sb, clock := newSandbox(t, []Profile{{Name: "aftersale-examples", OpenIDs: []string{exBuyer, exDeadlineBuyer}}})
				tg := &target{name: "in-process", sb: sb, clock: clock, client: sb.Client(), base: "http://sandbox.invalid"}
				w := &exampleWorld{t: t, tg: tg, tok: token(t, tg, "aftersale-examples")}
				setup(w)
				resp := post(t, tg, w.tok, ep.Path, string(ex.Body))
				switch code := errcode(t, resp); {
				case ex.Breaks == "" && code != 0:
					t.Errorf("the example answers %d (%v); it presupposes %q", code, resp["errmsg"], ex.Needs)
				case ex.Breaks != "" && code == 0:
					t.Errorf("the example breaks its page (%s) but answers 0", ex.Breaks)
				case code == 0:
					wantShape(t, ep.Path, resp)
				default:
					t.Logf("refused as it breaks its page (%s): %d %v", ex.Breaks, code, resp["errmsg"])
				}
			})
		}
	}
	if n == 0 {
		t.Fatal("no after-sale example in the spec")
	}
}
