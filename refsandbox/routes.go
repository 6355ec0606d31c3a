package refsandbox

// routeTable is every endpoint of api-reference §2.1–§2.9 (plus the §2.11
// errata), one line each: path, flags, field rules, content-policy text
// fields, handler. The trailing comment cites the §3.1 row and evidence
// (D documented, I inferred) behind the line's rules.
//
// To model an endpoint, write its handler in the domain's file and replace
// `unmodelled` on its line. Field rules run in declaration order, openid
// first (§7). Limits: pageSize per §3.1 "990005" (D code, I limits).
func routeTable() []endpoint {
	return []endpoint{
		// §2.1 access / onboarding: callable before the component is opened
		// (they are how it opens; 1040003 is theirs, not 48001).
		{"/shop/register/apply", preOpen, nil, nil, registerApply},
		{"/shop/register/check", preOpen, nil, nil, registerCheck},
		{"/shop/register/finish_access_info", preOpen, rules(required("access_info_item")), nil, registerFinishAccessInfo}, // 990007 §3.1 D code / I mapping
		{"/shop/register/apply_scene", preOpen, rules(required("scene_group_id")), nil, registerApplyScene},                // 990007 §3.1 D/I; §2.11: examples send scene_group_id

		// §2.2 merchant account info.
		{"/shop/account/get_category_list", 0, nil, nil, accountCategoryList},
		{"/shop/account/get_brand_list", 0, nil, nil, accountBrandList},
		{"/shop/account/update_info", 0, nil, nil, accountUpdateInfo},
		{"/shop/account/get_info", 0, nil, nil, accountGetInfo},

		// §2.3 category, image upload, qualification audit.
		{"/shop/cat/get", 0, nil, nil, catGet},
		{"/shop/img/upload", multipart, nil, nil, imgUpload}, // 990007 for resp_type/upload_type is the handler's: no JSON body
		{"/shop/audit/audit_brand", 0, rules(required("audit_req", "audit_req.brand_info", "audit_req.brand_info.brand_wording")), []string{"audit_req.brand_info.brand_wording"}, auditBrand}, // 990007 §2.3 R (brand_wording: I); 87014 §3.1 D
		{"/shop/audit/audit_category", 0, nil, nil, auditCategory},                                            // a missing category is the domain's 1050004 (§3.5)
		{"/shop/audit/result", 0, rules(required("audit_id")), nil, auditResult},                              // 990007 §3.1 D code / I mapping
		{"/shop/audit/get_miniapp_certificate", 0, rules(required("req_type")), nil, auditMiniappCertificate}, // 990007 §2.3 R, §3.1 D code / I mapping

		// §2.4 product / SPU.
		// out_product_id ≤ 128 characters: 990008 §3.1 ("very long
		// out_product_id", D code / I mapping), limit from the issue-3 contract.
		{"/shop/spu/add", 0, rules(maxLen("out_product_id", 128)), []string{"title", "desc_info.desc"}, spuAdd}, // 87014 §3.1 D
		{"/shop/spu/del", 0, rules(maxLen("out_product_id", 128)), nil, spuDel},
		{"/shop/spu/del_audit", 0, rules(maxLen("out_product_id", 128)), nil, spuDelAudit},
		{"/shop/spu/get", 0, rules(maxLen("out_product_id", 128)), nil, spuGet},
		{"/shop/spu/get_list", 0, rules(pageSize("page_size", 100), timeOrder("start_create_time", "end_create_time", datetime), timeOrder("start_update_time", "end_update_time", datetime), required("page", "page_size")), nil, spuGetList}, // 990005 ≤100, 990009 §3.1 D/I; 990007 §2.4 page, page_size R
		{"/shop/spu/update", 0, rules(maxLen("out_product_id", 128)), []string{"title", "desc_info.desc"}, spuUpdate},                                                                                                                          // 87014 §3.1 D
		{"/shop/spu/update_without_audit", 0, rules(maxLen("out_product_id", 128)), nil, spuUpdateWithoutAudit},
		{"/shop/spu/listing", 0, rules(maxLen("out_product_id", 128)), nil, spuListing},
		{"/shop/spu/delisting", 0, rules(maxLen("out_product_id", 128)), nil, spuDelisting},

		// §2.5 scene check and orders. order/get, pay and getpaymentparams
		// check only the openid's format: a well-formed openid that is no
		// user of this appid is their handler's 1010014 (§3.3 D; issue-4
		// contract "Ids and openids").
		{"/shop/scene/check", 0, rules(required("scene")), nil, sceneCheck},                         // 990007 §3.1 D code / I mapping
		{"/shop/order/add", 0, rules(openid("openid"), maxLen("out_order_id", 127)), nil, orderAdd}, // 990004/990001 §3.1 D, §4; 990008 §3.1 I (<128 chars, §2.5)
		{"/shop/order/pay", 0, rules(openidFormat("openid")), nil, orderPay},                        // 990004/990002 §3.1 D
		{"/shop/order/get", 0, rules(openidFormat("openid")), nil, orderGet},                        // 990004/990002 §3.1 D
		{"/shop/order/get_list", 0, rules(pageSize("page_size", 100), timeOrder("start_create_time", "end_create_time", datetime), required("page", "page_size", "sort_order")), nil, orderGetList}, // 990005 ≤100, 990009 §3.1 D/I; 990007 §2.5 R
		{"/shop/order/get_list_by_finder", 0, rules(pageSize("page_size", 100), timeOrder("start_pay_time", "end_pay_time", datetime), required("page", "page_size")), nil, orderGetListByFinder},   // 990005 ≤100, 990009 §3.1 D/I; 990007 §2.5 R
		{"/shop/order/get_list_by_sharer", 0, rules(pageSize("page_size", 100), timeOrder("start_pay_time", "end_pay_time", datetime), required("page", "page_size")), nil, orderGetListBySharer},   // 990005 ≤100, 990009 §3.1 D/I; 990007 §2.5 R
		{"/shop/order/getpaymentparams", 0, rules(openidFormat("openid")), nil, orderGetPaymentParams},                                                                                              // 990004/990002 §3.1 D
		{"/shop/order/close", 0, rules(openid("openid")), nil, orderClose},                                                                                                                          // 990004/990001 §3.1 D

		// §2.6 delivery (the misspelt recieve is the real URL, §6.2 item 15).
		{"/shop/delivery/get_company_list", 0, nil, nil, deliveryCompanyList},
		{"/shop/delivery/send", 0, rules(openid("openid")), nil, deliverySend},       // 990004/990001 §3.1 D
		{"/shop/delivery/recieve", 0, rules(openid("openid")), nil, deliveryRecieve}, // 990004/990001 §3.1 D
		{"/shop/delivery/update", 0, nil, nil, unmodelled},                           // §2.11 errata

		// §2.7 after-sale, v1 and v2 ("ec"). v1 add is replaced by
		// ecaftersale/add (§6.2 item 10) and stays unmodelled.
		{"/shop/aftersale/add", 0, rules(openid("openid")), nil, unmodelled},                                 // 990004/990001 §3.1 D
		{"/shop/aftersale/get", 0, rules(openid("openid")), nil, aftersaleGet},                               // 990004/990001 §3.1 D
		{"/shop/aftersale/update", 0, rules(openid("openid")), nil, aftersaleUpdate},                         // 990004/990001 §3.1 D
		{"/shop/aftersale/update_deadline", 0, rules(openid("openid")), nil, aftersaleUpdateDeadline},        // 990004/990001 §3.1 D
		{"/shop/aftersale/list", 0, nil, nil, unmodelled},                                                    // §2.11 errata
		{"/shop/ecaftersale/add", 0, rules(openid("openid")), nil, ecaftersaleAdd},                           // 990004/990001 §3.1 D
		{"/shop/ecaftersale/cancel", 0, rules(openid("openid")), nil, ecaftersaleCancel},                     // 990004/990001 §3.1 D
		{"/shop/ecaftersale/update", 0, rules(openid("openid")), nil, ecaftersaleUpdate},                     // 990004/990001 §3.1 D
		{"/shop/ecaftersale/uploadreturninfo", 0, rules(openid("openid")), nil, ecaftersaleUploadReturnInfo}, // 990004/990001 §3.1 D
		{"/shop/ecaftersale/acceptrefund", 0, nil, nil, ecaftersaleAcceptRefund},
		{"/shop/ecaftersale/acceptreturn", 0, nil, nil, ecaftersaleAcceptReturn},
		{"/shop/ecaftersale/reject", 0, nil, nil, ecaftersaleReject},
		{"/shop/ecaftersale/upload_certificates", 0, nil, nil, ecaftersaleUploadCertificates},
		{"/shop/ecaftersale/get", 0, nil, nil, ecaftersaleGet},
		{"/shop/ecaftersale/get_list", 0, rules(pageSize("limit", 50), timeOrder("begin_create_time", "end_create_time", unixMillis), required("offset", "limit")), nil, ecaftersaleGetList}, // 990005 limit ≤50 (§2.7 D), 990009 in ms §3.1 D/I; 990007 §2.7 R
		{"/shop/ecaftersale/merchanttest", 0, nil, nil, unmodelled},                                                                                                                          // §2.7, §2.11
		{"/shop/ecaftersale/merchantupdate", 0, nil, nil, unmodelled},                                                                                                                        // §2.11 errata

		// §2.8 coupons (the user APIs' openid code is the coupon domain's
		// own 1090039, §3.7, so no generic openid rule here). Every one but
		// confirm is 1090028 until the capability is confirmed; couponHandler
		// checks that before any field the handler reads (§3.7 1090028, D
		// prerequisite / I code). The domain's id, length and presence
		// codes (1090007, 1090037, 1090046–1090051…) are its own, in
		// coupon_body.go, so no generic required or maxLen rule either.
		{"/shop/coupon/confirm", 0, nil, nil, couponConfirm},
		{"/shop/coupon/add", 0, nil, []string{"coupon.coupon_info.name"}, couponHandler(couponAdd)}, // 87014 §3.1 D
		{"/shop/coupon/get", 0, nil, nil, couponHandler(couponGet)},
		{"/shop/coupon/get_list", 0, rules(pageSize("page_size", 100)), nil, couponHandler(couponGetList)}, // 990005 ≤100 §3.1 D code / I limit
		{"/shop/coupon/update", 0, nil, []string{"coupon.coupon_info.name"}, couponHandler(couponUpdate)},  // 87014 §3.1 D
		{"/shop/coupon/update_status", 0, nil, nil, couponHandler(couponUpdateStatus)},
		{"/shop/coupon/update_coupon_stock", 0, nil, nil, couponHandler(couponUpdateStock)},
		{"/shop/coupon/add_user_coupon", 0, nil, nil, couponHandler(couponAddUser)},
		{"/shop/coupon/get_usercoupon_list", 0, rules(pageSize("page_size", 200)), nil, couponHandler(couponUserList)}, // 990005 ≤200 §3.1 D/I
		{"/shop/coupon/update_user_coupon", 0, nil, nil, couponHandler(couponUpdateUser)},
		{"/shop/coupon/update_usercoupon_status", 0, nil, nil, couponHandler(couponUpdateUserStatus)},

		// §2.9 sharers and promoters. 1310002 is bind's and unbind's own
		// (their handler); the other sharer APIs take openid through the
		// generic rule (issue-5 contract "Sharers").
		{"/shop/sharer/bind", 0, nil, nil, sharerBind},
		{"/shop/sharer/unbind", 0, nil, nil, sharerUnbind},
		{"/shop/sharer/search_sharer", 0, rules(openid("openid")), nil, sharerSearch},                                                                                                  // 990004/990002/990001 §3.1 D
		{"/shop/sharer/get_sharer_list", 0, rules(pageSize("page_size", 100), required("page", "page_size")), nil, sharerList},                                                         // 990005 ≤100 §3.1 D/I; 990007 §2.9 R
		{"/shop/sharer/get_sharer_data_summary", 0, rules(openid("openid")), nil, sharerDataSummary},                                                                                   // 990001 §3.1 D
		{"/shop/sharer/get_sharer_live_order_list", 0, rules(openid("openid"), pageSize("page_size", 100), required("live_export_id", "page", "page_size")), nil, sharerLiveOrderList}, // 990001 §3.1 D; 990005 ≤100 I; 990007 §2.9 R
		{"/shop/sharer/get_sharer_live_summary_list", 0, rules(openid("openid"), pageSize("page_size", 20), required("page", "page_size")), nil, sharerLiveSummaryList},                // 990001 §3.1 D; 990005 ≤20 §2.9 D; 990007 §2.9 R
		{"/shop/sharer/set_share_mode", 0, nil, nil, unmodelled},
		{"/shop/promoter/list", 0, nil, nil, unmodelled}, // §2.9, §2.11
	}
}
