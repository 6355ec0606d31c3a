package janitor

import (
	"context"
	"fmt"

	"github.com/shopconform/shopconform/catalog"
)

// kind is one type of object: how to list it and how to remove one.
type kind struct {
	singular, plural string
	listEndpoint     string
	list             func(ctx context.Context, j *janitor, profile string) ([]leftover, error)
}

// leftover is one matching object and what removing it takes.
type leftover struct {
	id     string
	action string // the calls, as the line shows them
	remove func(ctx context.Context, j *janitor, profile string) (Status, string)
}

func kinds() []kind {
	return []kind{
		{"product", "products", "/shop/spu/get_list", listProducts},
		{"coupon", "coupons", "/shop/coupon/get_list", listCoupons},
		{"order", "orders", "/shop/order/get_list", listOrders},
	}
}

// pageSize is the largest page every list allows (990005 above it).
const pageSize = 100

// maxPages stops a target whose list never ends (a million objects).
const maxPages = 10000

// page walks a list one page at a time until it has seen total items or
// a page comes back empty. fetch returns the page's items and the
// answer's total.
func page(fetch func(i int) (items int, total int64, err error)) error {
	seen := 0
	for i := 0; i < maxPages; i++ {
		n, total, err := fetch(i)
		if err != nil {
			return err
		}
		seen += n
		if n == 0 || int64(seen) >= total {
			return nil
		}
	}
	return fmt.Errorf("still listing after %d pages; stopped", maxPages)
}

// Products (§2.4): get_list with need_edit_spu 1 shows every product that
// is not deleted, by its draft, whatever its status. Removing one is
// del_audit (a product under review cannot be deleted; 1000016 says it
// was not under review, which is fine) then del. 1000011 at either step
// means someone else deleted it meanwhile.
func listProducts(ctx context.Context, j *janitor, profile string) ([]leftover, error) {
	var found []leftover
	seen := map[string]bool{}
	err := page(func(i int) (int, int64, error) {
		body := map[string]any{"page": i + 1, "page_size": pageSize, "need_edit_spu": 1}
		_, answer, err := j.expect(ctx, profile, "/shop/spu/get_list", body)
		if err != nil {
			return 0, 0, err
		}
		spus := objects(answer, "spus")
		for _, p := range spus {
			id := str(p, "out_product_id")
			if j.opts.Select.Match(id) && !seen[id] {
				seen[id] = true
				found = append(found, leftover{id: id, action: "spu/del_audit, spu/del", remove: removeProduct(id)})
			}
		}
		total, _ := integer(answer, "total_num")
		return len(spus), total, nil
	})
	return found, err
}

func removeProduct(id string) func(context.Context, *janitor, string) (Status, string) {
	return func(ctx context.Context, j *janitor, profile string) (Status, string) {
		ref := map[string]any{"out_product_id": id}
		code, _, err := j.expect(ctx, profile, "/shop/spu/del_audit", ref, catalog.ProductNotUnderReview, catalog.ProductNotFound)
		switch {
		case err != nil:
			return Failed, err.Error()
		case code == catalog.ProductNotFound:
			return Gone, ""
		}
		code, _, err = j.expect(ctx, profile, "/shop/spu/del", ref, catalog.ProductNotFound)
		switch {
		case err != nil:
			return Failed, err.Error()
		case code == catalog.ProductNotFound:
			return Gone, ""
		}
		return Removed, ""
	}
}

// Coupon status (§2.8).
const (
	couponEffective = 2
	couponVoid      = 4
	couponDeleted   = 5
)

// Coupons (§2.8): get_list pages by offset and keeps deleted coupons
// (status 5), which are skipped: they are already gone. An effective
// coupon (2) cannot be deleted directly: it is voided (4) first. Any
// other status goes to 5 at once. 1090001 means it no longer exists.
func listCoupons(ctx context.Context, j *janitor, profile string) ([]leftover, error) {
	var found []leftover
	seen := map[string]bool{}
	err := page(func(i int) (int, int64, error) {
		body := map[string]any{"offset": i * pageSize, "page_size": pageSize}
		_, answer, err := j.expect(ctx, profile, "/shop/coupon/get_list", body)
		if err != nil {
			return 0, 0, err
		}
		items := objects(answer, "result_list")
		for _, it := range items {
			c, _ := it["coupon"].(map[string]any)
			id := str(c, "out_coupon_id")
			status, _ := integer(c, "status")
			if !j.opts.Select.Match(id) || status == couponDeleted || seen[id] {
				continue
			}
			seen[id] = true
			steps := []int64{couponDeleted}
			if status == couponEffective {
				steps = []int64{couponVoid, couponDeleted}
			}
			found = append(found, leftover{id: id, action: couponAction(steps), remove: removeCoupon(id, steps)})
		}
		total, _ := integer(answer, "total_num")
		return len(items), total, nil
	})
	return found, err
}

func couponAction(steps []int64) string {
	s := "coupon/update_status"
	for i, st := range steps {
		if i > 0 {
			s += ","
		}
		s += fmt.Sprintf(" %d", st)
	}
	return s
}

func removeCoupon(id string, steps []int64) func(context.Context, *janitor, string) (Status, string) {
	return func(ctx context.Context, j *janitor, profile string) (Status, string) {
		for _, to := range steps {
			code, _, err := j.expect(ctx, profile, "/shop/coupon/update_status", map[string]any{"out_coupon_id": id, "status": to}, catalog.CouponNotFound)
			switch {
			case err != nil:
				return Failed, fmt.Sprintf("to %d: %v", to, err)
			case code == catalog.CouponNotFound:
				return Gone, ""
			}
		}
		return Removed, ""
	}
}

// orderAwaitingPayment is the only order status close accepts (§2.5).
const orderAwaitingPayment = 10

// Orders (§2.5): no call deletes an order; an unpaid one (10) is closed,
// as its buyer (the order's openid). Matching orders in other statuses
// are counted as kept. Oldest first, so that orders added while the
// janitor pages land after the pages it has read.
func listOrders(ctx context.Context, j *janitor, profile string) ([]leftover, error) {
	var found []leftover
	seen := map[string]bool{}
	err := page(func(i int) (int, int64, error) {
		body := map[string]any{"page": i + 1, "page_size": pageSize, "sort_order": 2}
		_, answer, err := j.expect(ctx, profile, "/shop/order/get_list", body)
		if err != nil {
			return 0, 0, err
		}
		orders := objects(answer, "orders")
		for _, o := range orders {
			id := str(o, "out_order_id")
			if !j.opts.Select.Match(id) || seen[id] {
				continue
			}
			seen[id] = true
			if status, _ := integer(o, "status"); status != orderAwaitingPayment {
				j.report.Kept++
				continue
			}
			found = append(found, leftover{id: id, action: "order/close", remove: closeOrder(id, str(o, "openid"))})
		}
		total, _ := integer(answer, "total_num")
		return len(orders), total, nil
	})
	return found, err
}

func closeOrder(id, openid string) func(context.Context, *janitor, string) (Status, string) {
	return func(ctx context.Context, j *janitor, profile string) (Status, string) {
		code, _, err := j.expect(ctx, profile, "/shop/order/close", map[string]any{"out_order_id": id, "openid": openid}, catalog.OrderNotFound)
		switch {
		case err != nil:
			return Failed, err.Error()
		case code == catalog.OrderNotFound:
			return Gone, ""
		}
		return Removed, ""
	}
}
