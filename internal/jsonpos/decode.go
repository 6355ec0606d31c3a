package jsonpos

import (
	"cmp"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
)

// DecodeStrict stores n, read from data, in the value v points to, as
// json.Unmarshal with UseNumber would, but strictly: it reports every
// unknown field (at its key) and every value of the wrong type (at the
// value) rather than the first. Values that fit are stored even so, so
// that a caller can still look at them; the others are left as they were
// or zero.
//
// Struct fields are matched exactly by their json tag name, or their Go
// name when untagged; "-" and unexported fields are skipped, and embedded
// structs are not promoted. Null fits pointers and interfaces only. Target
// types other than structs, pointers, slices, maps with string keys,
// json.Number, booleans, numbers, strings and interfaces without methods
// (which get n.Plain()) panic, as do types with their own UnmarshalJSON,
// which is ignored.
func DecodeStrict(data []byte, n *Node, v any) []*Error {
	d := &decoder{data: data}
	d.value(n, reflect.ValueOf(v).Elem(), "")
	return d.errs
}

type decoder struct {
	data []byte
	errs []*Error
}

var numberType = reflect.TypeFor[json.Number]()

func (d *decoder) value(n *Node, v reflect.Value, path string) {
	t := v.Type()
	ok := true
	switch k := t.Kind(); {
	case n.Kind == Null && (k == reflect.Pointer || k == reflect.Interface):
		v.SetZero()
	case k == reflect.Pointer:
		if v.IsNil() {
			v.Set(reflect.New(t.Elem()))
		}
		d.value(n, v.Elem(), path)
	case k == reflect.Interface && t.NumMethod() == 0:
		v.Set(reflect.ValueOf(n.Plain()))
	case k == reflect.Struct:
		if ok = n.Kind == Object; ok {
			d.object(n, v, path)
		}
	case k == reflect.Map && t.Key().Kind() == reflect.String:
		if ok = n.Kind == Object; ok && v.IsNil() {
			v.Set(reflect.MakeMapWithSize(t, len(n.Members)))
		}
		for _, m := range n.Members {
			e := reflect.New(t.Elem()).Elem()
			d.value(m.Value, e, join(path, m.Key))
			v.SetMapIndex(reflect.ValueOf(m.Key).Convert(t.Key()), e)
		}
	case k == reflect.Slice:
		if ok = n.Kind == Array; ok {
			v.Set(reflect.MakeSlice(t, len(n.Items), len(n.Items)))
		}
		for i, it := range n.Items {
			d.value(it, v.Index(i), fmt.Sprintf("%s[%d]", path, i))
		}
	case t == numberType:
		if ok = n.Kind == Number; ok {
			v.SetString(string(n.Num))
		}
	case k == reflect.String:
		if ok = n.Kind == String; ok {
			v.SetString(n.Str)
		}
	case k == reflect.Bool:
		if ok = n.Kind == Bool; ok {
			v.SetBool(n.Bool)
		}
	case k >= reflect.Int && k <= reflect.Int64:
		i, err := strconv.ParseInt(string(n.Num), 10, t.Bits())
		if ok = n.Kind == Number && err == nil; ok {
			v.SetInt(i)
		}
	case k >= reflect.Uint && k <= reflect.Uintptr:
		u, err := strconv.ParseUint(string(n.Num), 10, t.Bits())
		if ok = n.Kind == Number && err == nil; ok {
			v.SetUint(u)
		}
	case k == reflect.Float32 || k == reflect.Float64:
		f, err := strconv.ParseFloat(string(n.Num), t.Bits())
		if ok = n.Kind == Number && err == nil; ok {
			v.SetFloat(f)
		}
	default:
		panic("jsonpos: cannot decode into " + t.String())
	}
	if ok {
		return
	}
	what := "value"
	if path != "" {
		what = fmt.Sprintf("field %q", path)
	}
	msg := what + " is null"
	if n.Kind != Null {
		words := map[reflect.Kind]string{reflect.Bool: "a boolean", reflect.String: "a string", reflect.Slice: "an array",
			reflect.Struct: "an object", reflect.Map: "an object", reflect.Float32: "a number", reflect.Float64: "a number"}
		want := cmp.Or(words[t.Kind()], "an integer")
		if t == numberType {
			want = "a number"
		}
		msg = fmt.Sprintf("%s must be %s, got %s", what, want, excerpt(d.data[n.Off:n.End]))
	}
	d.errs = append(d.errs, &Error{Off: n.Off, Msg: msg, Path: path})
}

// object decodes the members of n into the struct v.
func (d *decoder) object(n *Node, v reflect.Value, path string) {
	var names []string
	var index []int
	for i := range v.NumField() {
		f := v.Type().Field(i)
		tag := f.Tag.Get("json")
		if !f.IsExported() || tag == "-" {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		names = append(names, cmp.Or(name, f.Name))
		index = append(index, i)
	}
	for _, m := range n.Members {
		p := join(path, m.Key)
		if i := slices.Index(names, m.Key); i >= 0 {
			d.value(m.Value, v.Field(index[i]), p)
			continue
		}
		allowed := cmp.Or(strings.Join(names, ", "), "none")
		d.errs = append(d.errs, &Error{Off: m.KeyOff, Msg: fmt.Sprintf("unknown field %q (allowed: %s)", p, allowed), Path: p})
	}
}

// excerpt quotes a value in a message, on one line and not too long.
func excerpt(raw []byte) string {
	const limit = 40
	s := strings.Join(strings.Fields(string(raw)), " ")
	if r := []rune(s); len(r) > limit {
		s = string(r[:limit]) + "…"
	}
	return s
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}
