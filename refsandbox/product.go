package refsandbox

// Product domain (api-reference §2.4 SPU, §3.2 codes 1000xxx). Handlers,
// their store sentinels (errProductNotFound, …) and the one switch that
// maps those to codes belong in this file.

// productProfile is the product domain's fixed account state
// (Profile.Product, JSON "product"), e.g. granted categories and brands.
type productProfile struct{}

// productState is one account's products; guarded by account.mu.
type productState struct{}

func newProductState(productProfile) *productState { return &productState{} }
