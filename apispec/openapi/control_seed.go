package openapi

import (
	"fmt"
	"maps"
	"strings"

	"github.com/shopconform/shopconform/apispec"
)

// The seed kinds of the control API take objects in the shape the API's
// own read endpoints answer them (refsandbox/README.md "Control API"), so
// their schemas are built from the spec's responses and follow them.

// seedKind is one key of a seed body.
type seedKind struct {
	name      string
	component string
	// from are the read endpoints' members the item's shape is; a second
	// one adds the properties the first lacks.
	from []readMember
	// own are properties the read endpoints do not answer.
	own   schema
	about string
}

// readMember is a member of a read endpoint's success answer: a dotted
// path, "[]" for an array's item, "" for the whole answer.
type readMember struct{ path, member string }

// seedKinds are the kinds in the order the sandbox reads them.
func seedKinds() []seedKind {
	return []seedKind{
		{name: "products", component: "ControlSeedProduct",
			from:  []readMember{{"/shop/spu/get", "spu"}},
			about: "Products as /shop/spu/get answers them (its spu)."},
		{name: "audits", component: "ControlSeedAudit",
			from: []readMember{{"/shop/audit/result", "data"}},
			own: schema{
				"kind":     schema{"type": "string", "enum": []string{"brand", "category"}, "description": "A brand audit (audit_brand) or a category audit (audit_category)."},
				"audit_id": schema{"type": "string", "description": "The audit's id, as audit_brand or audit_category answers it and audit/result takes it."},
			},
			about: "Brand and category audits: what /shop/audit/result answers as data, with the audit's kind and audit_id."},
		{name: "orders", component: "ControlSeedOrder",
			from:  []readMember{{"/shop/order/get", "order"}},
			about: "Orders as /shop/order/get answers them (its order); an order's products may be ones of the same call."},
		{name: "aftersales", component: "ControlSeedAftersale",
			from:  []readMember{{"/shop/ecaftersale/get", "after_sales_order"}},
			about: "After-sales as /shop/ecaftersale/get answers them (its after_sales_order); an after-sale's order may be one of the same call."},
		{name: "coupons", component: "ControlSeedCoupon",
			from:  []readMember{{"/shop/coupon/get", "result"}},
			about: "Coupons as /shop/coupon/get answers them (its result: coupon and coupon_stock)."},
		{name: "user_coupons", component: "ControlSeedUserCoupon",
			from:  []readMember{{"/shop/coupon/get_usercoupon_list", "result_list[]"}},
			about: "Users' coupons as /shop/coupon/get_usercoupon_list answers them (an item of result_list); a user coupon's coupon may be one of the same call."},
		{name: "sharers", component: "ControlSeedSharer",
			from:  []readMember{{"/shop/sharer/get_sharer_list", "sharers[]"}, {"/shop/sharer/search_sharer", ""}},
			about: "Sharers as /shop/sharer/get_sharer_list answers them (an item of sharers), with bind_status as /shop/sharer/search_sharer answers it."},
	}
}

// schema is the item of the kind: the read members' shapes merged, its
// own properties added, and nothing required.
func (k seedKind) schema(spec *apispec.Spec) (schema, error) {
	var out schema
	var sources []string
	for _, m := range k.from {
		s, err := answered(spec, m.path, m.member)
		if err != nil {
			return nil, fmt.Errorf("openapi: seed kind %s: %w", k.name, err)
		}
		sources = append(sources, m.String())
		if out == nil {
			out = s
			continue
		}
		props := out["properties"].(schema)
		for name, p := range s["properties"].(schema) {
			if _, has := props[name]; !has {
				props[name] = p
			}
		}
	}
	if len(k.own) > 0 {
		maps.Copy(out["properties"].(schema), k.own)
	}
	optional(out)
	out["description"] = k.about + " Every field is optional here; the sandbox names, in a 400, a field a seed needs. Fields the sandbox does not model are ignored."
	out["x-shopconform-shape-of"] = sources
	return out, nil
}

func (m readMember) String() string {
	if m.member == "" {
		return m.path
	}
	return m.path + " " + m.member
}

// answered renders a member of an endpoint's success answer as the
// document's response schemas do.
func answered(spec *apispec.Spec, path, member string) (schema, error) {
	ep, ok := spec.Endpoint(path)
	if !ok {
		return nil, fmt.Errorf("the spec has no %s", path)
	}
	f := ep.Response
	if member != "" {
		for _, part := range strings.Split(member, ".") {
			name, item := strings.CutSuffix(part, "[]")
			m := f.Member(name)
			if m == nil {
				return nil, fmt.Errorf("%s answers no %s", path, member)
			}
			f = m
			if item {
				if f.Items == nil {
					return nil, fmt.Errorf("%s: %s is no array", path, member)
				}
				f = f.Items
			}
		}
	}
	if f.Type != apispec.Object {
		return nil, fmt.Errorf("%s: %q is no object", path, member)
	}
	if member == "" {
		return schema{"type": "object", "properties": properties(f, false)}, nil
	}
	return response(f), nil
}

// optional drops every "required" of s and its subschemas: a read
// endpoint always answers them, but which of them a seed needs is the
// sandbox's rule, and its refusal names the field.
func optional(s schema) {
	delete(s, "required")
	for _, key := range []string{"items", "additionalProperties"} {
		if sub, ok := s[key].(schema); ok {
			optional(sub)
		}
	}
	if props, ok := s["properties"].(schema); ok {
		for _, p := range props {
			if sub, ok := p.(schema); ok {
				optional(sub)
			}
		}
	}
	for _, key := range []string{"allOf", "anyOf", "oneOf"} {
		if list, ok := s[key].([]any); ok {
			for _, v := range list {
				if sub, ok := v.(schema); ok {
					optional(sub)
				}
			}
		}
	}
}
