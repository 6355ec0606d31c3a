package cassette

import (
	"bytes"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"strconv"
	"strings"
)

// A multipart/form-data body is compared by what it means to the API, not
// byte for byte: the same fields and files (name, file name, content
// type, bytes), whatever the boundary (each client draws its own) and
// whatever the order of parts with different names (a form is a set of
// named values, and the image upload endpoint's parameters are named form
// fields, apispec/api-reference.md §2.3). Parts that share a name keep
// their order among themselves, as a repeated field is a list.

// formPart is one part of a multipart/form-data body, as it counts.
type formPart struct {
	name        string
	filename    string
	hasFilename bool
	contentType string // media type only, lower case; "text/plain" when the part names none (RFC 7578 §4.4)
	data        []byte
}

// multiparts reads both bodies as multipart/form-data, each with the
// boundary of its own content type. ok is false unless both are well-formed
// multipart bodies: anything else is compared as raw text.
func multiparts(sent, recorded Request) (s, r []formPart, ok bool) {
	s, err := parseForm(sent)
	if err != nil {
		return nil, nil, false
	}
	r, err = parseForm(recorded)
	if err != nil {
		return nil, nil, false
	}
	return s, r, true
}

var errNotMultipart = errors.New("not a multipart/form-data body")

func parseForm(req Request) ([]formPart, error) {
	mt, params, err := mime.ParseMediaType(req.ContentType)
	if err != nil || mt != "multipart/form-data" || params["boundary"] == "" || req.RawBody == "" {
		return nil, errNotMultipart
	}
	mr := multipart.NewReader(bytes.NewReader(unescapeRaw(req.RawBody)), params["boundary"])
	var parts []formPart
	for {
		// NextRawPart: the bytes as sent, without the transparent
		// quoted-printable decoding NextPart does.
		p, err := mr.NextRawPart()
		if err == io.EOF {
			return parts, nil
		}
		if err != nil {
			return nil, err
		}
		fp, err := readPart(p)
		if err != nil {
			return nil, err
		}
		parts = append(parts, fp)
	}
}

func readPart(p *multipart.Part) (formPart, error) {
	data, err := io.ReadAll(p)
	if err != nil {
		return formPart{}, err
	}
	fp := formPart{data: data, contentType: "text/plain"}
	// The file name as sent: Part.FileName would cut it to its base name.
	if _, params, err := mime.ParseMediaType(p.Header.Get("Content-Disposition")); err == nil {
		fp.name = params["name"]
		fp.filename, fp.hasFilename = params["filename"]
	}
	if ct := p.Header.Get("Content-Type"); ct != "" {
		fp.contentType = strings.ToLower(ct)
		if mt, _, err := mime.ParseMediaType(ct); err == nil {
			fp.contentType = mt
		}
	}
	return fp, nil
}

// multipart compares two forms part by part, names in sorted order:
// multipart.NAME (multipart.NAME.I when the name is repeated), then
// .filename, .content_type or .content for what differs in a part.
func (d *differ) multipart(sent, recorded []formPart) {
	s, r := byName(sent), byName(recorded)
	for _, n := range unionKeys(s, r) {
		sp, rp := s[n], r[n]
		for i := range max(len(sp), len(rp)) {
			path := "multipart." + n
			if max(len(sp), len(rp)) > 1 {
				path += "." + strconv.Itoa(i)
			}
			switch {
			case i >= len(sp):
				d.addf(path, "absent from the request")
			case i >= len(rp):
				d.addf(path, "absent from the recording")
			default:
				d.part(path, sp[i], rp[i])
			}
		}
	}
}

func (d *differ) part(path string, s, r formPart) {
	switch {
	case s.hasFilename && !r.hasFilename:
		d.addf(path, "sent a file %q, recorded a field", s.filename)
		return
	case !s.hasFilename && r.hasFilename:
		d.addf(path, "sent a field, recorded a file %q", r.filename)
		return
	case s.filename != r.filename:
		d.addf(path+".filename", "sent %q, recorded %q", s.filename, r.filename)
	}
	if s.contentType != r.contentType {
		d.addf(path+".content_type", "sent %q, recorded %q", s.contentType, r.contentType)
	}
	if !bytes.Equal(s.data, r.data) {
		a, b := excerpts(escapeRaw(s.data), escapeRaw(r.data))
		d.addf(path+".content", "sent %s, recorded %s", a, b)
	}
}

func byName(parts []formPart) map[string][]formPart {
	m := map[string][]formPart{}
	for _, p := range parts {
		m[p.name] = append(m[p.name], p)
	}
	return m
}
