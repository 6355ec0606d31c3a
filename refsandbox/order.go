package refsandbox

// Order domain (api-reference §2.5 orders and scene check, §3.3 codes
// 1000000, 1010xxx, 1030xxx). Delivery and after-sale, which share the
// order domain's suite and profile, have their own files.

// orderProfile is the order domain's fixed account state (Profile.Order,
// JSON "order"); delivery and after-sale state are seeded from it too.
type orderProfile struct{}

// orderState is one account's orders; guarded by account.mu.
type orderState struct{}

func newOrderState(orderProfile) *orderState { return &orderState{} }
