package refsandbox

import (
	"slices"
	"time"
)

// The merchant's order lists (§2.5 get_list, get_list_by_finder,
// get_list_by_sharer). Their routes check page_size (990005), the time
// pair's order (990009) and page/page_size present (990007); the
// handlers check the values the rules cannot read.

// paging is page (≥1) and page_size (≥1; its maximum is the route's).
type paging struct{ page, size int64 }

// readPaging is 990007 for a page or page_size that is no integer ≥ 1
// (§3.1: an unusable value with no code of its own).
func readPaging(body map[string]any) (paging, error) {
	p, pok := asInt(body["page"])
	s, sok := asInt(body["page_size"])
	if !pok || !sok || p < 1 || s < 1 {
		return paging{}, failf(errParameterMissing, "page and page_size must be integers ≥ 1")
	}
	return paging{p, s}, nil
}

// cut is one page of items.
func cut[T any](items []T, pg paging) []T {
	from := min(int64(len(items)), (pg.page-1)*pg.size)
	to := min(int64(len(items)), from+pg.size)
	return items[from:to]
}

// timeBounds reads an optional "yyyy-MM-dd HH:mm:ss" pair; either bound
// may be left out, but one that is sent must parse (990007).
func timeBounds(body map[string]any, startKey, endKey string) (start, end time.Time, err error) {
	read := func(key string) (time.Time, error) {
		v := body[key]
		if absent(v) {
			return time.Time{}, nil
		}
		s, _ := v.(string)
		t, perr := time.ParseInLocation(time.DateTime, s, shanghai)
		if perr != nil {
			return time.Time{}, failf(errParameterMissing, "%s must be yyyy-MM-dd HH:mm:ss", key)
		}
		return t, nil
	}
	if start, err = read(startKey); err == nil {
		end, err = read(endKey)
	}
	return start, end, err
}

// within reports whether t is inside [start, end], a zero bound being open.
func within(t, start, end time.Time) bool {
	return (start.IsZero() || !t.Before(start)) && (end.IsZero() || !t.After(end))
}

// orderGetList answers /shop/order/get_list: paging (990007), sort_order
// 1 (newest first) or 2 (oldest first) (§2.5 R; 990007), the
// create_time window (990007 when unparseable) → orders[], total_num.
// An order is dated by the create_time it was added with.
func orderGetList(req *request) (map[string]any, error) {
	var pg paging
	var sortOrder int64
	var start, end time.Time
	err := firstErr(
		func() (err error) { pg, err = readPaging(req.body); return err },
		func() error {
			var ok bool
			if sortOrder, ok = asInt(req.body["sort_order"]); !ok || sortOrder < 1 || sortOrder > 2 {
				return failf(errParameterMissing, "sort_order must be 1 (descending) or 2 (ascending)")
			}
			return nil
		},
		func() (err error) {
			start, end, err = timeBounds(req.body, "start_create_time", "end_create_time")
			return err
		},
	)
	if err != nil {
		return nil, err
	}
	var hits []*order
	for _, o := range req.acct.order.list {
		o.expire(req.now)
		if within(o.fields.createdAt, start, end) {
			hits = append(hits, o)
		}
	}
	slices.SortStableFunc(hits, func(a, b *order) int { return a.fields.createdAt.Compare(b.fields.createdAt) })
	if sortOrder == 1 {
		slices.Reverse(hits)
	}
	return map[string]any{"orders": viewsOf(cut(hits, pg), req.acct.aftersale), "total_num": len(hits)}, nil
}

// orderGetListByFinder and orderGetListBySharer answer the attributed
// lists after validating paging and the pay_time window (990007). No
// order is ever attributed to a promoter or a sharer, since order/add has
// no field for it, so both lists are empty.
func orderGetListByFinder(req *request) (map[string]any, error) { return attributedList(req) }

func orderGetListBySharer(req *request) (map[string]any, error) { return attributedList(req) }

func attributedList(req *request) (map[string]any, error) {
	err := firstErr(
		func() error { _, err := readPaging(req.body); return err },
		func() error { _, _, err := timeBounds(req.body, "start_pay_time", "end_pay_time"); return err },
	)
	if err != nil {
		return nil, err
	}
	return map[string]any{"orders": []orderView{}, "total_num": 0}, nil
}
