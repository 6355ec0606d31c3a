package refsandbox

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// orderSeedReader reads the fields of one object of an "orders" or
// "aftersales" seed item (control_seed_order.go, aftersale_seed.go), as
// the read endpoints answer them: each value of the wrong type is a 400
// naming its path ("orders[0].order_detail.pay_info.pay_time"); null is
// absent, as on the API; keys the sandbox does not model are ignored.
type orderSeedReader struct {
	b    *seedBatch
	it   seedItem
	path string // of this object inside the item; "" for the item itself
	m    map[string]any
}

func readSeedItem(b *seedBatch, it seedItem) orderSeedReader {
	return orderSeedReader{b: b, it: it, m: it.obj}
}

// at is the path of key inside the item; "" is the object itself.
func (r orderSeedReader) at(key string) string {
	switch {
	case key == "":
		return r.path
	case r.path == "":
		return key
	}
	return r.path + "." + key
}

// fail refuses key with status.
func (r orderSeedReader) fail(status int, key, format string, args ...any) {
	r.b.fail(r.it, status, r.at(key), format, args...)
}

func (r orderSeedReader) has(key string) bool { return r.m[key] != nil }

// text is a string; absent is "".
func (r orderSeedReader) text(key string) string {
	v := r.m[key]
	s, ok := v.(string)
	if v != nil && !ok {
		r.fail(http.StatusBadRequest, key, "want a string")
	}
	return s
}

// requiredText is a string that is not blank.
func (r orderSeedReader) requiredText(key string) string {
	s := r.text(key)
	if r.m[key] == nil || s == "" {
		r.fail(http.StatusBadRequest, key, "required")
	}
	return s
}

// integer is an integral number; absent is 0.
func (r orderSeedReader) integer(key string) int64 {
	v := r.m[key]
	n, ok := asInt(v)
	if v != nil && !ok {
		r.fail(http.StatusBadRequest, key, "want an integer")
	}
	return n
}

// requiredInteger is an integer that valid accepts; want says which.
func (r orderSeedReader) requiredInteger(key string, valid func(int64) bool, want string) int64 {
	n := r.integer(key)
	if _, isInt := asInt(r.m[key]); !r.has(key) || isInt && !valid(n) {
		r.fail(http.StatusBadRequest, key, "required: %s", want)
	}
	return n
}

// between is an integer in [lo, hi]; absent and 0 (unset) are allowed.
func (r orderSeedReader) between(key string, lo, hi int64) int64 {
	n := r.integer(key)
	// 0 is what order/get answers for a value never set: not supplied.
	if _, isInt := asInt(r.m[key]); isInt && n != 0 && (n < lo || n > hi) {
		r.fail(http.StatusBadRequest, key, "%d is not in [%d, %d]", n, lo, hi)
	}
	return n
}

// id is a uint64 as a number or its decimal text (§1); absent, 0 and ""
// are not supplied.
func (r orderSeedReader) id(key string) uint64 {
	v := r.m[key]
	if v == nil || v == "" {
		return 0
	}
	id, ok := asUint(v)
	if !ok {
		r.fail(http.StatusBadRequest, key, "want a uint64, as a number or its decimal text")
	}
	return id
}

// millis is a unix-millisecond time as a number or its decimal text (the
// v2 after-sale times, §1); absent is the zero time.
func (r orderSeedReader) millis(key string) time.Time {
	var text string
	switch v := r.m[key].(type) {
	case nil:
		return time.Time{}
	case json.Number:
		text = string(v)
	case string:
		text = v
	}
	ms, err := strconv.ParseInt(text, 10, 64)
	if err != nil || ms <= 0 {
		r.fail(http.StatusBadRequest, key, "want unix milliseconds, as a number or its decimal text")
		return time.Time{}
	}
	return time.UnixMilli(ms)
}

// datetime is a "yyyy-MM-dd HH:mm:ss" China time (§1), kept as sent and
// read; absent is "" and the zero time.
func (r orderSeedReader) datetime(key string) (string, time.Time) {
	s := r.text(key)
	if s == "" {
		return "", time.Time{}
	}
	t, err := time.ParseInLocation(time.DateTime, s, shanghai)
	if err != nil {
		r.fail(http.StatusBadRequest, key, "%q is not yyyy-MM-dd HH:mm:ss (China time)", s)
	}
	return s, t
}

// object is a member object; absent reads as an empty one.
func (r orderSeedReader) object(key string) orderSeedReader {
	v := r.m[key]
	m, ok := v.(map[string]any)
	if v != nil && !ok {
		r.fail(http.StatusBadRequest, key, "want an object")
	}
	return orderSeedReader{b: r.b, it: r.it, path: r.at(key), m: m}
}

// objects is a member array of objects; absent is empty.
func (r orderSeedReader) objects(key string) []orderSeedReader {
	v := r.m[key]
	items, ok := v.([]any)
	if v != nil && !ok {
		r.fail(http.StatusBadRequest, key, "want an array of objects")
		return nil
	}
	out := make([]orderSeedReader, 0, len(items))
	for i, it := range items {
		m, ok := it.(map[string]any)
		at := fmt.Sprintf("%s[%d]", key, i)
		if !ok {
			r.fail(http.StatusBadRequest, at, "want an object")
			m = nil
		}
		out = append(out, orderSeedReader{b: r.b, it: r.it, path: r.at(at), m: m})
	}
	return out
}

// address reads an address_info object (§2.5).
func (r orderSeedReader) address(key string) addressInfo {
	a := r.object(key)
	return addressInfo{
		ReceiverName: a.text("receiver_name"), DetailedAddress: a.text("detailed_address"), TelNumber: a.text("tel_number"),
		Country: a.text("country"), Province: a.text("province"), City: a.text("city"), Town: a.text("town"),
	}
}
