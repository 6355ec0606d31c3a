package refsandbox

// The onboarding tasks and scene applications (api-reference §2.1
// register/finish_access_info and register/apply_scene; §3.4; issue-5
// contract "register/finish_access_info", "register/apply_scene").

// access_info_item values (§2.1, DOC:enter/finish_access_info).
const (
	taskSPU          = 6  // SPU API done
	taskOrder        = 7  // order API done
	taskDelivery     = 8  // delivery API done
	taskAftersale    = 9  // after-sale API done
	taskTest         = 10 // test done
	taskRelease      = 11 // release done
	taskSubOrder     = 19 // sub-merchant order: counts as 7 (contract)
	taskSubAftersale = 20 // sub-merchant after-sale: counts as 9 (contract)
)

// taskOf reads access_info_item: the task it finishes, or false for a
// value that is no task (990007, contract).
func taskOf(v any) (int, bool) {
	n, ok := asInt(v)
	switch {
	case !ok:
		return 0, false
	case n == taskSubOrder:
		return taskOrder, true
	case n == taskSubAftersale:
		return taskAftersale, true
	case n >= taskSPU && n <= taskRelease:
		return int(n), true
	}
	return 0, false
}

// registerFinishAccessInfo answers /shop/register/finish_access_info:
// route access_info_item present (990007) → a task value: 6–11, 19, 20
// (990007) → not connected (1040003, D) → under review or connected
// (1040004, I: the tasks belong to onboarding) → already finished
// (errcode 0) → the task's precondition (1040008 for 6 and 7, 1040021
// for 8–11; contract) → finished; 11 ends onboarding: under review on a
// held-review profile, else connected.
func registerFinishAccessInfo(req *request) (map[string]any, error) {
	st := req.acct.access
	task, ok := taskOf(req.body["access_info_item"])
	if !ok {
		return nil, failf(errParameterMissing, "access_info_item must be 6, 7, 8, 9, 10, 11, 19 or 20")
	}
	switch st.state {
	case notConnected:
		return nil, failf(errNotConnected, "apply with /shop/register/apply first")
	case underReview, connected:
		return nil, failf(errAccessStateFlow, "the account is %s; the onboarding tasks are over", st.state)
	}
	if st.finished[task] {
		return nil, nil
	}
	if err := st.taskReady(task, req.acct.progress()); err != nil {
		return nil, err
	}
	st.finished[task] = true
	if task == taskRelease {
		st.state = connected
		if st.reviewHeld {
			st.state = underReview
		}
	}
	return nil, nil
}

// taskReady is each task's completion criterion. 6 and 7 are the
// "opening preconditions" §3.4 1040008 names (an API product approved, an
// API order paid: D text); the others are "completion criteria not met",
// 1040021 (D text / I mapping). Both readings are the contract's.
func (st *accessState) taskReady(task int, p progress) error {
	switch task {
	case taskSPU:
		if !p.productApproved {
			return failf(errPreconditionsUnmet, "no product added through spu/add is approved yet")
		}
	case taskOrder:
		if !p.orderPaid {
			return failf(errPreconditionsUnmet, "no order added through order/add is paid yet (status 20 or later)")
		}
	case taskDelivery:
		if !p.orderShipped {
			return failf(errCompletionUnmet, "no order is shipped through delivery/send yet")
		}
	case taskAftersale:
		if !p.aftersaleAdded {
			return failf(errCompletionUnmet, "no after-sale is added through ecaftersale/add yet")
		}
	case taskTest:
		for _, t := range []int{taskSPU, taskOrder, taskDelivery, taskAftersale} {
			if !st.finished[t] {
				return failf(errCompletionUnmet, "finish task %d before 10", t)
			}
		}
	case taskRelease:
		if !st.finished[taskTest] {
			return failf(errCompletionUnmet, "finish task 10 before 11")
		}
	}
	return nil
}

// The one scene group that exists (§2.1 "1 = Channels/Official-Account
// scene"), and its two review items (§2.1 scene_group_ext_list ext_id).
const (
	sceneChannels     = 1
	sceneChannelsName = "视频号、公众号场景"
	sceneReviewing    = 0 // status 0 reviewing / 1 ok / 2 failed: scene reviews are done by people and stay pending
)

// sceneApplication is one register/apply_scene.
type sceneApplication struct {
	groupID int
	status  int
}

// sceneViews is data.scene_group_list (§2.1); [] rather than null.
func (st *accessState) sceneViews() []map[string]any {
	out := make([]map[string]any, 0, len(st.scenes))
	for _, s := range st.scenes {
		out = append(out, map[string]any{
			"group_id": s.groupID,
			"name":     sceneChannelsName,
			"status":   s.status,
			"reason":   "",
			"scene_group_ext_list": []map[string]any{
				{"ext_id": 1, "name": "客服售后", "status": s.status},
				{"ext_id": 2, "name": "电商平台", "status": s.status},
			},
		})
	}
	return out
}

// registerApplyScene answers /shop/register/apply_scene: route
// scene_group_id present (990007) → scene_group_id 1 (990007, contract) →
// not on the whitelist (1040006, D text; profile not-whitelisted, checked
// before the state like register/apply's account type, else it could never
// answer here) → not connected (1040003) → applying or under review
// (1040008: the account is not open yet) → an application for the group
// pending (1040010) → the group is under review (status 0).
func registerApplyScene(req *request) (map[string]any, error) {
	st := req.acct.access
	id, ok := asInt(req.body["scene_group_id"])
	var err error
	switch {
	case !ok || id != sceneChannels:
		err = failf(errParameterMissing, "scene_group_id must be 1 (the Channels/Official-Account scene)")
	case st.refusal == errNotWhitelisted:
		err = failf(errNotWhitelisted, "this account is not on the scene whitelist")
	case st.state == notConnected:
		err = failf(errNotConnected, "apply with /shop/register/apply first")
	case st.state == applying || st.state == underReview:
		err = failf(errPreconditionsUnmet, "the account is %s; scenes need a connected account", st.state)
	case st.scenePending(int(id)):
		err = failf(errAccessUnderReview, "scene group %d is under review", id)
	}
	if err != nil {
		return nil, err
	}
	st.scenes = append(st.scenes, sceneApplication{groupID: int(id), status: sceneReviewing})
	return nil, nil
}

func (st *accessState) scenePending(group int) bool {
	for _, s := range st.scenes {
		if s.groupID == group && s.status == sceneReviewing {
			return true
		}
	}
	return false
}
