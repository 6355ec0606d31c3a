package refsandbox

import (
	"testing"
	"time"

	"github.com/shopconform/shopconform/catalog"
)

func TestSpuGetList(t *testing.T) {
	forEachTarget(t, func(t *testing.T, tg *target) {
		tok := token(t, tg, "reviews-approve")
		for _, out := range []string{"a", "b", "c"} {
			wantCode(t, post(t, tg, tok, add, spuBody(out)), 0)
			tg.clock.advance(30 * time.Minute) // tokens live 2 h
		}
		wantCode(t, post(t, tg, tok, delisting, ref("b")), 0)
		wantCode(t, post(t, tg, tok, add, spuBody("gone")), 0)
		wantCode(t, post(t, tg, tok, spuDelPath, ref("gone")), 0)

		list := func(body string) (total string, outs []string) {
			t.Helper()
			resp := post(t, tg, tok, getList, body)
			if errcode(t, resp) != 0 {
				t.Fatalf("%s: %v", body, resp)
			}
			for _, s := range resp["spus"].([]any) {
				outs = append(outs, s.(map[string]any)["out_product_id"].(string))
			}
			return num(t, resp, "total_num"), outs
		}
		for _, tc := range []struct {
			body, total string
			outs        []string
		}{
			{`{"page":1,"page_size":10}`, "3", []string{"a", "b", "c"}},
			{`{"page":2,"page_size":2}`, "3", []string{"c"}},
			{`{"page":3,"page_size":2}`, "3", nil},
			{`{"page":1,"page_size":10,"status":11}`, "1", []string{"b"}},
			{`{"page":1,"page_size":10,"status":5,"need_edit_spu":1}`, "2", []string{"a", "c"}},
			{`{"page":1,"page_size":10,"start_create_time":"2024-05-01 10:30:00","end_create_time":"2024-05-01 11:00:00"}`, "2", []string{"b", "c"}},
			// The create range wins over the update range (§2.4).
			{`{"page":1,"page_size":10,"start_create_time":"2024-05-01 10:00:00","end_create_time":"2024-05-01 10:00:00",
			   "start_update_time":"2024-05-01 10:30:00","end_update_time":"2024-05-01 11:00:00"}`, "1", []string{"a"}},
			{`{"page":1,"page_size":10,"start_update_time":"2024-05-01 11:30:00","end_update_time":"2024-05-01 11:30:00"}`, "1", []string{"b"}},
		} {
			total, outs := list(tc.body)
			if total != tc.total || len(outs) != len(tc.outs) {
				t.Errorf("%s: total %s %v, want %s %v", tc.body, total, outs, tc.total, tc.outs)
				continue
			}
			for i := range outs {
				if outs[i] != tc.outs[i] {
					t.Errorf("%s: %v, want %v", tc.body, outs, tc.outs)
				}
			}
		}
		run(t, tg, "default",
			step{getList, `{"page_size":10}`, catalog.ParameterMissing},                                                    // §2.4 page R
			step{getList, `{"page":0,"page_size":10}`, catalog.ParameterMissing},                                           // page ≥ 1
			step{getList, `{"page":1,"page_size":10,"status":"5"}`, catalog.ParameterMissing},                              // status is an integer
			step{getList, `{"page":1,"page_size":10,"start_create_time":"2024-05-01 10:00:00"}`, catalog.ParameterMissing}, // half a pair
			step{getList, `{"page":1,"page_size":10,"start_create_time":"today","end_create_time":"2024-05-01 10:00:00"}`, catalog.ParameterMissing},
			step{getList, `{"page":1,"page_size":101}`, catalog.PageSizeTooLarge},
		)
		// A never-approved product is listed with its draft.
		dtok := token(t, tg, "default")
		wantCode(t, post(t, tg, dtok, add, spuBody("d")), 0)
		resp := post(t, tg, dtok, getList, `{"page":1,"page_size":1}`)
		if at(t, resp, "spus.0.edit_status") != jsonNum(editUnderReview) || num(t, resp, "total_num") != "1" {
			t.Errorf("default list = %v", resp)
		}
	})
}

// TestSpuGetShape pins spu/get's documented fields (§2.4) on the draft of
// a product that was never approved.
func TestSpuGetShape(t *testing.T) {
	forEachTarget(t, func(t *testing.T, tg *target) {
		tok := token(t, tg, "default")
		resp := post(t, tg, tok, add, spuBody("s", set("qualification_pics", []string{"https://mmecimage.cn/p/shopconform/q.jpg"}), set("info_version", 12)))
		wantCode(t, resp, 0)
		id := num(t, resp, "data.product_id")
		resp = post(t, tg, tok, get, `{"product_id":`+id+`,"need_edit_spu":1}`)
		wantCode(t, resp, 0)
		wantFields(t, resp, "spu.product_id", "spu.out_product_id", "spu.title", "spu.path", "spu.head_img", "spu.qualification_pics",
			"spu.desc_info", "spu.third_cat_id", "spu.brand_id", "spu.info_version", "spu.status", "spu.edit_status",
			"spu.audit_info.audit_id", "spu.audit_info.submit_time", "spu.audit_info.audit_time", "spu.audit_info.reject_reason",
			"spu.skus.0.sku_id", "spu.skus.0.out_product_id", "spu.skus.0.out_sku_id", "spu.skus.0.thumb_img", "spu.skus.0.sale_price",
			"spu.skus.0.market_price", "spu.skus.0.stock_num", "spu.skus.0.sku_code", "spu.skus.0.barcode", "spu.skus.0.sku_attrs",
			"spu.create_time", "spu.update_time")
		if num(t, resp, "spu.product_id") != id || num(t, resp, "spu.brand_id") != "2100000000" || at(t, resp, "spu.info_version") != "12" ||
			at(t, resp, "spu.audit_info.audit_time") != "" || num(t, resp, "spu.status") != "0" {
			t.Errorf("spu = %v", resp["spu"])
		}
	})
}
