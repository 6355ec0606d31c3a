package refsandbox

import (
	"strings"
	"testing"

	"github.com/shopconform/shopconform/catalog"
)

// Tests of the onboarding world, written by hand from api-reference §2.1,
// §3.4 and refsandbox/README.md, never from fixtures/ (the sandbox stays
// an independent reading of the docs).

const (
	applyPath  = "/shop/register/apply"
	checkPath  = "/shop/register/check"
	finishPath = "/shop/register/finish_access_info"
	scenePath  = "/shop/register/apply_scene"
)

// finish is a finish_access_info body; scene an apply_scene body.
func finish(item int) string { return `{"access_info_item":` + itoa(item) + `}` }
func scene(id int) string    { return `{"scene_group_id":` + itoa(id) + `}` }

// readyToFinish builds, on an applying account that approves reviews,
// what tasks 6–9 need: an approved product, a paid order, shipped, and an
// after-sale on it.
func readyToFinish(me string) []step {
	return []step{
		{add, spuBody("onb"), 0},
		{orderAddPath, newOrder(me, "onb-1"), 0},
		{orderPayPath, payBody(me, "onb-1"), 0},
		{sendPath, sendBody(me, "onb-1", 1), 0},
		{asAddPath, asBody(me, "onb-1", "onb-as", 1), 0},
	}
}

// TestAccessCodes provokes every §3.4 code of the catalog's access table
// by a request, by the state earlier requests build, or by the profile
// refsandbox/README.md names for account state no request can change.
func TestAccessCodes(t *testing.T) {
	forEachTarget(t, func(t *testing.T, tg *target) {
		for _, tc := range []struct {
			name, profile string
			steps         []step
		}{
			{"1040001 mini game", "mini-game", []step{{applyPath, `{}`, catalog.AccessNotRegularMiniProgram}}},
			{"1040002 apply when connected (§3.4 trigger)", "default", []step{{applyPath, `{}`, catalog.AccessAlreadyConnected}}},
			{"1040003 check before applying (§3.4 trigger)", "onboarding", []step{{checkPath, `{}`, catalog.AccessNotConnected},
				{finishPath, finish(6), catalog.AccessNotConnected}}},
			{"1040003 apply_scene before applying", "not-opened", []step{{scenePath, scene(1), catalog.AccessNotConnected}}},
			{"1040004 a task after connecting", "default", []step{{finishPath, finish(6), catalog.AccessStateFlowError},
				{finishPath, finish(11), catalog.AccessStateFlowError}}},
			{"1040005 category not allowed", "category-not-allowed", []step{{applyPath, `{}`, catalog.AccessCategoryNotAllowed}}},
			{"1040006 not whitelisted, apply and apply_scene", "not-whitelisted", []step{{applyPath, `{}`, catalog.AccessNotWhitelisted},
				{scenePath, scene(1), catalog.AccessNotWhitelisted}}},
			{"1040007 standard component", "standard-component", []step{{applyPath, `{}`, catalog.AccessStandardComponentInUse}}},
			{"1040008 task 6 with the product under review (§3.4 trigger)", "not-opened", []step{{applyPath, `{}`, 0},
				{add, spuBody("pending"), 0}, {finishPath, finish(6), catalog.AccessPreconditionsUnmet}}},
			{"1040008 task 7 with the order unpaid", "onboarding", []step{{applyPath, `{}`, 0},
				{finishPath, finish(7), catalog.AccessPreconditionsUnmet}, {finishPath, finish(19), catalog.AccessPreconditionsUnmet}}},
			{"1040008 apply_scene while applying", "onboarding-review-held", []step{{applyPath, `{}`, 0},
				{scenePath, scene(1), catalog.AccessPreconditionsUnmet}}},
			{"1040009 violation record", "violation-record", []step{{applyPath, `{}`, catalog.AccessViolationRecord}}},
			{"1040010 apply_scene while the group is reviewed", "default", []step{{scenePath, scene(1), 0},
				{scenePath, scene(1), catalog.AccessUnderReview}}},
			{"1040014 real-name check failed", "realname-failed", []step{{applyPath, `{}`, catalog.AccessRealNameCheckFailed}}},
			{"1040015 security check failed", "security-check-failed", []step{{applyPath, `{}`, catalog.AccessSecurityCheckFailed}}},
			{"1040016 payment check failed", "payment-check-failed", []step{{applyPath, `{}`, catalog.AccessPaymentCheckFailed}}},
			{"1040018 an existing Mini Store", "mini-store", []step{{applyPath, `{}`, catalog.AccessExistingMiniStore}}},
			{"1040019 apply twice (§3.4 trigger)", "not-opened", []step{{applyPath, `{}`, catalog.AccessAlreadyApplied}}}, // applied by the 1040008 case
			{"1040020 not a trial store", "not-trial-store", []step{{applyPath, `{}`, catalog.AccessNotTrialStore}}},
			{"1040021 tasks 8–11 before their criteria", "onboarding", []step{ // applied by the 1040008 case
				{finishPath, finish(8), catalog.AccessCompletionCriteriaUnmet}, {finishPath, finish(9), catalog.AccessCompletionCriteriaUnmet},
				{finishPath, finish(20), catalog.AccessCompletionCriteriaUnmet}, {finishPath, finish(10), catalog.AccessCompletionCriteriaUnmet},
				{finishPath, finish(11), catalog.AccessCompletionCriteriaUnmet}}},
			{"1040022 too many stores", "too-many-stores", []step{{applyPath, `{}`, catalog.AccessStoreCountExceeded}}},
			{"990007 access_info_item no task", "onboarding", []step{{finishPath, finish(5), catalog.ParameterMissing},
				{finishPath, finish(12), catalog.ParameterMissing}, {finishPath, finish(21), catalog.ParameterMissing},
				{finishPath, `{"access_info_item":"6"}`, catalog.ParameterMissing}, {finishPath, `{"access_info_item":6.5}`, catalog.ParameterMissing}}},
			{"990007 scene group other than 1", "default", []step{{scenePath, scene(2), catalog.ParameterMissing},
				{scenePath, `{"scene_group_id":"1"}`, catalog.ParameterMissing}, {scenePath, `{}`, catalog.ParameterMissing},
				{scenePath, `{"scene_group":0}`, catalog.ParameterMissing}, {scenePath, `{"scene_group_id":1,"scene_group":2}`, catalog.ParameterMissing},
				{scenePath, `{"scene_group_id":null}`, catalog.ParameterMissing}}},
		} {
			run(t, tg, tc.profile, tc.steps...)
		}
		// No refusal profile ever connects: check stays 1040003 and the
		// other APIs 48001.
		for _, r := range applyRefusals { // each rule's profile is its name with hyphens
			run(t, tg, strings.ReplaceAll(r.name, "_", "-"), step{checkPath, `{}`, catalog.AccessNotConnected}, step{"/shop/cat/get", `{}`, catalog.APIUnauthorized})
		}
	})
}

// TestAccessPrecedence pins the order of checks per endpoint: each case
// breaks two rules at once and the earlier one must answer.
func TestAccessPrecedence(t *testing.T) {
	custom := []Profile{
		{Name: "connected-mini-game", Access: accessProfile{Refusal: "mini_game"}},
		{Name: "connected-not-whitelisted", Access: accessProfile{Refusal: "not_whitelisted"}},
		{Name: "connected-scene-by-table-name"},
	}
	forEachTargetWith(t, custom, func(t *testing.T, tg *target) {
		for _, tc := range []struct {
			name, profile, path, body string
			want                      catalog.Code
		}{
			{"JSON before 1040003", "not-opened", checkPath, `not-json`, catalog.NotJSON},
			{"third party before the register handlers", "third-party-no-permission", applyPath, `{}`, catalog.ThirdPartyPermissionMissing},
			{"register/* skip 48001", "not-opened", finishPath, finish(6), catalog.AccessNotConnected},
			{"magic before the register handlers", "not-opened", checkPath, `{"x":"SHOPCONFORM_MAGIC_BUSY"}`, catalog.SystemBusy},
			{"apply: account type before state", "connected-mini-game", applyPath, `{}`, catalog.AccessNotRegularMiniProgram},
			{"finish: required before state", "not-opened", finishPath, `{}`, catalog.ParameterMissing},
			{"finish: task value before state", "not-opened", finishPath, finish(5), catalog.ParameterMissing},
			{"finish: state before criteria", "default", finishPath, finish(8), catalog.AccessStateFlowError},
			{"apply_scene: group before whitelist", "not-whitelisted", scenePath, scene(2), catalog.ParameterMissing},
			{"apply_scene: whitelist before state", "not-whitelisted", scenePath, scene(1), catalog.AccessNotWhitelisted},
			{"apply_scene: whitelist on a connected account", "connected-not-whitelisted", scenePath, scene(1), catalog.AccessNotWhitelisted},
		} {
			resp := post(t, tg, token(t, tg, tc.profile), tc.path, tc.body)
			if got := errcode(t, resp); got != tc.want {
				t.Errorf("%s: got %d, want %d (%v)", tc.name, got, tc.want, resp["errmsg"])
			}
		}
		// apply_scene by the table's name scene_group (§2.11): the same
		// group as scene_group_id.
		run(t, tg, "connected-scene-by-table-name", step{scenePath, `{"scene_group":1}`, 0},
			step{scenePath, `{"scene_group_id":1,"scene_group":1}`, catalog.AccessUnderReview})
		// finish: state before "already finished", and "already finished"
		// answers 0 without looking at the criteria again.
		me := accountOf(t, tg, "onboarding").OpenID
		run(t, tg, "onboarding", append([]step{{applyPath, `{}`, 0}}, append(readyToFinish(me),
			step{finishPath, finish(6), 0}, step{finishPath, finish(6), 0}, step{finishPath, finish(7), 0}, step{finishPath, finish(19), 0})...)...)
	})
}

// TestAccessCheckFields: register/check's documented fields on a
// connected account (§2.1), and the scene list after apply_scene.
func TestAccessCheckFields(t *testing.T) {
	forEachTarget(t, func(t *testing.T, tg *target) {
		tok := token(t, tg, "default")
		resp := post(t, tg, tok, checkPath, `{}`)
		wantCode(t, resp, 0)
		if got := num(t, resp, "data.status"); got != "3" {
			t.Errorf("status %s, want 3 (connected)", got)
		}
		for _, f := range []string{"spu_audit_success", "spu_audit_finished", "ec_order_success", "ec_order_finished",
			"send_delivery_success", "send_delivery_finished", "ec_after_sale_success", "ec_after_sale_finished",
			"test_api_finished", "deploy_wxa_finished", "open_product_task_finished"} {
			wantFields(t, resp, "data.access_info."+f)
		}
		if got := at(t, resp, "data.scene_group_list").([]any); len(got) != 0 {
			t.Errorf("scene_group_list %v, want []", got)
		}
		wantCode(t, post(t, tg, tok, scenePath, scene(1)), 0)
		resp = post(t, tg, tok, checkPath, `{}`)
		if num(t, resp, "data.scene_group_list.0.group_id") != "1" || num(t, resp, "data.scene_group_list.0.status") != "0" {
			t.Errorf("scene_group_list %v, want group 1 reviewing", at(t, resp, "data.scene_group_list"))
		}
		wantFields(t, resp, "data.scene_group_list.0.name", "data.scene_group_list.0.scene_group_ext_list.1.ext_id")
	})
}

// TestAccessProfileKnob: access.refusal is read strictly.
func TestAccessProfileKnob(t *testing.T) {
	if err := (accessProfile{Refusal: "mini-game"}).validate(); err == nil {
		t.Error("a refusal that is no rule's name was accepted")
	}
	for _, r := range applyRefusals {
		if err := (accessProfile{Refusal: r.name}).validate(); err != nil {
			t.Error(err)
		}
	}
}
