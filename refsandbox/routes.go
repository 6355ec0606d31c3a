package refsandbox

import "github.com/shopconform/shopconform/apispec/validate"

// handlers is the complete route table: every endpoint of the spec
// (apispec/data), one line each, with the handler of its state rules. The
// fields, their rules and codes, the content policy and whether a route
// is callable before the component is opened are the spec's; a handler
// sees only requests the spec's validator let through.
//
// To model an endpoint: declare it in the spec, then write its handler in
// the domain's file and add its line here.
func handlers() map[string]handlerFunc {
	return map[string]handlerFunc{
		// §2.1 access / onboarding.
		"/shop/register/apply":              registerApply,
		"/shop/register/check":              registerCheck,
		"/shop/register/finish_access_info": registerFinishAccessInfo,
		"/shop/register/apply_scene":        registerApplyScene,

		// §2.2 merchant account info.
		"/shop/account/get_category_list": accountCategoryList,
		"/shop/account/get_brand_list":    accountBrandList,
		"/shop/account/update_info":       accountUpdateInfo,
		"/shop/account/get_info":          accountGetInfo,

		// §2.3 category, image upload, qualification audit.
		"/shop/cat/get":                       catGet,
		"/shop/img/upload":                    imgUpload,
		"/shop/audit/audit_brand":             auditBrand,
		"/shop/audit/audit_category":          auditCategory,
		"/shop/audit/result":                  auditResult,
		"/shop/audit/get_miniapp_certificate": auditMiniappCertificate,

		// §2.4 product / SPU.
		"/shop/spu/add":                  spuAdd,
		"/shop/spu/del":                  spuDel,
		"/shop/spu/del_audit":            spuDelAudit,
		"/shop/spu/get":                  spuGet,
		"/shop/spu/get_list":             spuGetList,
		"/shop/spu/update":               spuUpdate,
		"/shop/spu/update_without_audit": spuUpdateWithoutAudit,
		"/shop/spu/listing":              spuListing,
		"/shop/spu/delisting":            spuDelisting,

		// §2.5 scene check and orders.
		"/shop/scene/check":              sceneCheck,
		"/shop/order/add":                orderAdd,
		"/shop/order/pay":                orderPay,
		"/shop/order/get":                orderGet,
		"/shop/order/get_list":           orderGetList,
		"/shop/order/get_list_by_finder": orderGetListByFinder,
		"/shop/order/get_list_by_sharer": orderGetListBySharer,
		"/shop/order/getpaymentparams":   orderGetPaymentParams,
		"/shop/order/close":              orderClose,

		// §2.6 delivery (the misspelt recieve is the real URL, §6.2 item 15).
		"/shop/delivery/get_company_list": deliveryCompanyList,
		"/shop/delivery/send":             deliverySend,
		"/shop/delivery/recieve":          deliveryRecieve,
		"/shop/delivery/update":           deliveryUpdate,

		// §2.7 after-sale, v1 and v2 ("ec").
		"/shop/aftersale/add":                   aftersaleAdd,
		"/shop/aftersale/get":                   aftersaleGet,
		"/shop/aftersale/update":                aftersaleUpdate,
		"/shop/aftersale/update_deadline":       aftersaleUpdateDeadline,
		"/shop/aftersale/list":                  aftersaleList,
		"/shop/ecaftersale/add":                 ecaftersaleAdd,
		"/shop/ecaftersale/cancel":              ecaftersaleCancel,
		"/shop/ecaftersale/update":              ecaftersaleUpdate,
		"/shop/ecaftersale/uploadreturninfo":    ecaftersaleUploadReturnInfo,
		"/shop/ecaftersale/acceptrefund":        ecaftersaleAcceptRefund,
		"/shop/ecaftersale/acceptreturn":        ecaftersaleAcceptReturn,
		"/shop/ecaftersale/reject":              ecaftersaleReject,
		"/shop/ecaftersale/upload_certificates": ecaftersaleUploadCertificates,
		"/shop/ecaftersale/get":                 ecaftersaleGet,
		"/shop/ecaftersale/get_list":            ecaftersaleGetList,
		"/shop/ecaftersale/merchanttest":        ecaftersaleMerchantTest,
		"/shop/ecaftersale/merchantupdate":      ecaftersaleMerchantUpdate,

		// §2.8 coupons: every one but confirm answers 1090028 until the
		// capability is confirmed (the spec's first rule, coupon_checks.go).
		"/shop/coupon/confirm":                  couponConfirm,
		"/shop/coupon/add":                      couponAdd,
		"/shop/coupon/get":                      couponGet,
		"/shop/coupon/get_list":                 couponGetList,
		"/shop/coupon/update":                   couponUpdate,
		"/shop/coupon/update_status":            couponUpdateStatus,
		"/shop/coupon/update_coupon_stock":      couponUpdateStock,
		"/shop/coupon/add_user_coupon":          couponAddUser,
		"/shop/coupon/get_usercoupon_list":      couponUserList,
		"/shop/coupon/update_user_coupon":       couponUpdateUser,
		"/shop/coupon/update_usercoupon_status": couponUpdateUserStatus,

		// §2.9 sharers and promoters.
		"/shop/sharer/bind":                         sharerBind,
		"/shop/sharer/unbind":                       sharerUnbind,
		"/shop/sharer/search_sharer":                sharerSearch,
		"/shop/sharer/get_sharer_list":              sharerList,
		"/shop/sharer/get_sharer_data_summary":      sharerDataSummary,
		"/shop/sharer/get_sharer_live_order_list":   sharerLiveOrderList,
		"/shop/sharer/get_sharer_live_summary_list": sharerLiveSummaryList,
		"/shop/sharer/set_share_mode":               sharerSetShareMode,
		"/shop/promoter/list":                       promoterList,
	}
}

// preconditions are account state a route checks before the spec's field
// rules: the coupon capability (§3.7 1090028), which every coupon API but
// confirm needs whatever its body holds.
func preconditions() map[string]precondition {
	gated := map[string]precondition{}
	for _, api := range []string{"add", "get", "get_list", "update", "update_status", "update_coupon_stock",
		"add_user_coupon", "get_usercoupon_list", "update_user_coupon", "update_usercoupon_status"} {
		gated["/shop/coupon/"+api] = couponConfirmed
	}
	return gated
}

// checks are the spec's named rules (rule "check"), implemented in Go;
// each domain keeps its own in its file.
func checks() map[string]validate.Check {
	all := map[string]validate.Check{}
	for _, domain := range []map[string]validate.Check{
		accessChecks, productChecks, auditChecks, uploadChecks, orderChecks,
		deliveryChecks, aftersaleChecks, couponChecks, shareChecks,
	} {
		for name, c := range domain {
			all[name] = c
		}
	}
	return all
}
