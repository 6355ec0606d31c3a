package refsandbox

import "sync"

// store holds all mutable state of one Sandbox: one partition per
// account, keyed by appid, plus the issued tokens. Resetting an account
// (the control API) swaps in a fresh partition built from its profile, so
// its credentials survive and everything the API created does not.
type store struct {
	profiles []*Profile // read-only after New

	mu       sync.RWMutex // guards the fields below, not their contents
	accounts map[string]*account
	minted   []string // appids of minted accounts, oldest first
	tokens   *tokenStore
}

func newStore(profiles []*Profile) *store {
	st := &store{profiles: profiles, accounts: make(map[string]*account, len(profiles)), tokens: newTokenStore()}
	for _, p := range profiles {
		st.accounts[p.AppID] = newAccount(p)
	}
	return st
}

func (st *store) account(appid string) (*account, bool) {
	st.mu.RLock()
	defer st.mu.RUnlock()
	a, ok := st.accounts[appid]
	return a, ok
}

func (st *store) issued() *tokenStore {
	st.mu.RLock()
	defer st.mu.RUnlock()
	return st.tokens
}

// account is one appid's partition. The profile and openid set never
// change; mu guards the counters and every domain state, and is held for
// the whole of a domain handler call.
type account struct {
	profile *Profile
	openids map[string]bool

	clock accountClock // read without mu: atomic

	mu     sync.Mutex
	quota  map[string]dailyCount // by route path
	bucket bucket

	// One pointer per domain, each type declared in its domain's file.
	product   *productState
	merchant  *merchantState
	order     *orderState
	aftersale *aftersaleState
	delivery  *deliveryState
	access    *accessState
	audit     *auditState
	upload    *uploadState
	coupon    *couponState
	share     *shareState
}

func newAccount(p *Profile) *account {
	openids := make(map[string]bool, len(p.OpenIDs))
	for _, id := range p.OpenIDs {
		openids[id] = true
	}
	return &account{
		profile:   p,
		openids:   openids,
		quota:     map[string]dailyCount{},
		product:   newProductState(p.Product),
		merchant:  newMerchantState(),
		order:     newOrderState(p.Order),
		aftersale: newAftersaleState(p.Order),
		delivery:  newDeliveryState(p.Order),
		access:    newAccessState(p),
		audit:     newAuditState(p.Audit),
		upload:    newUploadState(p.Upload),
		coupon:    newCouponState(p.Coupon),
		share:     newShareState(p.Share),
	}
}
