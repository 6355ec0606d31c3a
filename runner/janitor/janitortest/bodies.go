// Package janitortest holds the request bodies the janitor's tests seed
// a sandbox with, so that the unit and end-to-end tests leave the same
// objects behind as a crashed run would.
package janitortest

import "time"

// ProductBody is a valid /shop/spu/add body for out_product_id id.
func ProductBody(id string) map[string]any {
	return map[string]any{
		"out_product_id": id, "title": "坚果礼盒", "path": "pages/product/product?id=" + id,
		"head_img": []string{"https://mmecimage.cn/p/shopconform/head.jpg"}, "third_cat_id": 6153, "brand_id": 2100000000,
		"skus": []map[string]any{{"out_product_id": id, "out_sku_id": id + "-sku1", "thumb_img": "https://mmecimage.cn/p/shopconform/thumb.jpg",
			"sale_price": 1300, "market_price": 1500, "stock_num": 100}},
	}
}

// OrderBody is a valid /shop/order/add body for an unpaid order id of
// openid, created at now (China Standard Time, as the API expects) and
// expiring an hour later.
func OrderBody(id, openid string, now time.Time) map[string]any {
	when := CST(now)
	return map[string]any{
		"create_time": when, "out_order_id": id, "openid": openid, "path": "pages/order/detail?id=" + id,
		"fund_type": 0, "expire_time": now.Unix() + 3600,
		"order_detail": map[string]any{
			"product_infos": []map[string]any{{"out_product_id": id + "-p", "out_sku_id": id + "-s", "product_cnt": 1, "sale_price": 100,
				"sku_real_price": 100, "path": "pages/product/product?id=" + id + "-p", "title": "shopconform test product",
				"head_img": "https://mmecimage.cn/p/shopconform/head.jpg"}},
			"pay_info":   map[string]any{"pay_method_type": 0, "prepay_id": "wx" + id, "prepay_time": when},
			"price_info": map[string]any{"order_price": 100, "freight": 0},
		},
		"delivery_detail": map[string]any{"delivery_type": 1},
		"address_info":    map[string]any{"receiver_name": "张三", "detailed_address": "广东省深圳市南山区科技园", "tel_number": "13800000000"},
	}
}

// CST formats t as the API's "yyyy-MM-dd HH:mm:ss" in UTC+8.
func CST(t time.Time) string {
	return t.In(time.FixedZone("CST", 8*3600)).Format(time.DateTime)
}
