package refsandbox

import (
	"testing"

	"github.com/shopconform/shopconform/catalog"
)

// TestOnboardingWalk walks an account from not connected to connected on
// `onboarding` (refsandbox/README.md), reading register/check after the moves
// that change it and meeting the documented refusals on the way: each
// task refused before the account did what it needs, then accepted.
func TestOnboardingWalk(t *testing.T) {
	forEachTarget(t, func(t *testing.T, tg *target) {
		tok := token(t, tg, "onboarding")
		me := accountOf(t, tg, "onboarding").OpenID
		walk := func(steps ...step) {
			t.Helper()
			for i, s := range steps {
				resp := post(t, tg, tok, s.path, s.body)
				if got := errcode(t, resp); got != s.want {
					t.Fatalf("step %d: %s %s = %d, want %d (%v)", i+1, s.path, s.body, got, s.want, resp["errmsg"])
				}
			}
		}
		flags := func(want map[string]int) {
			t.Helper()
			resp := post(t, tg, tok, checkPath, `{}`)
			wantCode(t, resp, 0)
			for f, v := range want {
				if got := num(t, resp, "data.access_info."+f); got != itoa(v) {
					t.Errorf("access_info.%s = %s, want %d", f, got, v)
				}
			}
		}
		status := func(want int) {
			t.Helper()
			resp := post(t, tg, tok, checkPath, `{}`)
			wantCode(t, resp, 0)
			if got := num(t, resp, "data.status"); got != itoa(want) {
				t.Errorf("data.status = %s, want %d", got, want)
			}
		}

		// Not connected: check 1040003, the other APIs 48001.
		walk(step{checkPath, `{}`, catalog.AccessNotConnected}, step{add, spuBody("onb"), catalog.APIUnauthorized},
			step{finishPath, finish(6), catalog.AccessNotConnected}, step{scenePath, scene(1), catalog.AccessNotConnected},
			step{applyPath, `{}`, 0}, step{applyPath, `{}`, catalog.AccessAlreadyApplied})
		status(1)
		flags(map[string]int{"spu_audit_success": 0, "spu_audit_finished": 0, "open_product_task_finished": 0})

		// 6: an approved product.
		walk(step{finishPath, finish(6), catalog.AccessPreconditionsUnmet}, step{add, spuBody("onb"), 0})
		flags(map[string]int{"spu_audit_success": 1, "spu_audit_finished": 0})
		walk(step{finishPath, finish(6), 0})
		flags(map[string]int{"spu_audit_finished": 1, "ec_order_success": 0})

		// 7: an order added and paid.
		walk(step{finishPath, finish(7), catalog.AccessPreconditionsUnmet}, step{orderAddPath, newOrder(me, "onb-1"), 0},
			step{finishPath, finish(7), catalog.AccessPreconditionsUnmet}, step{orderPayPath, payBody(me, "onb-1"), 0})
		flags(map[string]int{"ec_order_success": 1, "ec_order_finished": 0})
		walk(step{finishPath, finish(7), 0})

		// 8: shipped.
		walk(step{finishPath, finish(8), catalog.AccessCompletionCriteriaUnmet}, step{sendPath, sendBody(me, "onb-1", 1), 0})
		flags(map[string]int{"ec_order_finished": 1, "send_delivery_success": 1, "send_delivery_finished": 0})
		walk(step{finishPath, finish(8), 0})

		// 10 needs 6–9; 9: an after-sale.
		walk(step{finishPath, finish(10), catalog.AccessCompletionCriteriaUnmet}, step{finishPath, finish(9), catalog.AccessCompletionCriteriaUnmet},
			step{asAddPath, asBody(me, "onb-1", "onb-as", 1), 0}, step{finishPath, finish(9), 0})
		flags(map[string]int{"send_delivery_finished": 1, "ec_after_sale_success": 1, "ec_after_sale_finished": 1, "test_api_finished": 0})

		// 11 needs 10; scenes need a connected account.
		walk(step{finishPath, finish(11), catalog.AccessCompletionCriteriaUnmet}, step{finishPath, finish(10), 0},
			step{scenePath, scene(1), catalog.AccessPreconditionsUnmet}, step{finishPath, finish(11), 0})
		status(3)
		flags(map[string]int{"test_api_finished": 1, "deploy_wxa_finished": 1, "open_product_task_finished": 1})

		// Connected: apply 1040002, the tasks 1040004, scenes open.
		walk(step{applyPath, `{}`, catalog.AccessAlreadyConnected}, step{finishPath, finish(6), catalog.AccessStateFlowError},
			step{scenePath, scene(1), 0}, step{scenePath, scene(1), catalog.AccessUnderReview}, step{getList, `{"page":1,"page_size":10}`, 0})
	})
}

// TestOnboardingWalkReviewHeld: the same walk on onboarding-review-held
// ends under review (status 2), where apply is 1040010, the tasks are
// over (1040004), scenes still wait (1040008) and the APIs work.
func TestOnboardingWalkReviewHeld(t *testing.T) {
	forEachTarget(t, func(t *testing.T, tg *target) {
		me := accountOf(t, tg, "onboarding-review-held").OpenID
		tasks := []step{{applyPath, `{}`, 0}}
		tasks = append(tasks, readyToFinish(me)...)
		for _, item := range []int{6, 19, 8, 20, 10, 11} {
			tasks = append(tasks, step{finishPath, finish(item), 0})
		}
		run(t, tg, "onboarding-review-held", tasks...)
		tok := token(t, tg, "onboarding-review-held")
		resp := post(t, tg, tok, checkPath, `{}`)
		wantCode(t, resp, 0)
		if got := num(t, resp, "data.status"); got != "2" {
			t.Errorf("data.status = %s, want 2 (under review)", got)
		}
		if got := num(t, resp, "data.access_info.ec_order_finished"); got != "1" {
			t.Errorf("19 must finish the order task: ec_order_finished = %s", got)
		}
		run(t, tg, "onboarding-review-held",
			step{applyPath, `{}`, catalog.AccessUnderReview},
			step{finishPath, finish(11), catalog.AccessStateFlowError},
			step{scenePath, scene(1), catalog.AccessPreconditionsUnmet},
			step{getList, `{"page":1,"page_size":10}`, 0})
	})
}
