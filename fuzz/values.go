package fuzz

import (
	"encoding/base64"
	"encoding/json"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/shopconform/shopconform/apispec"
)

// The campaign's own reading of a field's rules (apispec/README.md, "A
// field" and "Which code"), for the literal values the operators write.
// It is deliberately not package validate: a fuzzer that asked the
// reference sandbox's validator what is invalid would agree with every
// rule the validator lost.

// verdict is what the spec says of one value of one field.
type verdict struct {
	broken apispec.Violation // "" when the value is valid
	known  bool              // false: a format this reading does not check, or a time against an unknown clock
}

func valid() verdict                     { return verdict{known: true} }
func breaks(v apispec.Violation) verdict { return verdict{broken: v, known: true} }

var unknown = verdict{}

// judgeValue checks v, a literal, against f's own rules in their order;
// must says whether f is required where it sits.
func judgeValue(f *apispec.Field, v any, must bool) verdict {
	if isAbsent(f, v) {
		if must {
			return breaks(apispec.Missing)
		}
		return valid()
	}
	if !fits(f.Type, v) {
		return breaks(apispec.WrongType)
	}
	switch x := v.(type) {
	case string:
		return judgeText(f, x, must)
	case json.Number:
		return judgeNumber(f, x)
	case formFile:
		content, err := base64.StdEncoding.DecodeString(x.Base64)
		if err != nil {
			return unknown
		}
		return judgeLength(f, len(content))
	case []any:
		switch {
		case f.MinItems > 0 && len(x) < f.MinItems:
			return breaks(apispec.TooFew)
		case f.MaxItems > 0 && len(x) > f.MaxItems:
			return breaks(apispec.TooMany)
		}
	}
	return valid()
}

// isAbsent: null, "", or the id 0 (apispec/README.md "A field").
func isAbsent(f *apispec.Field, v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case string:
		return x == "" || f.Type == apispec.ID && x == "0"
	case json.Number:
		return f.Type == apispec.ID && x == "0"
	}
	return false
}

func fits(t apispec.Type, v any) bool {
	switch x := v.(type) {
	case string:
		return t == apispec.String || t == apispec.Text || t == apispec.Any || t == apispec.ID && isUint(x)
	case json.Number:
		switch t {
		case apispec.Integer:
			_, err := strconv.ParseInt(string(x), 10, 64)
			return err == nil
		case apispec.ID:
			return isUint(string(x))
		}
		return t == apispec.Number || t == apispec.Text || t == apispec.Any
	case bool:
		return t == apispec.Boolean || t == apispec.Any
	case []any:
		return t == apispec.Array || t == apispec.Any
	case map[string]any:
		return t == apispec.Object || t == apispec.Any
	case formFile:
		return t == apispec.File
	}
	return false
}

func isUint(s string) bool {
	_, err := strconv.ParseUint(s, 10, 64)
	return err == nil
}

func judgeText(f *apispec.Field, s string, must bool) verdict {
	if f.Type == apispec.ID {
		return judgeNumber(f, json.Number(s))
	}
	if (f.NotBlank || must) && strings.TrimSpace(s) == "" {
		return breaks(apispec.Blank)
	}
	if len(f.EnumText)+len(f.Enum) > 0 && !inEnum(f, s) {
		return breaks(apispec.NotInEnum)
	}
	if v := judgeLength(f, utf8.RuneCountInString(s)); v.broken != "" {
		return v
	}
	switch f.Format {
	case "":
		return valid()
	case apispec.Decimal:
		if !decimal.MatchString(s) {
			return breaks(apispec.BadFormat)
		}
		val, _ := strconv.ParseFloat(s, 64)
		return judgeBounds(f, val)
	case apispec.DateTime:
		t, err := time.ParseInLocation(time.DateTime, s, chinaTime)
		if err != nil || t.Format(time.DateTime) != s {
			return breaks(apispec.BadFormat)
		}
		return judgeTime(f, t)
	}
	return unknown // the other formats: only values made to break them are written
}

// judgeLength bounds a string's characters or a file's bytes.
func judgeLength(f *apispec.Field, n int) verdict {
	switch {
	case f.MinLength > 0 && n < f.MinLength:
		return breaks(apispec.TooShort)
	case f.MaxLength > 0 && n > f.MaxLength:
		return breaks(apispec.TooLong)
	}
	return valid()
}

// decimal is apispec's "decimal": a string of digits (§1, up to 18).
var decimal = regexp.MustCompile(`^[0-9]{1,18}$`)

// chinaTime is where "yyyy-MM-dd HH:mm:ss" times are read (§1).
var chinaTime = time.FixedZone("Asia/Shanghai", 8*3600)

func inEnum(f *apispec.Field, text string) bool {
	for _, e := range f.Enum {
		if e.String() == text {
			return true
		}
	}
	for _, e := range f.EnumText {
		if e == text {
			return true
		}
	}
	return false
}

func judgeNumber(f *apispec.Field, x json.Number) verdict {
	if len(f.Enum)+len(f.EnumText) > 0 && !inEnum(f, x.String()) {
		return breaks(apispec.NotInEnum)
	}
	val, err := x.Float64()
	if err != nil {
		return breaks(apispec.WrongType)
	}
	if v := judgeBounds(f, val); v.broken != "" {
		return v
	}
	switch f.Format {
	case apispec.UnixSeconds:
		return judgeTime(f, time.Unix(int64(val), 0))
	case apispec.UnixMillis:
		return judgeTime(f, time.UnixMilli(int64(val)))
	}
	return valid()
}

func judgeBounds(f *apispec.Field, val float64) verdict {
	switch {
	case f.Min != nil && val < *f.Min:
		return breaks(apispec.BelowMin)
	case f.Max != nil && val > *f.Max:
		return breaks(apispec.AboveMax)
	}
	return valid()
}

// farAway is how far from the wall clock a time must be for its window to
// be judged without knowing the target's clock, which a sandbox may set
// years back (a vendor example's day).
const farAway = 20 * 365 * 24 * time.Hour

func judgeTime(f *apispec.Field, t time.Time) verdict {
	w := f.Window
	if w == nil {
		return valid()
	}
	d := time.Until(t)
	switch {
	case w.Min != nil && d < -farAway:
		return breaks(apispec.OutWindow)
	case w.Max != nil && d > farAway:
		return breaks(apispec.OutWindow)
	}
	return unknown
}

// number writes an integer as a JSON number.
func number(n int64) json.Number { return json.Number(strconv.FormatInt(n, 10)) }

// above is the first whole number over max (twice max when it is too
// large for an int64 step to show).
func above(max *float64) json.Number {
	if *max >= math.MaxInt64/2 {
		return json.Number(strconv.FormatFloat(*max*2, 'f', -1, 64))
	}
	return number(int64(math.Floor(*max)) + 1)
}
