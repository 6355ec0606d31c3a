package refsandbox

// After-sale (api-reference §2.7, v1 /shop/aftersale/* and v2
// /shop/ecaftersale/*; §3.3 codes 1020xxx). Part of the order domain: its
// fixed account state lives in orderProfile.

// aftersaleState is one account's after-sale orders; guarded by account.mu.
type aftersaleState struct{}

func newAftersaleState(orderProfile) *aftersaleState { return &aftersaleState{} }
