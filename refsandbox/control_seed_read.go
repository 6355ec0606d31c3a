package refsandbox

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// seedReader reads the members of one object of a seed item
// (control_seed.go): the item itself, or an object or an array item
// inside it ("order_detail.pay_info", "skus[1]"), each of the type the
// API's read endpoint answers it. Every kind reads its items with it, so
// that every kind answers a bad member alike (refsandbox/README.md,
// "Control API"):
//   - a member of the wrong type is refused, 400, naming its full path
//     ("orders[0].order_detail.pay_info.pay_time"), and reads as absent: "",
//     0, an empty object;
//   - null is absent, as on the API;
//   - keys the sandbox does not model are never looked at (live answers
//     carry many, §7).
type seedReader struct {
	b      *seedBatch
	it     seedItem
	path   string         // inside the item: "" for the item itself
	obj    map[string]any // nil when absent or refused: every member is absent
	before int            // the batch's problems when the reader was made (ok)
}

// reader reads the item itself.
func (b *seedBatch) reader(it seedItem) seedReader {
	return seedReader{b: b, it: it, obj: it.obj, before: len(b.problems)}
}

func (r seedReader) inner(path string, obj map[string]any) seedReader {
	return seedReader{b: r.b, it: r.it, path: path, obj: obj, before: len(r.b.problems)}
}

// field is the path of key inside the item; "" is the object itself.
func (r seedReader) field(key string) string {
	switch {
	case key == "":
		return r.path
	case r.path == "":
		return key
	}
	return r.path + "." + key
}

// where is the object's place in the body: "products[0].skus[1]".
func (r seedReader) where() string {
	if r.path == "" {
		return r.it.at
	}
	return r.it.at + "." + r.path
}

// fail refuses key ("" the object itself) with status: 400 a value wrong
// in itself, 404 an object that does not exist, 409 a clash with what the
// account holds.
func (r seedReader) fail(status int, key, format string, args ...any) {
	r.b.fail(r.it, status, r.field(key), format, args...)
}

func (r seedReader) wrongType(key, want string) {
	r.fail(http.StatusBadRequest, key, "want %s, not %s", want, jsonKind(r.obj[key]))
}

// ok says nothing of the item was refused since the reader was made: the
// checks that compare members run only on members that read well.
func (r seedReader) ok() bool { return len(r.b.problems) == r.before }

// has says the member is there (null is not).
func (r seedReader) has(key string) bool { return r.obj[key] != nil }

// str is a string; absent is "".
func (r seedReader) str(key string) string {
	v := r.obj[key]
	s, ok := v.(string)
	if v != nil && !ok {
		r.wrongType(key, "a string")
	}
	return s
}

// need is a required string: absent, null and "" are not supplied (§1).
func (r seedReader) need(key string) string {
	s := r.str(key)
	if v := r.obj[key]; v == nil || v == "" {
		r.fail(http.StatusBadRequest, key, "required: missing or empty")
	}
	return s
}

// needNonBlank is a required string that is not blank either, for the
// kinds whose API refuses blank text (coupon/add, add_user_coupon, bind).
func (r seedReader) needNonBlank(key string) string {
	s := r.str(key)
	if v, isText := r.obj[key].(string); r.obj[key] == nil || isText && strings.TrimSpace(v) == "" {
		r.fail(http.StatusBadRequest, key, "required: missing or blank")
	}
	return s
}

// text is a string or a number, read as text (info_version, audit_id:
// the docs type them one way and the examples another, §6.2 item 4).
func (r seedReader) text(key string) string {
	v := r.obj[key]
	s, ok := asText(v)
	if v != nil && v != "" && !ok {
		r.wrongType(key, "a string or a number")
	}
	return s
}

// integer is an integral number; given says one was read. Absent, or
// refused, it is 0 (a number past int64 is refused and reads as its
// bound, as asInt reads it).
func (r seedReader) integer(key string) (n int64, given bool) {
	v := r.obj[key]
	n, given = asInt(v)
	if v != nil && !given {
		r.wrongType(key, "an integer")
	}
	return n, given
}

// intOr is an integer, def when absent (0 when refused).
func (r seedReader) intOr(key string, def int64) int64 {
	if !r.has(key) {
		return def
	}
	n, _ := r.integer(key)
	return n
}

// needInt is a required integer that valid accepts; want says which.
func (r seedReader) needInt(key string, valid func(int64) bool, want string) int64 {
	n, given := r.integer(key)
	switch {
	case !r.has(key):
		r.fail(http.StatusBadRequest, key, "required: want %s", want)
	case given && !valid(n):
		r.fail(http.StatusBadRequest, key, "%d is not %s", n, want)
	}
	return n
}

// between is an integer in [lo, hi]; absent and 0, what the read
// endpoints answer for a value never set, are not supplied.
func (r seedReader) between(key string, lo, hi int64) int64 {
	n, given := r.integer(key)
	if given && n != 0 && (n < lo || n > hi) {
		r.fail(http.StatusBadRequest, key, "%d is not in [%d, %d]", n, lo, hi)
	}
	return n
}

// id is a uint64 id, a number or its decimal text (§1); absent, "" and 0
// are 0, which is not supplied.
func (r seedReader) id(key string) uint64 {
	v := r.obj[key]
	n, ok := asUint(v)
	if !absent(v) && !ok {
		r.wrongType(key, "an id (a uint64, or its decimal text)")
	}
	return n
}

// strs is an array of strings; absent is empty.
func (r seedReader) strs(key string) []string {
	v := r.obj[key]
	list, ok := asStrings(v)
	if v != nil && !ok {
		r.wrongType(key, "an array of strings")
	}
	if list == nil {
		list = []string{}
	}
	return list
}

// object is a member object; given says it is one. Absent or refused, it
// reads as an empty one.
func (r seedReader) object(key string) (o seedReader, given bool) {
	v := r.obj[key]
	obj, given := v.(map[string]any)
	if v != nil && !given {
		r.wrongType(key, "an object")
	}
	return r.inner(r.field(key), obj), given
}

// needObject is a required member object.
func (r seedReader) needObject(key string) (seedReader, bool) {
	if !r.has(key) {
		r.fail(http.StatusBadRequest, key, "required: want an object")
	}
	return r.object(key)
}

// objects is a member array of objects, one reader an item; absent is
// empty. An item that is not an object is refused and reads as an empty
// one, so the readers stay in the array's order.
func (r seedReader) objects(key string) []seedReader {
	v := r.obj[key]
	list, ok := v.([]any)
	if v != nil && !ok {
		r.wrongType(key, "an array of objects")
	}
	out := make([]seedReader, 0, len(list))
	for i, item := range list {
		at := key + "[" + strconv.Itoa(i) + "]"
		obj, ok := item.(map[string]any)
		if !ok {
			r.fail(http.StatusBadRequest, at, "want an object, not %s", jsonKind(item))
		}
		out = append(out, r.inner(r.field(at), obj))
	}
	return out
}

// datetime is a "yyyy-MM-dd HH:mm:ss" China time (§1), as sent and as
// read; absent and "" are "" and the zero time.
func (r seedReader) datetime(key string) (string, time.Time) {
	v := r.obj[key]
	s, isText := v.(string)
	switch {
	case v == nil || isText && s == "":
		return "", time.Time{}
	case !isText:
		r.wrongType(key, "a yyyy-MM-dd HH:mm:ss China time")
		return "", time.Time{}
	}
	t, err := time.ParseInLocation(time.DateTime, s, shanghai)
	if err != nil {
		r.fail(http.StatusBadRequest, key, "%q is not yyyy-MM-dd HH:mm:ss (China time)", s)
	}
	return s, t
}

// seconds is a unix-second time (the coupon and sharer times, §1): an
// integer ≥ 0; def when absent.
func (r seedReader) seconds(key string, def int64) int64 {
	n := r.intOr(key, def)
	if n < 0 {
		r.fail(http.StatusBadRequest, key, "%d is below 0", n)
	}
	return n
}

// millis is a unix-millisecond time, a number or its decimal text (the
// v2 after-sale times, §1); absent is the zero time.
func (r seedReader) millis(key string) time.Time {
	var text string
	switch v := r.obj[key].(type) {
	case nil:
		return time.Time{}
	case json.Number:
		text = string(v)
	case string:
		text = v
	}
	ms, err := strconv.ParseInt(text, 10, 64)
	if err != nil || ms <= 0 {
		r.fail(http.StatusBadRequest, key, "want unix milliseconds above 0, as a number or its decimal text")
		return time.Time{}
	}
	return time.UnixMilli(ms)
}

// happened refuses key's time t when it is after the account's clock,
// with the status the kind documents for it (refsandbox/README.md,
// "Control API"): 400 for products, whose times are wrong in themselves;
// 409 for coupons and sharers, where the account has not got there yet.
func (r seedReader) happened(status int, key string, t time.Time) {
	if now := r.b.now; t.After(now) {
		r.fail(status, key, "%s (unix %d) is after the account's clock, %s (unix %d): move the clock first",
			chinaTime(t), t.Unix(), chinaTime(now), now.Unix())
	}
}

// jsonKind names a JSON value's type for refusals.
func jsonKind(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case string:
		return "a string"
	case json.Number:
		return "the number " + string(x)
	case bool:
		return "a boolean"
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return "a number"
}
