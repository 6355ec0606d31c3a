package refsandbox

// /shop/coupon/add, update, get and get_list (§2.8). The capability
// (1090028, the route's precondition) and every field rule of the spec
// (apispec/data/coupon.json) come first; these handlers check state.

// couponAdd answers /shop/coupon/add: the products of a product coupon
// are usable (1090012) → out_coupon_id taken (1090002, D text) → creation
// (1090013, magic) → saved in status 1 (editing), without stock. A
// deleted coupon (status 5) still holds its id.
func couponAdd(req *request) (map[string]any, error) {
	spec := couponSpecOf(req.body)
	if err := spec.checkProducts(req.acct.product); err != nil {
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

// couponUpdate answers /shop/coupon/update: the products (1090012) →
// exists (1090001) → still editing: status 2 is 1090018 (D text: "cannot
// be edited once effective"), 3, 4 and 5 are 1090008 ("not in editing",
// I) → the body replaces the coupon's fields.
func couponUpdate(req *request) (map[string]any, error) {
	spec := couponSpecOf(req.body)
	if err := spec.checkProducts(req.acct.product); err != nil {
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

// couponGet answers /shop/coupon/get: exists (1090001) → result.coupon
// and result.coupon_stock (§2.8).
func couponGet(req *request) (map[string]any, error) {
	id, _ := asString(req.body["out_coupon_id"])
	c, err := req.acct.coupon.find(id)
	if err != nil {
		return nil, err
	}
	return map[string]any{"result": map[string]any{"coupon": c.view(req.profile.AppID), "coupon_stock": c.stockView()}}, nil
}

// couponGetList answers /shop/coupon/get_list: one page of every coupon
// in creation order, each as get shows it, and total_num.
func couponGetList(req *request) (map[string]any, error) {
	offset, size := couponPaging(req.body)
	st := req.acct.coupon
	list := []map[string]any{}
	for _, c := range couponPage(st.list, offset, size) {
		list = append(list, map[string]any{"coupon": c.view(req.profile.AppID), "coupon_stock": c.stockView()})
	}
	return map[string]any{"result_list": list, "total_num": len(st.list)}, nil
}
