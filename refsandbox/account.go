package refsandbox

import (
	"slices"
)

// Merchant account info (api-reference §2.2 /shop/account/*): the
// categories and brands the merchant may sell (granted by audits, see
// audit.go), and the customer-service settings and return address that
// update_info writes and get_info reads. The request fields are the
// spec's (apispec/data/product.json).

// Customer-service types (§2.2 service_agent_type).
const (
	agentMiniProgram = 0 // mini-program customer service
	agentCustomPath  = 1 // needs service_agent_path
	agentPhone       = 2 // needs service_agent_phone
)

// merchantState is one account's update_info settings; guarded by
// account.mu.
type merchantState struct {
	AgentPath  string         `json:"service_agent_path"`
	AgentPhone string         `json:"service_agent_phone"`
	AgentType  []int64        `json:"service_agent_type"`
	Address    addressSetting `json:"default_receiving_address"`
}

type addressSetting struct {
	ReceiverName    string `json:"receiver_name"`
	DetailedAddress string `json:"detailed_address"`
	TelNumber       string `json:"tel_number"`
	Country         string `json:"country"`
	Province        string `json:"province"`
	City            string `json:"city"`
	Town            string `json:"town"`
}

func newMerchantState() *merchantState { return &merchantState{AgentType: []int64{}} }

// accountCategoryList answers /shop/account/get_category_list (§2.2): the
// categories of the account's tree the merchant may sell in
// (qualification_type 0 or 2, and 1 once approved by a category audit).
func accountCategoryList(req *request) (map[string]any, error) {
	a := req.acct.audit
	return map[string]any{"data": a.tree.sellable(a.categoryGranted)}, nil
}

// accountBrandList answers /shop/account/get_brand_list (§2.2): brands
// granted by approved brand audits, in approval order. "No brand"
// (2100000000) is always allowed and so not listed.
func accountBrandList(req *request) (map[string]any, error) {
	brands := slices.Clone(req.acct.audit.brands)
	if brands == nil {
		brands = []grantedBrand{}
	}
	return map[string]any{"data": brands}, nil
}

// accountGetInfo answers /shop/account/get_info: every field, empty until
// update_info sets it.
func accountGetInfo(req *request) (map[string]any, error) {
	m := *req.acct.merchant
	m.AgentType = slices.Clone(m.AgentType)
	return map[string]any{"data": m}, nil
}

// accountUpdateInfo answers /shop/account/update_info (§2.2). Every field
// is optional, and the spec has checked what was sent (types, the phone
// numbers, service_agent_type's values, the address's required fields).
// A field sent replaces the stored one; then, after merging, type 1 needs
// a path and type 2 a phone (990007, I: the types name those fields), the
// one rule that reads the stored settings. Nothing is stored unless it
// passes.
func accountUpdateInfo(req *request) (map[string]any, error) {
	next := mergeInfo(*req.acct.merchant, req.body)
	switch {
	case slices.Contains(next.AgentType, agentCustomPath) && next.AgentPath == "":
		return nil, failf(errParameterMissing, "service_agent_path is required by service_agent_type 1")
	case slices.Contains(next.AgentType, agentPhone) && next.AgentPhone == "":
		return nil, failf(errParameterMissing, "service_agent_phone is required by service_agent_type 2")
	}
	*req.acct.merchant = next
	return nil, nil
}

// mergeInfo lays the fields sent over the stored settings.
func mergeInfo(m merchantState, body map[string]any) merchantState {
	if v, ok := body["service_agent_path"].(string); ok {
		m.AgentPath = v
	}
	if v, ok := body["service_agent_phone"].(string); ok {
		m.AgentPhone = v
	}
	if items, ok := body["service_agent_type"].([]any); ok {
		m.AgentType = make([]int64, len(items))
		for i, it := range items {
			m.AgentType[i], _ = asInt(it)
		}
	}
	if a, ok := asObject(body["default_receiving_address"]); ok {
		text := func(key string) string { s, _ := a[key].(string); return s }
		m.Address = addressSetting{
			ReceiverName:    text("receiver_name"),
			DetailedAddress: text("detailed_address"),
			TelNumber:       text("tel_number"),
			Country:         text("country"),
			Province:        text("province"),
			City:            text("city"),
			Town:            text("town"),
		}
	}
	return m
}
