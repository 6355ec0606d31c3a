package refsandbox

// Access / onboarding domain (api-reference §2.1 /shop/register/*, §2.2
// /shop/account/*, §3.4 codes 1040xxx).

// accessProfile is the access domain's fixed account state
// (Profile.Access, JSON "access").
type accessProfile struct{}

// accessState is one account's onboarding progress; guarded by account.mu.
type accessState struct{}

func newAccessState(accessProfile) *accessState { return &accessState{} }
