package refsandbox

import (
	_ "embed"
	"errors"
	"fmt"
	"sync"

	"github.com/shopconform/shopconform/catalog"
	"github.com/shopconform/shopconform/internal/jsonpos"
)

// The category tree (api-reference §2.3 /shop/cat/get) is account state:
// every account starts with categories.json (refsandbox/README.md
// "Category tree"), in the shape /shop/cat/get answers (third_cat_list[]).
// The file is read once, strictly; New refuses to start when it does not
// load. A tree is never changed in place: an account that gets another
// tree gets a new value, so accounts can share the starting one.

//go:embed categories.json
var embeddedCategories []byte

// Qualification types (§2.3 cat/get): 0 none, 1 mandatory, 2 optional
// (an audit may be submitted, nothing needs one).
const (
	qualificationNone      = 0
	qualificationMandatory = 1
)

// Sentinels of category lookups; the product and audit mappings turn them
// into codes.
var (
	errCategoryUnknown   = codeErr(catalog.ProductCategoryNotFound, "category id unknown")         // §3.2 1000009 D (audit_category, COMM)
	errCategoryNotLevel3 = codeErr(catalog.ProductCategoryNotLevel3, "category id is not level 3") // §3.2 1000007 (D text, I trigger)
)

// category is one level-3 category with its ancestors, exactly as
// /shop/cat/get lists it.
type category struct {
	FirstCatID               int64  `json:"first_cat_id"`
	FirstCatName             string `json:"first_cat_name"`
	SecondCatID              int64  `json:"second_cat_id"`
	SecondCatName            string `json:"second_cat_name"`
	ThirdCatID               int64  `json:"third_cat_id"`
	ThirdCatName             string `json:"third_cat_name"`
	Qualification            string `json:"qualification"`
	QualificationType        int    `json:"qualification_type"`
	ProductQualification     string `json:"product_qualification"`
	ProductQualificationType int    `json:"product_qualification_type"`
}

// grantedCategory is the shape of /shop/account/get_category_list (§2.2).
type grantedCategory struct {
	FirstCatID    int64  `json:"first_cat_id"`
	FirstCatName  string `json:"first_cat_name"`
	SecondCatID   int64  `json:"second_cat_id"`
	SecondCatName string `json:"second_cat_name"`
	ThirdCatID    int64  `json:"third_cat_id"`
	ThirdCatName  string `json:"third_cat_name"`
}

// categoryTree indexes the list; read-only after loading.
type categoryTree struct {
	list  []category
	third map[int64]*category
	upper map[int64]bool // level-1 and level-2 ids
}

// lookup answers for a level-3 id: the category, or errCategoryUnknown
// (no level has the id, §3.2 1000009) or errCategoryNotLevel3 (a level-1
// or level-2 id, §3.2 1000007).
func (t *categoryTree) lookup(id int64) (*category, error) {
	if c, ok := t.third[id]; ok {
		return c, nil
	}
	if t.upper[id] {
		return nil, errCategoryNotLevel3
	}
	return nil, errCategoryUnknown
}

// categories is the embedded tree, loaded once. It is immutable data,
// like the catalog, so sharing it between accounts shares no state.
var categories = sync.OnceValues(func() (*categoryTree, error) {
	return loadCategories(embeddedCategories, "refsandbox/categories.json")
})

// loadedCategories is the tree every account starts with: New has already
// refused to start when it does not load.
func loadedCategories() *categoryTree {
	t, _ := categories()
	return t
}

// loadCategories reads a JSON array of categories strictly (unknown
// fields are errors, with file:line:col) and checks that it is a tree;
// every problem is reported.
func loadCategories(data []byte, filename string) (*categoryTree, error) {
	f := &strictFile{name: filename, data: data}
	root := f.parse()
	if root == nil {
		return nil, f.err()
	}
	if root.Kind != jsonpos.Array || len(root.Items) == 0 {
		f.addf(root.Off, "want a non-empty JSON array of categories")
		return nil, f.err()
	}
	tree, problems := buildTree(data, root.Items)
	for _, p := range problems {
		f.addf(p.off, "%s", p.msg)
	}
	if err := f.err(); err != nil {
		return nil, err
	}
	return tree, nil
}

// treeProblem is what is wrong with the category at index: field names
// the member at fault, when known, and off where it is in the text.
type treeProblem struct {
	index int
	field string // ".third_cat_id"
	off   int
	msg   string
}

// buildTree reads categories strictly and checks that they make a tree;
// it reports every problem.
func buildTree(data []byte, items []*jsonpos.Node) (*categoryTree, []treeProblem) {
	var problems []treeProblem
	b := treeBuilder{names: map[int64]string{}, parent: map[int64]int64{}, third: map[int64]bool{}}
	for i, n := range items {
		var c category
		if errs := jsonpos.DecodeStrict(data, n, &c); len(errs) > 0 {
			for _, e := range errs {
				problems = append(problems, treeProblem{index: i, field: "." + e.Path, off: e.Off, msg: e.Msg})
			}
			continue
		}
		if err := b.add(c); err != nil {
			problems = append(problems, treeProblem{index: i, off: n.Off, msg: fmt.Sprintf("category %d: %v", c.ThirdCatID, err)})
		}
	}
	if len(problems) > 0 {
		return nil, problems
	}
	t := &categoryTree{list: b.list, third: map[int64]*category{}, upper: map[int64]bool{}}
	for i := range t.list {
		t.third[t.list[i].ThirdCatID] = &t.list[i]
	}
	for id := range b.names {
		t.upper[id] = true
	}
	return t, nil
}

// treeBuilder checks the tree while it is read: ids > 0, unique level-3
// ids, one name per upper id, one parent per level-2 id, no id on two
// levels, qualification types 0–2.
type treeBuilder struct {
	list   []category
	names  map[int64]string // level-1 and level-2 id → name
	parent map[int64]int64  // level-2 id → level-1 id
	third  map[int64]bool
}

func (b *treeBuilder) add(c category) error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if c.ThirdCatID <= 0 || c.SecondCatID <= 0 || c.FirstCatID <= 0 {
		bad("ids must be > 0")
	}
	if c.QualificationType < 0 || c.QualificationType > 2 || c.ProductQualificationType < 0 || c.ProductQualificationType > 2 {
		bad("qualification types must be 0, 1 or 2")
	}
	if b.third[c.ThirdCatID] {
		bad("third_cat_id %d is used twice", c.ThirdCatID)
	}
	if _, upper := b.names[c.ThirdCatID]; upper {
		bad("id %d is on two levels", c.ThirdCatID)
	}
	for _, up := range []struct {
		id   int64
		name string
	}{{c.FirstCatID, c.FirstCatName}, {c.SecondCatID, c.SecondCatName}} {
		if old, seen := b.names[up.id]; seen && old != up.name {
			bad("id %d is named %q and %q", up.id, old, up.name)
		}
		if b.third[up.id] {
			bad("id %d is on two levels", up.id)
		}
		b.names[up.id] = up.name
	}
	if p, seen := b.parent[c.SecondCatID]; seen && p != c.FirstCatID {
		bad("second_cat_id %d has two parents", c.SecondCatID)
	}
	b.parent[c.SecondCatID] = c.FirstCatID
	b.third[c.ThirdCatID] = true
	b.list = append(b.list, c)
	return errors.Join(errs...)
}

// catGet answers /shop/cat/get (§2.3): the account tree's whole level-3
// list. It takes no parameters ("{}"); the spec declares none, so
// anything in the body is ignored.
func catGet(req *request) (map[string]any, error) {
	return map[string]any{"third_cat_list": req.acct.audit.tree.list}, nil
}

// sellable lists the categories the merchant may sell in: qualification
// type 0 or 2 always, 1 once a category audit granted it
// (refsandbox/README.md "Category tree"), in the tree's order.
func (t *categoryTree) sellable(granted func(int64) bool) []grantedCategory {
	out := []grantedCategory{}
	for _, c := range t.list {
		if c.QualificationType != qualificationMandatory || granted(c.ThirdCatID) {
			out = append(out, grantedCategory{c.FirstCatID, c.FirstCatName, c.SecondCatID, c.SecondCatName, c.ThirdCatID, c.ThirdCatName})
		}
	}
	return out
}
