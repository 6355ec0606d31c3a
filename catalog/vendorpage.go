package catalog

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode"
)

// PageCode is one code as the vendor page lists it.
type PageCode struct {
	Code   Code
	Domain Domain
	Text   string
}

// ParseVendorPage reads the vendor's error-code page in the shape of
// data/vendor-page.txt: free preamble, then per domain a section title line
// ("Product Error Code") followed by a table of "Code | Text |" rows.
//
// The domain comes from the section title, never from the table's header
// row, because the page heads its Audit and Upload tables "Access error
// code". Header rows (a first cell without digits) and lines without "|" are
// skipped. A "990001/990002 | OPEN ILLEGAL |" row yields one PageCode per
// code. Anything else that looks like a row but does not parse, a row before
// the first section title and a code listed twice are errors naming the line;
// every such error is reported, next to the codes that did parse.
func ParseVendorPage(page string) ([]PageCode, error) {
	var (
		out     []PageCode
		errs    []error
		domain  Domain
		seenOn  = map[Code]int{}
		lineErr = func(n int, format string, args ...any) {
			errs = append(errs, fmt.Errorf("line %d: "+format, append([]any{n}, args...)...))
		}
	)
	for i, line := range strings.Split(page, "\n") {
		n := i + 1
		line = strings.TrimRight(line, " \t\r")
		if !strings.Contains(line, "|") {
			if d, ok := sectionDomain(line); ok {
				domain = d
			}
			continue
		}
		first, _, _ := strings.Cut(line, "|")
		first = strings.TrimSpace(first)
		if first != "" && !strings.ContainsFunc(first, unicode.IsDigit) {
			continue // a table's header row
		}
		codes, text, err := parseRow(line)
		if err != nil {
			lineErr(n, "malformed row %q: %v", line, err)
			continue
		}
		if domain == "" {
			lineErr(n, "row %q comes before any section title", line)
			continue
		}
		for _, c := range codes {
			if prev, dup := seenOn[c]; dup {
				lineErr(n, "code %d already listed on line %d", c, prev)
				continue
			}
			seenOn[c] = n
			out = append(out, PageCode{Code: c, Domain: domain, Text: text})
		}
	}
	return out, errors.Join(errs...)
}

// sectionDomain recognises a section title by its first word: the page's
// titles are "Universal error code", "Upload pictures/File error code" and so
// on. Matching on the first word tolerates the page's inconsistent
// capitalisation without taking the preamble's "Error code" line for a
// section.
func sectionDomain(line string) (Domain, bool) {
	lower := strings.ToLower(strings.TrimSpace(line))
	if !strings.HasSuffix(lower, "error code") {
		return "", false
	}
	word, _, _ := strings.Cut(lower, " ")
	return ParseDomain(word)
}

// parseRow reads "Code | Text |" or "Code/Code | Text |". The text is kept
// exactly as printed between the separators, bar the padding around it.
func parseRow(line string) ([]Code, string, error) {
	if !strings.HasSuffix(line, "|") {
		return nil, "", errors.New(`the row does not end with "|"`)
	}
	first, rest, _ := strings.Cut(strings.TrimSuffix(line, "|"), "|")
	text := strings.TrimSpace(rest)
	if text == "" {
		return nil, "", errors.New("the text cell is empty")
	}
	var codes []Code
	for part := range strings.SplitSeq(strings.TrimSpace(first), "/") {
		n, err := strconv.Atoi(part)
		if err != nil {
			return nil, "", fmt.Errorf("%q is not a code", part)
		}
		codes = append(codes, Code(n))
	}
	return codes, text, nil
}
