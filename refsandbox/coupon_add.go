package refsandbox

// /shop/coupon/add, update, get and get_list (§2.8). Each runs behind
// couponHandler, so 1090028 comes first.

// couponAdd answers /shop/coupon/add: the body (coupon_body.go: 1090007,
// 1090037, 1090046, 1090034, 1090047, 1090036, 1090048–1090051, 1090054,
// 1090053, 1090035, 1090024, 1090055, 1090011, 1090012) → out_coupon_id
// taken (1090002, D text) → creation (1090013, magic) → saved in status 1
// (editing), without stock. A deleted coupon (status 5) still holds its
// id.
func couponAdd(req *request) (map[string]any, error) {
	spec, err := readCouponBody(req.body, req.acct.product)
	if err != nil {
		return nil, err
	}
	st := req.acct.coupon
	if st.byOut[spec.outID] != nil {
		return nil, failf(errCouponExists, "coupon %q exists", spec.outID)
	}
	if spec.name == magicCouponCreateFailed {
		return nil, failf(errCouponCreateFailed, "magic value %s", magicCouponCreateFailed)
	}
	c := &coupon{couponSpec: spec, status: couponEditing, created: req.now, updated: req.now}
	st.byOut[spec.outID] = c
	st.list = append(st.list, c)
	return nil, nil
}

// couponUpdate answers /shop/coupon/update: the same body checks as add
// → exists (1090001) → still editing: status 2 is 1090018 (D text:
// "cannot be edited once effective"), 3, 4 and 5 are 1090008 ("not in
// editing", I; contract) → the body replaces the coupon's fields.
func couponUpdate(req *request) (map[string]any, error) {
	spec, err := readCouponBody(req.body, req.acct.product)
	if err != nil {
		return nil, err
	}
	c, err := req.acct.coupon.find(spec.outID)
	if err != nil {
		return nil, err
	}
	switch c.status {
	case couponEditing:
	case couponEffective:
		return nil, failf(errCouponEffective, "the coupon is effective (status 2)")
	default:
		return nil, failf(errCouponNotEditing, "the coupon has status %d; only status 1 can be edited", c.status)
	}
	c.couponSpec = spec
	c.updated = req.now
	return nil, nil
}

// couponGet answers /shop/coupon/get: out_coupon_id (1090007) → exists
// (1090001) → result.coupon and result.coupon_stock (§2.8).
func couponGet(req *request) (map[string]any, error) {
	id, err := readOutCouponID(req.body, "")
	if err != nil {
		return nil, err
	}
	c, err := req.acct.coupon.find(id)
	if err != nil {
		return nil, err
	}
	return map[string]any{"result": map[string]any{"coupon": c.view(req.profile.AppID), "coupon_stock": c.stockView()}}, nil
}

// couponGetList answers /shop/coupon/get_list: route page_size ≤ 100
// (990005) → page_size and offset usable (990007) → one page of every
// coupon in creation order, each as get shows it, and total_num.
func couponGetList(req *request) (map[string]any, error) {
	offset, size, err := readCouponPaging(req.body)
	if err != nil {
		return nil, err
	}
	st := req.acct.coupon
	list := []map[string]any{}
	for _, c := range couponPage(st.list, offset, size) {
		list = append(list, map[string]any{"coupon": c.view(req.profile.AppID), "coupon_stock": c.stockView()})
	}
	return map[string]any{"result_list": list, "total_num": len(st.list)}, nil
}
