package refsandbox

import (
	"io"
	"mime"
	mpart "mime/multipart"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strings"

	"github.com/shopconform/shopconform/apispec"
	"github.com/shopconform/shopconform/apispec/validate"
)

// readForm reads a multipart/form-data body into the fields the spec's
// validator judges (apispec/README.md: a multipart body's fields are
// strings, its files type file). Each part name counts once, its first
// part: a file (validate.FilePart) when the part names a file or the spec
// types the field file, else the part's text. A file's ContentType is
// what its bytes are (http.DetectContentType), not the label the client
// put on them, and its Size stops counting one byte past the largest
// documented file (2 MB, §2.3), which is enough to tell it is too large.
// A body that is not multipart/form-data, parts after a malformed one and
// parts past the body cap contribute nothing: the fields they would have
// carried are missing.
//
// The pipeline calls it in place of the JSON decoding, before the account
// is locked, so a slow client holds no account.
func readForm(r *http.Request, request *apispec.Field) map[string]any {
	form := map[string]any{}
	mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/form-data" || params["boundary"] == "" {
		return form
	}
	files := map[string]bool{}
	for _, f := range request.Fields {
		files[f.Name] = f.Type == apispec.File
	}
	mr := mpart.NewReader(&cappedReader{r: r.Body, left: maxBodyBytes}, params["boundary"])
	for {
		part, err := mr.NextPart()
		if err != nil {
			return form
		}
		name := part.FormName()
		if _, seen := form[name]; name != "" && !seen {
			form[name] = readPart(part, files[name] || part.FileName() != "")
		}
		_, _ = io.Copy(io.Discard, part) // the rest of a part is not kept
	}
}

func readPart(part *mpart.Part, file bool) any {
	if !file {
		v, _ := io.ReadAll(io.LimitReader(part, maxFieldBytes+1))
		return string(v)
	}
	data, _ := io.ReadAll(io.LimitReader(part, maxImageBytes+1))
	return validate.FilePart{Filename: part.FileName(), ContentType: http.DetectContentType(data), Size: len(data)}
}

// uploadChecks are this domain's named rules of the spec
// (apispec/data/upload.json).
var uploadChecks = map[string]validate.Check{
	"upload_media_is_image":  uploadMediaIsImage,
	"upload_pay_media_named": uploadPayMediaNamed,
	"upload_url_is_image":    uploadURLIsImage,
}

// uploadMediaIsImage: the media part's bytes are a PNG, JPEG, GIF, BMP or
// WEBP image (1070002, §3.6 I: anything else cannot be uploaded).
func uploadMediaIsImage(obj map[string]any, _ validate.Env) (string, bool) {
	media, _ := obj["media"].(validate.FilePart)
	if _, ok := imageTypes[media.ContentType]; !ok {
		return "media is not a PNG, JPEG, GIF, BMP or WEBP image", false
	}
	return "", true
}

// uploadPayMediaNamed: resp_type 2 needs a filename on the media part
// (§2.3), without which WeChat Pay's upload fails (1070002).
func uploadPayMediaNamed(obj map[string]any, _ validate.Env) (string, bool) {
	media, _ := obj["media"].(validate.FilePart)
	return "resp_type 2 needs a filename on the media part", media.Filename != ""
}

// uploadURLIsImage: img_url's path ends in an image extension. The
// sandbox never fetches it, so it judges the URL by its shape
// (refsandbox/README.md).
func uploadURLIsImage(obj map[string]any, _ validate.Env) (string, bool) {
	raw, _ := obj["img_url"].(string)
	return "img_url must be the URL of a .jpg, .jpeg, .png, .gif, .bmp or .webp image", urlImageExt(raw) != ""
}

// urlImageExt is the image extension of a URL's path, lower case, with
// .jpeg read as .jpg; "" when the path names no image.
func urlImageExt(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	ext := strings.ToLower(path.Ext(u.Path))
	if !slices.Contains(imageExts, ext) {
		return ""
	}
	if ext == ".jpeg" {
		return ".jpg"
	}
	return ext
}
