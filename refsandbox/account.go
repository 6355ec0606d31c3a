package refsandbox

import (
	"slices"
)

// Merchant account info (api-reference §2.2 /shop/account/*): the
// categories and brands the merchant may sell (granted by audits, see
// audit.go), and the customer-service settings and return address that
// update_info writes and get_info reads.

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
// categories the merchant may sell in (contract: qualification_type 0 or
// 2, and 1 once approved by a category audit).
func accountCategoryList(req *request) (map[string]any, error) {
	return map[string]any{"data": loadedCategories().sellable(req.acct.audit.categoryGranted)}, nil
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
// is optional and a field sent replaces the stored one. Checked, all as
// 990007: the types; service_agent_type items are 0, 1 or 2; an address
// sent carries receiver_name, detailed_address and tel_number (§2.2 R);
// and, after merging, type 1 has a path and type 2 a phone (I: the types
// name those fields). Nothing is stored unless all pass.
func accountUpdateInfo(req *request) (map[string]any, error) {
	next, err := mergeInfo(*req.acct.merchant, req.body)
	if err != nil {
		return nil, err
	}
	*req.acct.merchant = next
	return nil, nil
}

func mergeInfo(m merchantState, body map[string]any) (merchantState, error) {
	r := &fieldReader{obj: body, kind: errParameterMissing}
	if body["service_agent_path"] != nil {
		m.AgentPath = r.optStr("service_agent_path")
	}
	if body["service_agent_phone"] != nil {
		m.AgentPhone = r.optStr("service_agent_phone")
	}
	if body["service_agent_type"] != nil {
		m.AgentType = readAgentTypes(r)
	}
	if body["default_receiving_address"] != nil {
		m.Address = readAddress(r)
	}
	if r.err == nil && slices.Contains(m.AgentType, agentCustomPath) && m.AgentPath == "" {
		r.fail("service_agent_path", "is required by service_agent_type 1")
	}
	if r.err == nil && slices.Contains(m.AgentType, agentPhone) && m.AgentPhone == "" {
		r.fail("service_agent_phone", "is required by service_agent_type 2")
	}
	return m, r.err
}

func readAgentTypes(r *fieldReader) []int64 {
	items, ok := r.obj["service_agent_type"].([]any)
	out := []int64{}
	for _, it := range items {
		n, isInt := asInt(it)
		if !isInt || n < agentMiniProgram || n > agentPhone {
			ok = false
		}
		out = append(out, n)
	}
	if !ok {
		r.fail("service_agent_type", "must be an array of 0, 1 and 2")
	}
	return out
}

func readAddress(r *fieldReader) addressSetting {
	obj, ok := asObject(r.obj["default_receiving_address"])
	if !ok {
		r.fail("default_receiving_address", "must be an object")
		return addressSetting{}
	}
	a := &fieldReader{obj: obj, prefix: "default_receiving_address.", kind: r.kind}
	addr := addressSetting{
		ReceiverName:    a.str("receiver_name"),
		DetailedAddress: a.str("detailed_address"),
		TelNumber:       a.str("tel_number"),
		Country:         a.optStr("country"),
		Province:        a.optStr("province"),
		City:            a.optStr("city"),
		Town:            a.optStr("town"),
	}
	if r.err == nil {
		r.err = a.err
	}
	return addr
}
