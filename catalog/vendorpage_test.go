package catalog_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/shopconform/shopconform/catalog"
)

func TestParseVendorPage(t *testing.T) {
	page := strings.Join([]string{
		"Error code",                             // 1: preamble title, not a section
		"Note 1: Request method: POST。",          // 2
		"Universal error code",                   // 3
		"Universal error code | Introductions |", // 4: header row
		"47001 | Non-json requests |",            // 5
		"990001/990002 | OPEN ILLEGAL |",         // 6: two codes, one text
		"Audit error code",                       // 7
		"Access error code | Introductions |",    // 8: header says Access; the title wins
		"1050005 | Related audit not queried |",  // 9
		"1050006 | missing bar",                  // 10: malformed
		"10500x7 | Under review |",               // 11: malformed
		"1050009 |  Under  review  |",            // 12: inner spacing kept
		"Upload pictures/File error code",        // 13
		"Error code | Introductions |",           // 14: header row
		"1070001 | file/Image is empty |\r",      // 15: CRLF tolerated
		"47001 | again |",                        // 16: repeated
	}, "\n")
	got, err := catalog.ParseVendorPage(page)
	want := []catalog.PageCode{
		{Code: 47001, Domain: catalog.Universal, Text: "Non-json requests"},
		{Code: 990001, Domain: catalog.Universal, Text: "OPEN ILLEGAL"},
		{Code: 990002, Domain: catalog.Universal, Text: "OPEN ILLEGAL"},
		{Code: 1050005, Domain: catalog.Audit, Text: "Related audit not queried"},
		{Code: 1050009, Domain: catalog.Audit, Text: "Under  review"},
		{Code: 1070001, Domain: catalog.Upload, Text: "file/Image is empty"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ParseVendorPage codes =\n\t%+v\nwant\n\t%+v", got, want)
	}
	wantErrs := []string{
		`line 10: malformed row "1050006 | missing bar": the row does not end with "|"`,
		`line 11: malformed row "10500x7 | Under review |": "10500x7" is not a code`,
		`line 16: code 47001 already listed on line 5`,
	}
	if err == nil {
		t.Fatalf("ParseVendorPage reported no error; want\n\t%s", strings.Join(wantErrs, "\n\t"))
	}
	if gotErrs := strings.Split(err.Error(), "\n"); !reflect.DeepEqual(gotErrs, wantErrs) {
		t.Errorf("ParseVendorPage errors =\n\t%s\nwant\n\t%s", strings.Join(gotErrs, "\n\t"), strings.Join(wantErrs, "\n\t"))
	}
}

func TestParseVendorPageRejects(t *testing.T) {
	tests := []struct {
		name, page, want string
	}{
		{"row before any section", "1000011 | This page does not exist. |", `line 1: row "1000011 | This page does not exist. |" comes before any section title`},
		{"empty text", "Share error code\n1310001 |  |", `line 2: malformed row "1310001 |  |": the text cell is empty`},
		{"empty code cell", "Share error code\n | text |", `line 2: malformed row " | text |": "" is not a code`},
		{"dangling slash", "Share error code\n1310001/ | text |", `line 2: malformed row "1310001/ | text |": "" is not a code`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := catalog.ParseVendorPage(tt.page)
			if err == nil || err.Error() != tt.want {
				t.Errorf("ParseVendorPage error = %v, want %s", err, tt.want)
			}
			if len(got) != 0 {
				t.Errorf("ParseVendorPage returned %v from a page with no valid row", got)
			}
		})
	}
}
