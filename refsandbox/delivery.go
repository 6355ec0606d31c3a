package refsandbox

// Delivery (api-reference §2.6 /shop/delivery/*). Part of the order
// domain: its fixed account state lives in orderProfile.

// deliveryState is one account's shipments; guarded by account.mu.
type deliveryState struct{}

func newDeliveryState(orderProfile) *deliveryState { return &deliveryState{} }

// carrier is one entry of /shop/delivery/get_company_list.
type carrier struct {
	ID   string `json:"delivery_id"`
	Name string `json:"delivery_name"`
}

// carriers is the sandbox's fixed company list; delivery/send should accept
// exactly these delivery_id values (§2.6 "from company list").
func carriers() []carrier {
	return []carrier{
		{"SF", "顺丰速运"},
		{"ZTO", "中通快递"},
		{"YTO", "圆通速递"},
		{"YD", "韵达快递"},
		{"STO", "申通快递"},
		{"EMS", "EMS"},
		{"JD", "京东快递"},
	}
}

// deliveryCompanyList answers /shop/delivery/get_company_list (§2.6).
func deliveryCompanyList(*request) reply {
	return okReply(map[string]any{"company_list": carriers()})
}
