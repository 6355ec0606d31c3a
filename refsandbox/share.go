package refsandbox

// Share domain (api-reference §2.9 /shop/sharer/*, /shop/promoter/list;
// §3.8 codes 1310xxx).

// shareProfile is the share domain's fixed account state (Profile.Share,
// JSON "share").
type shareProfile struct{}

// shareState is one account's sharers; guarded by account.mu.
type shareState struct{}

func newShareState(shareProfile) *shareState { return &shareState{} }
