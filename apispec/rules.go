package apispec

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
)

// Rule identifiers name one rule of the spec, so that tools can break or
// remove exactly one: a check of a field, or a rule over several fields.
//
//	/shop/spu/add skus[].sale_price below_min    a field's check (a Violation)
//	/shop/order/get . one_of(order_id,out_order_id)  a rule of the body ("." is the root)
//	/shop/order/add order_detail check(amounts)  a named check of an object
//
// A rule written twice in one object with other conditions takes "#2",
// "#3", … after its first occurrence.

// RuleIDs lists every rule of the spec, endpoint by endpoint in data
// order, each object's entries in check order and each field's checks in
// the order of Violations.
func (s *Spec) RuleIDs() []string {
	var out []string
	for _, ep := range s.Endpoints {
		walkRules(ep, func(id string, _ *Field, _ Violation, _ *Field, _ *Rule) bool {
			out = append(out, id)
			return true
		})
	}
	return out
}

// Without returns a copy of the spec in which the rule id no longer
// holds; s is not changed. The copy shares every endpoint but id's, whose
// request is copied. It is how a mutant of the reference sandbox is built
// (refsandbox/README.md, "Fuzzing and the mutation score"), never called
// on the request path.
//
// A check is removed by dropping what declares it, and only when nothing
// else goes with it: a required field becomes optional but keeps its
// blank check; a field whose type goes accepts any JSON value; a format
// that a window, a decimal's bounds or an openid's membership needs is
// refused, as are the blank check that a required string implies and the
// presence of an array's item.
func (s *Spec) Without(id string) (*Spec, error) {
	path, _, _ := strings.Cut(id, " ")
	ep, ok := s.Endpoint(path)
	if !ok {
		return nil, fmt.Errorf("rule %q: no endpoint %s in the spec", id, path)
	}
	mutant := *ep
	mutant.Request = cloneField(ep.Request)
	var err error
	found := false
	walkRules(&mutant, func(got string, fld *Field, v Violation, parent *Field, r *Rule) bool {
		if got != id {
			return true
		}
		found = true
		if r != nil {
			parent.Rules = slices.DeleteFunc(slices.Clone(parent.Rules), func(x *Rule) bool { return x == r })
			parent.Order = slices.DeleteFunc(slices.Clone(parent.Order), func(e Entry) bool { return e.Rule == r })
		} else {
			err = removeCheck(fld, v)
		}
		return false
	})
	switch {
	case !found:
		return nil, fmt.Errorf("rule %q: %s has no such rule (Spec.RuleIDs lists them)", id, path)
	case err != nil:
		return nil, fmt.Errorf("rule %q: %w", id, err)
	}
	out := &Spec{Endpoints: slices.Clone(s.Endpoints), byPath: maps.Clone(s.byPath)}
	out.Endpoints[slices.Index(out.Endpoints, ep)] = &mutant
	out.byPath[path] = &mutant
	return out, nil
}

// walkRules calls visit for every rule of ep with its id: for a field's
// check, the field and the violation; for a rule, the object it sits in
// and the rule. visit returns false to stop.
func walkRules(ep *Endpoint, visit func(id string, fld *Field, v Violation, parent *Field, r *Rule) bool) {
	seen := map[string]int{}
	var object func(obj *Field) bool
	var field func(fld *Field) bool
	field = func(fld *Field) bool {
		for _, v := range fld.Checks() {
			if !visit(ep.Path+" "+fld.Path+" "+string(v), fld, v, nil, nil) {
				return false
			}
		}
		if !object(fld) {
			return false
		}
		return fld.Items == nil || field(fld.Items)
	}
	object = func(obj *Field) bool {
		for _, e := range obj.Order {
			if e.Field != nil {
				if !field(e.Field) {
					return false
				}
				continue
			}
			id := ep.Path + " " + cmp.Or(obj.Path, ".") + " " + ruleText(e.Rule)
			if seen[id]++; seen[id] > 1 {
				id += "#" + strconv.Itoa(seen[id])
			}
			if !visit(id, nil, "", obj, e.Rule) {
				return false
			}
		}
		return true
	}
	object(ep.Request)
}

// ruleText is a rule's part of its id: its kind and what it names.
func ruleText(r *Rule) string {
	if r.Kind == Check {
		return "check(" + r.Name + ")"
	}
	return string(r.Kind) + "(" + strings.Join(r.Fields, ",") + ")"
}

// removeCheck drops what declares violation v of fld, then makes sure that
// exactly v went: the validator reads the same declarations.
func removeCheck(fld *Field, v Violation) error {
	before := fld.Checks()
	keepBlank := slices.Contains(before, Blank)
	switch v {
	case Missing:
		if fld.Name == "" {
			return fmt.Errorf("%s: an array's item is never absent (validate refuses a null item whatever its presence)", fld.Path)
		}
		// A conditional string's blank check then holds whatever its
		// conditions: the one thing that goes beyond the removal.
		fld.Presence, fld.When = Optional, nil
		fld.NotBlank = keepBlank
	case WrongType:
		fld.Type = Any
		fld.NotBlank = keepBlank
	case Blank:
		if fld.Presence != Optional && (fld.Type == String || fld.Type == Text) {
			return fmt.Errorf("%s: a required string is never blank; its blank check goes only with its presence (missing)", fld.Path)
		}
		fld.NotBlank = false
	case NotInEnum:
		fld.Enum, fld.EnumText = nil, nil
	case TooShort:
		fld.MinLength = 0
	case TooLong:
		fld.MaxLength = 0
	case BelowMin:
		fld.Min = nil
	case AboveMax:
		fld.Max = nil
	case BadFormat:
		// The validator checks a datetime's window, a decimal's bounds and
		// an openid's membership only once the format has read the value.
		if fld.Window != nil || fld.Format == Decimal && (fld.Min != nil || fld.Max != nil) || slices.Contains(before, NotMember) {
			return fmt.Errorf("%s: its other checks need the format %s; remove them first", fld.Path, fld.Format)
		}
		fld.Format = ""
	case OutWindow:
		fld.Window = nil
	case NotMember:
		fld.NoMember = true
	case TooFew:
		fld.MinItems = 0
	case TooMany:
		fld.MaxItems = 0
	case Duplicate:
		fld.UniqueBy = ""
	}
	want := slices.DeleteFunc(slices.Clone(before), func(x Violation) bool { return x == v })
	if after := fld.Checks(); !slices.Equal(after, want) {
		return fmt.Errorf("%s: removing %s would leave the checks %v, not %v", fld.Path, v, after, want)
	}
	return nil
}

// cloneField copies a field and everything under it, so that a change to
// the copy never reaches the original. Values that Without replaces
// rather than edits (enums, conditions, bounds, codes) are shared.
func cloneField(f *Field) *Field {
	c := *f
	fields := map[*Field]*Field{}
	rules := map[*Rule]*Rule{}
	c.Fields = make([]*Field, len(f.Fields))
	for i, m := range f.Fields {
		c.Fields[i] = cloneField(m)
		fields[m] = c.Fields[i]
	}
	c.Rules = make([]*Rule, len(f.Rules))
	for i, r := range f.Rules {
		cr := *r
		c.Rules[i] = &cr
		rules[r] = &cr
	}
	c.Order = make([]Entry, len(f.Order))
	for i, e := range f.Order {
		c.Order[i] = Entry{Field: fields[e.Field], Rule: rules[e.Rule]}
	}
	if f.Items != nil {
		c.Items = cloneField(f.Items)
	}
	return &c
}
