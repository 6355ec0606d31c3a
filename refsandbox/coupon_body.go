package refsandbox

// The coupon body of /shop/coupon/add and /shop/coupon/update (§2.8 "same
// body as add"; DOC:coupon/add_coupon). Every field rule is the spec's
// (apispec/data/coupon.json): a handler reads a body the validator let
// through, and checks here only what is account state, the products of
// a product coupon (1090012).

// productScoped reports a type whose discount names its products: 1–6
// (§6.2 item 13, I); 101–104 are shop-wide.
func productScoped(typ int64) bool { return typ >= 1 && typ <= 6 }

// valid_type values (§2.8): an absolute range, a number of days or of
// seconds after receipt.
const (
	validRange   = 1
	validDays    = 2
	validSeconds = 3
)

// couponSpec is what add and update write: the body's coupon object.
type couponSpec struct {
	outID        string
	typ          int64
	promoteType  int64
	name         string
	info         map[string]any // coupon_info as sent; replaced by update, never changed in place
	productIDs   []string       // discount_condition.out_product_ids
	validType    int64
	validStart   int64 // valid_type 1, unix seconds
	validEnd     int64
	validDays    int64 // valid_type 2
	validSecs    int64 // valid_type 3
	totalNum     int64 // receive_info.total_num: the stock activation creates
	limitPerUser int64 // receive_info.limit_num_one_person: grants of this coupon to one user
}

// couponSpecOf reads a validated coupon body.
func couponSpecOf(body map[string]any) couponSpec {
	c, _ := asObject(body["coupon"])
	info, _ := asObject(c["coupon_info"])
	discount, _ := asObject(info["discount_info"])
	cond, _ := asObject(discount["discount_condition"])
	receive, _ := asObject(info["receive_info"])
	valid, _ := asObject(info["valid_info"])
	var s couponSpec
	s.outID, _ = asString(c["out_coupon_id"])
	s.typ, _ = asInt(c["type"])
	s.promoteType, _ = asInt(c["promote_type"])
	s.name, _ = asString(info["name"])
	s.info = info
	s.productIDs, _ = asStrings(cond["out_product_ids"])
	s.validType, _ = asInt(valid["valid_type"])
	switch s.validType {
	case validRange:
		s.validStart, _ = asInt(valid["start_time"])
		s.validEnd, _ = asInt(valid["end_time"])
	case validDays:
		s.validDays, _ = asInt(valid["valid_day_num"])
	case validSeconds:
		s.validSecs, _ = asInt(valid["valid_second"])
	}
	s.totalNum, _ = asInt(receive["total_num"])
	s.limitPerUser, _ = asInt(receive["limit_num_one_person"])
	return s
}

// checkProducts: each product of a product coupon (types 1–6, whose
// out_product_ids the spec requires) is an approved, listed product of
// the account (§3.7 1090012, I). A shop-wide coupon's products are not
// read.
func (s *couponSpec) checkProducts(products *productState) error {
	if !productScoped(s.typ) {
		return nil
	}
	for _, id := range s.productIDs {
		if !products.usableForCoupon(id) {
			return failf(errCouponProductUnusable, "product %q is not an approved, listed product of this account", id)
		}
	}
	return nil
}

// window is a grant's validity (unix seconds) for a user who received
// the coupon at recv.
func (s *couponSpec) window(recv int64) (start, end int64) {
	switch s.validType {
	case validRange:
		return s.validStart, s.validEnd
	case validDays:
		return recv, recv + s.validDays*86400
	default:
		return recv, recv + s.validSecs
	}
}
