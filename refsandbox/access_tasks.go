package refsandbox

// The onboarding tasks and scene applications (api-reference §2.1
// register/finish_access_info and register/apply_scene; §3.4; the order
// of checks in refsandbox/README.md, Onboarding and sharers).

// access_info_item values (§2.1, DOC:enter/finish_access_info). The spec
// (apispec/data/access.json) lets only these through.
const (
	taskSPU          = 6  // SPU API done
	taskOrder        = 7  // order API done
	taskDelivery     = 8  // delivery API done
	taskAftersale    = 9  // after-sale API done
	taskTest         = 10 // test done
	taskRelease      = 11 // release done
	taskSubOrder     = 19 // sub-merchant order: counts as 7
	taskSubAftersale = 20 // sub-merchant after-sale: counts as 9
)

// taskOf is the task a validated access_info_item finishes: the
// sub-merchant variants count as their plain tasks (refsandbox/README.md).
func taskOf(item int64) int {
	switch item {
	case taskSubOrder:
		return taskOrder
	case taskSubAftersale:
		return taskAftersale
	}
	return int(item)
}

// registerFinishAccessInfo answers /shop/register/finish_access_info
// once the spec let access_info_item through (an integer 6–11, 19 or 20,
// else 990007): not connected (1040003, D) → under review or connected
// (1040004, I: the tasks belong to onboarding) → already finished
// (errcode 0) → the task's precondition (1040008 for 6 and 7, 1040021
// for 8–11) → finished; 11 ends onboarding: under review on a
// held-review profile, else connected.
func registerFinishAccessInfo(req *request) (map[string]any, error) {
	st := req.acct.access
	item, _ := asInt(req.body["access_info_item"])
	task := taskOf(item)
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
// 1040021 (D text / I mapping); refsandbox/README.md gives the split.
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

// registerApplyScene answers /shop/register/apply_scene once the spec let
// the group through (scene_group_id or scene_group, §2.11, the integer 1,
// else 990007): not on the whitelist (1040006, D text; profile
// not-whitelisted, checked before the state like register/apply's
// account type, else it could never answer here) → not connected
// (1040003) → applying or under review (1040008: the account is not open
// yet) → an application for the group pending (1040010) → the group is
// under review (status 0).
func registerApplyScene(req *request) (map[string]any, error) {
	st := req.acct.access
	group := sceneGroupOf(req.body)
	var err error
	switch {
	case st.refusal == errNotWhitelisted:
		err = failf(errNotWhitelisted, "this account is not on the scene whitelist")
	case st.state == notConnected:
		err = failf(errNotConnected, "apply with /shop/register/apply first")
	case st.state == applying || st.state == underReview:
		err = failf(errPreconditionsUnmet, "the account is %s; scenes need a connected account", st.state)
	case st.scenePending(group):
		err = failf(errAccessUnderReview, "scene group %d is under review", group)
	}
	if err != nil {
		return nil, err
	}
	st.scenes = append(st.scenes, sceneApplication{groupID: group, status: sceneReviewing})
	return nil, nil
}

// sceneGroupOf reads the group by either of its names (§2.11: the
// example's scene_group_id, the table's scene_group); the spec requires
// one of them and allows only 1 in each.
func sceneGroupOf(body map[string]any) int {
	for _, key := range []string{"scene_group_id", "scene_group"} {
		if n, ok := asInt(body[key]); ok {
			return int(n)
		}
	}
	return sceneChannels
}

func (st *accessState) scenePending(group int) bool {
	for _, s := range st.scenes {
		if s.groupID == group && s.status == sceneReviewing {
			return true
		}
	}
	return false
}
