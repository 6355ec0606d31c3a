package refsandbox

import "time"

// spu/get_list (§2.4). The route's field rules have already answered
// page_size over 100 (990005), a start time after its end (990009) and a
// missing page or page_size (990007); this handler reads what is left.

// listQuery is a validated get_list body.
type listQuery struct {
	page, pageSize int64
	status         *int64
	draft          bool
	field          string // "create" or "update": the range that filters, if any
	start, end     time.Time
}

// parseListQuery: page ≥ 1 and page_size ≥ 1 (§2.4 "page int R (≥1)"),
// status an integer, and each time range given as a whole pair of
// "yyyy-MM-dd HH:mm:ss" times. No code is documented for a bad value
// here, so each is answered like a missing one, 990007 (§3.1).
func parseListQuery(body map[string]any) (listQuery, error) {
	r := &fieldReader{obj: body, kind: errParameterMissing}
	q := listQuery{page: r.integer("page"), pageSize: r.integer("page_size"), draft: wantsDraft(body)}
	if r.err == nil && (q.page < 1 || q.pageSize < 1) {
		r.fail("page and page_size", "must be ≥ 1")
	}
	if body["status"] != nil {
		s := r.integer("status")
		q.status = &s
	}
	// §2.4: "start_update_time/end_update_time O (pair; create range wins)".
	for _, f := range []string{"update", "create"} {
		start, end, ok := timePair(r, "start_"+f+"_time", "end_"+f+"_time")
		if ok {
			q.field, q.start, q.end = f, start, end
		}
	}
	return q, r.err
}

// timePair reads an optional pair of times; half a pair is missing its
// other half.
func timePair(r *fieldReader, startKey, endKey string) (start, end time.Time, ok bool) {
	if r.obj[startKey] == nil && r.obj[endKey] == nil {
		return start, end, false
	}
	read := func(key string) time.Time {
		s, _ := r.obj[key].(string)
		t, err := time.ParseInLocation(time.DateTime, s, shanghai)
		if err != nil {
			r.fail(key, `is missing or not "yyyy-MM-dd HH:mm:ss"`)
		}
		return t
	}
	start, end = read(startKey), read(endKey)
	return start, end, r.err == nil
}

func (q listQuery) matches(p *product) bool {
	if p.deleted || (q.status != nil && int64(p.status) != *q.status) {
		return false
	}
	var t time.Time
	switch q.field {
	case "create":
		t = p.created
	case "update":
		t = p.updated
	default:
		return true
	}
	return !t.Before(q.start) && !t.After(q.end)
}

// spuGetList answers /shop/spu/get_list: spus[] in creation order and
// total_num. Without need_edit_spu a product shows its online copy, or
// its draft while it has none: a list hides no product (spu/get answers
// 1000003 instead, since it is asked for the online copy by name).
func spuGetList(req *request) (map[string]any, error) {
	q, err := parseListQuery(req.body)
	if err != nil {
		return nil, err
	}
	var hits []*product
	for _, p := range req.acct.product.list {
		if q.matches(p) {
			hits = append(hits, p)
		}
	}
	spus := []spuView{}
	n := int64(len(hits))
	// from is only used once page-1 < n, when page_size ≤ 100 (990005)
	// keeps it from overflowing.
	if from := (q.page - 1) * q.pageSize; q.page-1 < n && from < n {
		for _, p := range hits[from:min(from+q.pageSize, n)] {
			d := p.online
			if q.draft || d == nil {
				d = &p.draft
			}
			spus = append(spus, p.view(d))
		}
	}
	return map[string]any{"spus": spus, "total_num": len(hits)}, nil
}
