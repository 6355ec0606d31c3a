package refsandbox

import (
	"fmt"
	"net/http"

	"github.com/shopconform/shopconform/internal/jsonpos"
)

// replaceCategories replaces one account's category tree with the body's
// third_cat_list, in the shape /shop/cat/get answers it (§2.3), read as
// strictly as the built-in tree. The vendor's examples name categories the
// built-in tree lacks (6666, 7419, 7439, 7448); a test puts them here.
// Products and audits already made keep the category ids they name.
func (s *Sandbox) replaceCategories(_ *call, a *account, body *jsonpos.Node, raw []byte) reply {
	list := body.Member("third_cat_list")
	for _, m := range body.Members {
		if m.Key != "third_cat_list" {
			return controlErrorReply(refuse(http.StatusBadRequest, m.Key, `unknown field: the body is {"third_cat_list": [...]}, as /shop/cat/get answers`))
		}
	}
	if list == nil || list.Kind != jsonpos.Array || len(list.Items) == 0 {
		return controlErrorReply(refuse(http.StatusBadRequest, "third_cat_list", "want a non-empty array of categories, as /shop/cat/get answers"))
	}
	tree, problems := buildTree(raw, list.Items)
	if len(problems) > 0 {
		var errs []*controlError
		for _, p := range problems {
			errs = append(errs, refuse(http.StatusBadRequest, fmt.Sprintf("third_cat_list[%d]%s", p.index, p.field), "%s", p.msg))
		}
		return controlErrorReply(errs...)
	}
	a.mu.Lock()
	a.audit.tree = tree
	a.mu.Unlock()
	return controlReply(http.StatusOK, map[string]any{"third_cat_list": len(tree.list)})
}
