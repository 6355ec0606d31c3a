package refsandbox

import (
	"slices"
	"time"
)

// The merchant's order lists (§2.5 get_list, get_list_by_finder,
// get_list_by_sharer). The spec checks page_size (990005 above 100), the
// time pair's order (990009), and page, page_size, sort_order and the
// times' format (990007); the handlers read the values it let through.

// paging is page (≥ 1) and page_size (≥ 1; its maximum is the spec's).
type paging struct{ page, size int64 }

func readPaging(body map[string]any) paging {
	return paging{intAt(body, "page"), intAt(body, "page_size")}
}

// cut is one page of items.
func cut[T any](items []T, pg paging) []T {
	from := min(int64(len(items)), (pg.page-1)*pg.size)
	to := min(int64(len(items)), from+pg.size)
	return items[from:to]
}

// timeBounds reads an optional "yyyy-MM-dd HH:mm:ss" pair; an absent
// bound is the zero time (open).
func timeBounds(body map[string]any, startKey, endKey string) (start, end time.Time) {
	read := func(key string) time.Time {
		t, _ := time.ParseInLocation(time.DateTime, textAt(body, key), shanghai)
		return t
	}
	return read(startKey), read(endKey)
}

// within reports whether t is inside [start, end], a zero bound being open.
func within(t, start, end time.Time) bool {
	return (start.IsZero() || !t.Before(start)) && (end.IsZero() || !t.After(end))
}

// orderGetList answers /shop/order/get_list: the orders whose create_time
// is in the window, newest first for sort_order 1, oldest first for 2 →
// orders[], total_num.
func orderGetList(req *request) (map[string]any, error) {
	start, end := timeBounds(req.body, "start_create_time", "end_create_time")
	var hits []*order
	for _, o := range req.acct.order.list {
		o.expire(req.now)
		if within(o.fields.createdAt, start, end) {
			hits = append(hits, o)
		}
	}
	slices.SortStableFunc(hits, func(a, b *order) int { return a.fields.createdAt.Compare(b.fields.createdAt) })
	if intAt(req.body, "sort_order") == 1 {
		slices.Reverse(hits)
	}
	return map[string]any{"orders": viewsOf(cut(hits, readPaging(req.body)), req.acct.aftersale), "total_num": len(hits)}, nil
}

// orderGetListByFinder and orderGetListBySharer answer the attributed
// lists. No order is ever attributed to a promoter or a sharer, since
// order/add has no field for it, so both lists are empty.
func orderGetListByFinder(*request) (map[string]any, error) { return emptyOrderList() }

func orderGetListBySharer(*request) (map[string]any, error) { return emptyOrderList() }

func emptyOrderList() (map[string]any, error) {
	return map[string]any{"orders": []orderView{}, "total_num": 0}, nil
}
