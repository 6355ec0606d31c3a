package refsandbox

import (
	"strings"
	"testing"

	"github.com/shopconform/shopconform/catalog"
)

func TestCatGet(t *testing.T) {
	forEachTarget(t, func(t *testing.T, tg *target) {
		resp := post(t, tg, token(t, tg, "default"), "/shop/cat/get", `{}`)
		wantCode(t, resp, 0)
		list := resp["third_cat_list"].([]any)
		if len(list) != 7 {
			t.Fatalf("third_cat_list has %d entries, want the 7 of categories.json", len(list))
		}
		wantFields(t, resp, "third_cat_list.2.third_cat_id", "third_cat_list.2.third_cat_name", "third_cat_list.2.qualification",
			"third_cat_list.2.qualification_type", "third_cat_list.2.product_qualification", "third_cat_list.2.product_qualification_type",
			"third_cat_list.2.second_cat_id", "third_cat_list.2.second_cat_name", "third_cat_list.2.first_cat_id", "third_cat_list.2.first_cat_name")
		if num(t, resp, "third_cat_list.2.third_cat_id") != "6201" || at(t, resp, "third_cat_list.2.qualification") != "化妆品生产许可证" ||
			num(t, resp, "third_cat_list.2.product_qualification_type") != "1" {
			t.Errorf("6201 = %v", list[2])
		}
	})
}

func TestLoadCategoriesStrict(t *testing.T) {
	row := func(first, second, third int, extra string) string {
		return catRow(first, second, third) + extra + `}`
	}
	for _, tc := range []struct{ name, data, want string }{
		{"syntax", `[{"third_cat_id":1,}]`, "c.json:1:20: invalid JSON"},
		{"unknown field", `[` + row(1, 2, 3, `,"colour":"red"`) + `]`, `unknown field "colour"`},
		{"empty", `[]`, "non-empty JSON array"},
		{"duplicate level 3", `[` + row(1, 2, 3, "") + `,` + row(1, 2, 3, "") + `]`, "third_cat_id 3 is used twice"},
		{"id on two levels", `[` + row(1, 2, 3, "") + `,` + row(1, 3, 4, "") + `]`, "id 3 is on two levels"},
		{"id on two levels, other order", `[` + row(1, 3, 4, "") + `,` + row(1, 2, 3, "") + `]`, "id 3 is on two levels"},
		{"two parents", `[` + row(1, 2, 3, "") + `,` + row(5, 2, 4, "") + `]`, "second_cat_id 2 has two parents"},
		{"bad type", `[` + row(1, 2, 3, `,"qualification_type":3`) + `]`, "qualification types must be 0, 1 or 2"},
	} {
		_, err := loadCategories([]byte(tc.data), "c.json")
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want it to contain %q", tc.name, err, tc.want)
		}
	}
	if tree, err := categories(); err != nil || len(tree.list) != 7 {
		t.Fatalf("embedded tree: %v", err)
	}
}

func catRow(first, second, third int) string {
	return `{"first_cat_id":` + itoa(first) + `,"first_cat_name":"f` + itoa(first) + `","second_cat_id":` + itoa(second) +
		`,"second_cat_name":"s` + itoa(second) + `","third_cat_id":` + itoa(third) + `,"third_cat_name":"t"`
}

func TestAccountLists(t *testing.T) {
	forEachTarget(t, func(t *testing.T, tg *target) {
		tok := token(t, tg, "default")
		resp := post(t, tg, tok, "/shop/account/get_category_list", `{}`)
		wantCode(t, resp, 0)
		var ids []string
		for i := range resp["data"].([]any) {
			ids = append(ids, num(t, resp, "data."+itoa(i)+".third_cat_id"))
		}
		if strings.Join(ids, ",") != "6153,6154,6202,6401,6402" {
			t.Errorf("sellable without audits = %v, want the qualification_type 0 and 2 categories", ids)
		}
		wantFields(t, resp, "data.0.first_cat_id", "data.0.first_cat_name", "data.0.second_cat_id", "data.0.second_cat_name", "data.0.third_cat_name")
		resp = post(t, tg, tok, "/shop/account/get_brand_list", `{}`)
		if list, ok := resp["data"].([]any); !ok || len(list) != 0 {
			t.Errorf("get_brand_list on default = %v, want []", resp)
		}
	})
}

func TestAccountInfo(t *testing.T) {
	forEachTarget(t, func(t *testing.T, tg *target) {
		tok := token(t, tg, "default")
		resp := post(t, tg, tok, "/shop/account/get_info", `{}`)
		wantCode(t, resp, 0)
		wantFields(t, resp, "data.service_agent_path", "data.service_agent_phone", "data.service_agent_type", "data.default_receiving_address.receiver_name")
		const addr = `"default_receiving_address":{"receiver_name":"张三","detailed_address":"科技园1号","tel_number":"13800000000","province":"广东省"}`
		run(t, tg, "default",
			step{"/shop/account/update_info", `{"service_agent_type":[0,2],"service_agent_phone":"020-123",` + addr + `}`, 0},
			step{"/shop/account/update_info", `{"service_agent_type":[1]}`, catalog.ParameterMissing},                           // type 1 needs a path
			step{"/shop/account/update_info", `{"service_agent_type":[3]}`, catalog.ParameterMissing},                           // 0, 1, 2 only
			step{"/shop/account/update_info", `{"service_agent_path":5}`, catalog.ParameterMissing},                             // a string
			step{"/shop/account/update_info", `{"default_receiving_address":{"receiver_name":"李四"}}`, catalog.ParameterMissing}, // §2.2 R fields
			step{"/shop/account/update_info", `{"service_agent_path":"pages/cs/cs"}`, 0},
		)
		resp = post(t, tg, tok, "/shop/account/get_info", `{}`)
		if at(t, resp, "data.service_agent_phone") != "020-123" || at(t, resp, "data.service_agent_path") != "pages/cs/cs" ||
			num(t, resp, "data.service_agent_type.1") != "2" || at(t, resp, "data.default_receiving_address.province") != "广东省" {
			t.Errorf("get_info after updates = %v", resp["data"])
		}
	})
}
