package openapi

import (
	"regexp"
	"testing"
	"testing/fstest"
	"time"

	"github.com/shopconform/shopconform/apispec"
	"github.com/shopconform/shopconform/apispec/validate"
	"github.com/shopconform/shopconform/catalog"
)

type anyoneEnv struct{}

func (anyoneEnv) Now() time.Time       { return time.Now() }
func (anyoneEnv) IsUser(_ string) bool { return false }

// TestFormatPatternsAgreeWithTheValidator: the pattern the document gives
// a format accepts what package validate accepts and refuses what it
// refuses, on values at the edges of each format.
func TestFormatPatternsAgreeWithTheValidator(t *testing.T) {
	samples := map[apispec.Format][]string{
		apispec.DateTime: {"2024-01-02 03:04:05", "2024-1-2 03:04:05", "2024-01-02T03:04:05", "2024-01-02 03:04:05 "},
		apispec.Decimal:  {"0", "45", "123456789012345678", "1234567890123456789", "4.5", "-1", " 1"},
		apispec.Phone:    {"13800138000", "+86 10-1234", "1234", "call me", "+", "12345678901234567890", "123456789012345678901"},
		apispec.URL:      {"https://a.example/x", "http://a", "ftp://a", "https://", "https://a b", "//a.example"},
		apispec.Media:    {"https://a.example/x.png", "abcdefghijklmnop", "abcdefghijklmno", "abc def ghi jkl mno", "ABCD_=+/-abcdefghij"},
	}
	for format, values := range samples {
		pattern := regexp.MustCompile(formatPatterns[format])
		s, err := apispec.Load(fstest.MapFS{"t.json": {Data: []byte(`{"endpoints": [
		 {"path": "/shop/t/f", "domain": "order", "summary": "s", "request": [
		  {"name": "v", "type": "string", "presence": "required", "format": "` + string(format) + `"}]}]}`)}}, catalog.Default())
		if err != nil {
			t.Fatal(err)
		}
		ep, _ := s.Endpoint("/shop/t/f")
		v, err := validate.Compile(ep, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, val := range values {
			accepted := v.Request(map[string]any{"v": val}, anyoneEnv{}) == nil
			if matches := pattern.MatchString(val); matches != accepted {
				t.Errorf("%s %q: the validator accepts it: %v; the pattern matches it: %v", format, val, accepted, matches)
			}
		}
	}
}
