package refsandbox

import "time"

// spu/get_list (§2.4). The spec's rules have answered page_size over 100
// (990005), a start time after its end (990009) and a missing, unusable
// or half-given value (990007); this handler reads what is left.

// listQuery is a valid get_list body.
type listQuery struct {
	page, pageSize int64
	status         *int64
	draft          bool
	field          string // "create" or "update": the range that filters, if any
	start, end     time.Time
}

// readListQuery reads page and page_size (≥ 1), status (a documented
// value) and the time ranges, each given as a whole pair of
// "yyyy-MM-dd HH:mm:ss" times. When both ranges are given the create
// range filters (§2.4 "create range wins").
func readListQuery(body map[string]any) listQuery {
	q := listQuery{draft: wantsDraft(body)}
	q.page, _ = asInt(body["page"])
	q.pageSize, _ = asInt(body["page_size"])
	if s, ok := asInt(body["status"]); ok {
		q.status = &s
	}
	for _, f := range []string{"update", "create"} {
		start, startOK := body["start_"+f+"_time"].(string)
		end, endOK := body["end_"+f+"_time"].(string)
		if startOK && endOK && start != "" && end != "" {
			q.field = f
			q.start, _ = time.ParseInLocation(time.DateTime, start, shanghai)
			q.end, _ = time.ParseInLocation(time.DateTime, end, shanghai)
		}
	}
	return q
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
	q := readListQuery(req.body)
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
