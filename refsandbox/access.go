package refsandbox

import (
	"fmt"
	"slices"
	"strings"

	"github.com/shopconform/shopconform/apispec/validate"
	"github.com/shopconform/shopconform/catalog"
)

// Access / onboarding domain (api-reference §2.1 /shop/register/*, §3.4
// codes 1040xxx; refsandbox/README.md, Onboarding and sharers). The
// fields of these endpoints are the spec's (apispec/data/access.json);
// the handlers keep the rules about onboarding state.
//
// An account is in one of four onboarding states. The docs name the
// codes, not the status values; the values are the sandbox's reading
// (I). Whether an account may call the other /shop/ APIs follows this
// state (accountStage in pipeline.go), not a static flag: a profile's
// `opened: false` only says it starts not connected.
//
// This file holds the profile knobs, the state, the sentinels and
// register/apply and register/check; access_tasks.go holds
// finish_access_info and apply_scene, access_progress.go what onboarding
// reads from the product and order worlds.

// onboarding is an account's state; its value is register/check's
// data.status (I, refsandbox/README.md). notConnected never reaches the
// wire: check answers 1040003 instead.
type onboarding int

const (
	notConnected onboarding = 0
	applying     onboarding = 1 // after register/apply; the component is open for the tasks
	underReview  onboarding = 2 // every task done, the access review held (onboarding-review-held)
	connected    onboarding = 3 // the review approved; every existing profile starts here
)

func (o onboarding) String() string {
	return [...]string{"not connected", "applying", "under review", "connected"}[o]
}

// accessProfile is the access domain's fixed account state
// (Profile.Access, JSON "access"): facts about the account that no
// request can change (§3.4 marks them NS).
type accessProfile struct {
	// Refusal names why register/apply refuses this account, one of
	// applyRefusals' names (refsandbox/README.md, built-in profiles); "" for none.
	// not_whitelisted refuses apply_scene too (§3.4 1040006).
	Refusal string `json:"refusal,omitempty"`
	// ReviewHeld keeps the access review pending after the last task
	// (profile onboarding-review-held): the account stays under review.
	// Otherwise the review is approved at once and the account connects.
	ReviewHeld bool `json:"review_held,omitempty"`
	// Applied starts an unopened account applying, as if register/apply
	// had answered 0 (profile onboarding-applied): what the onboarding
	// tasks' examples presuppose, reachable by minting alone.
	Applied bool `json:"applied,omitempty"`
}

// refusalRule is one value of access.refusal and the sentinel it answers.
type refusalRule struct {
	name string
	err  error
}

// applyRefusals are the account-type refusals of register/apply, in the
// order they are checked in, each with its §3.4 row (all D text, NS).
var applyRefusals = []refusalRule{
	{"mini_game", errNotRegularMiniProgram},         // 1040001 D text
	{"category_not_allowed", errCategoryNotAllowed}, // 1040005 D text
	{"not_whitelisted", errNotWhitelisted},          // 1040006 D text
	{"standard_component", errStandardComponent},    // 1040007 D
	{"violation_record", errViolationRecord},        // 1040009 D text
	{"realname_failed", errRealNameFailed},          // 1040014 D text
	{"security_check_failed", errSecurityCheck},     // 1040015 D text
	{"payment_check_failed", errPaymentCheck},       // 1040016 D text
	{"mini_store", errExistingMiniStore},            // 1040018 D text
	{"not_trial_store", errNotTrialStore},           // 1040020 D text
	{"too_many_stores", errTooManyStores},           // 1040022 D text
}

// validate is called by Profile.validate: an unknown refusal would
// otherwise silently mean "no refusal".
func (p accessProfile) validate() error {
	if p.Refusal == "" || p.refusal() != nil {
		return nil
	}
	names := make([]string, len(applyRefusals))
	for i, r := range applyRefusals {
		names[i] = r.name
	}
	return fmt.Errorf("access.refusal: want one of %s, got %q", strings.Join(names, ", "), p.Refusal)
}

// refusal is the sentinel of the profile's refusal, or nil.
func (p accessProfile) refusal() error {
	i := slices.IndexFunc(applyRefusals, func(r refusalRule) bool { return r.name == p.Refusal })
	if i < 0 {
		return nil
	}
	return applyRefusals[i].err
}

// accessState is one account's onboarding progress; guarded by account.mu.
type accessState struct {
	refusal    error // from the profile; nil for none
	reviewHeld bool
	state      onboarding
	finished   map[int]bool // access_info_item (6–11) → finished; 19 and 20 count as 7 and 9
	scenes     []sceneApplication
}

// newAccessState starts a profile with `opened: false` not connected and
// every other one connected (refsandbox/README.md, Onboarding states).
func newAccessState(p *Profile) *accessState {
	st := &accessState{refusal: p.Access.refusal(), reviewHeld: p.Access.ReviewHeld, state: connected, finished: map[int]bool{}}
	if !*orDefault(p.Opened, true) {
		st.state = notConnected
		if p.Access.Applied {
			st.state = applying
		}
	}
	return st
}

// componentOpen is what accountStage asks before every API but
// /shop/register/*: the component works for the onboarding tasks from
// register/apply on: an applying account needs them for its tasks.
func (a *account) componentOpen() bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.access.state != notConnected
}

// Sentinels of the access domain, each naming its §3.4 code.
var (
	errNotRegularMiniProgram = codeErr(catalog.AccessNotRegularMiniProgram, "not a regular mini program")    // 1040001 D text (NS: profile mini-game)
	errAlreadyConnected      = codeErr(catalog.AccessAlreadyConnected, "already connected")                  // 1040002 D
	errNotConnected          = codeErr(catalog.AccessNotConnected, "not connected")                          // 1040003 D
	errAccessStateFlow       = codeErr(catalog.AccessStateFlowError, "onboarding state does not allow this") // 1040004 I
	errCategoryNotAllowed    = codeErr(catalog.AccessCategoryNotAllowed, "category may not connect")         // 1040005 D text (NS: profile)
	errNotWhitelisted        = codeErr(catalog.AccessNotWhitelisted, "not on the whitelist")                 // 1040006 D text (NS: profile)
	errStandardComponent     = codeErr(catalog.AccessStandardComponentInUse, "standard component in use")    // 1040007 D (NS: profile)
	errPreconditionsUnmet    = codeErr(catalog.AccessPreconditionsUnmet, "opening preconditions unmet")      // 1040008 D text / I endpoint
	errViolationRecord       = codeErr(catalog.AccessViolationRecord, "violation record")                    // 1040009 D text (NS: profile)
	errAccessUnderReview     = codeErr(catalog.AccessUnderReview, "under review")                            // 1040010 D text
	errRealNameFailed        = codeErr(catalog.AccessRealNameCheckFailed, "real-name check failed")          // 1040014 D text (NS: profile)
	errSecurityCheck         = codeErr(catalog.AccessSecurityCheckFailed, "security check failed")           // 1040015 D text (NS: profile)
	errPaymentCheck          = codeErr(catalog.AccessPaymentCheckFailed, "payment check failed")             // 1040016 D text (NS: profile)
	errExistingMiniStore     = codeErr(catalog.AccessExistingMiniStore, "existing Mini Store")               // 1040018 D text (NS: profile)
	errAlreadyApplied        = codeErr(catalog.AccessAlreadyApplied, "already applied")                      // 1040019 D text
	errNotTrialStore         = codeErr(catalog.AccessNotTrialStore, "not a trial store")                     // 1040020 D text (NS: profile)
	errCompletionUnmet       = codeErr(catalog.AccessCompletionCriteriaUnmet, "completion criteria unmet")   // 1040021 D text / I mapping
	errTooManyStores         = codeErr(catalog.AccessStoreCountExceeded, "too many stores")                  // 1040022 D text (NS: profile)
)

// registerApply answers /shop/register/apply (§2.1; its body has no
// fields, apispec/data/access.json): the account type first (the profile's refusal,
// 1040001 … 1040022), then the state: connected 1040002 (D), applying
// 1040019 (D text: "already submitted an application"), under review
// 1040010 (D text). Otherwise the account is applying.
func registerApply(req *request) (map[string]any, error) {
	st := req.acct.access
	var err error
	switch {
	case st.refusal != nil:
		err = failf(st.refusal, "this account may not open the component (profile %s)", req.profile.Name)
	case st.state == connected:
		err = failf(errAlreadyConnected, "the component is already connected")
	case st.state == applying:
		err = failf(errAlreadyApplied, "the application is submitted; finish the onboarding tasks")
	case st.state == underReview:
		err = failf(errAccessUnderReview, "the access review is pending")
	}
	if err != nil {
		return nil, err
	}
	st.state = applying
	return nil, nil
}

// registerCheck answers /shop/register/check (§2.1): 1040003 before the
// account applied (DOC:enter/enter_check, D); otherwise data.status,
// data.access_info and data.scene_group_list.
func registerCheck(req *request) (map[string]any, error) {
	st := req.acct.access
	if st.state == notConnected {
		return nil, failf(errNotConnected, "apply with /shop/register/apply first")
	}
	return map[string]any{"data": map[string]any{
		"status":           int(st.state),
		"access_info":      st.accessInfo(req.acct),
		"scene_group_list": st.sceneViews(),
	}}, nil
}

// accessInfo is data.access_info (§2.1): each *_success flag follows what
// the account did in the other worlds, each *_finished flag follows
// finish_access_info. open_product_task_finished, which the docs leave
// open, is 1 once the task list is over (under review or connected).
func (st *accessState) accessInfo(a *account) map[string]int {
	p := a.progress()
	return map[string]int{
		"spu_audit_success":          flag(p.productApproved),
		"spu_audit_finished":         flag(st.finished[taskSPU]),
		"ec_order_success":           flag(p.orderPaid),
		"ec_order_finished":          flag(st.finished[taskOrder]),
		"send_delivery_success":      flag(p.orderShipped),
		"send_delivery_finished":     flag(st.finished[taskDelivery]),
		"ec_after_sale_success":      flag(p.aftersaleAdded),
		"ec_after_sale_finished":     flag(st.finished[taskAftersale]),
		"test_api_finished":          flag(st.finished[taskTest]),
		"deploy_wxa_finished":        flag(st.finished[taskRelease]),
		"open_product_task_finished": flag(st.state == underReview || st.state == connected),
	}
}

func flag(b bool) int {
	if b {
		return 1
	}
	return 0
}

// accessChecks are this domain's named rules of the spec.
var accessChecks = map[string]validate.Check{}
