package refsandbox

import (
	"errors"
	"io"
	"mime"
	mpart "mime/multipart"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"

	"github.com/shopconform/shopconform/apispec/validate"
	"github.com/shopconform/shopconform/catalog"
)

// Upload domain (api-reference §2.3 /shop/img/upload, multipart; §3.6
// codes 1070xxx). Its route skips the JSON stage: the handler parses the
// form from request.http. The sandbox never fetches an img_url: it judges
// the URL by its shape (contract "Image upload").
//
// The form is read while the account is locked (the pipeline locks
// before any handler); the body cap keeps that short.

const (
	maxImageBytes = 2 << 20  // §2.3 "≤2 MB"
	maxFieldBytes = 64 << 10 // a form field (resp_type, img_url); more is not a usable value
	tempURLPrefix = "https://mmecimage.cn/p/"
)

// Image types the contract accepts, by sniffed content type and by URL
// extension, with the extension a temp URL gets.
var (
	imageTypes = map[string]string{"image/png": ".png", "image/jpeg": ".jpg", "image/gif": ".gif", "image/bmp": ".bmp", "image/webp": ".webp"}
	imageExts  = map[string]bool{".jpg": true, ".jpeg": true, ".png": true, ".gif": true, ".bmp": true, ".webp": true}
)

// Response types and upload types (§2.3).
const (
	respMediaID    = 0
	respTempURL    = 1
	respPayMediaID = 2
	uploadBinary   = 0
	uploadURL      = 1
)

// uploadProfile is the upload domain's fixed account state
// (Profile.Upload, JSON "upload"). No profile needs one yet.
type uploadProfile struct{}

// uploadState is one account's uploaded images; guarded by account.mu.
type uploadState struct {
	images []imgInfo
}

func newUploadState(uploadProfile) *uploadState { return &uploadState{} }

// imgInfo is the success body's img_info: the one key resp_type asked for.
type imgInfo struct {
	MediaID    string `json:"media_id,omitempty"`
	TempImgURL string `json:"temp_img_url,omitempty"`
	PayMediaID string `json:"pay_media_id,omitempty"`
}

// Sentinels of the upload layer; uploadCodes maps them to codes.
var (
	errUploadEmpty      = codeErr(catalog.UploadFileEmpty, "image empty")                 // §3.6 1070001 D
	errUploadFailed     = codeErr(catalog.UploadFailed, "upload failed")                  // §3.6 1070002 I
	errUploadAbnormal   = codeErr(catalog.UploadAbnormalResult, "abnormal upload result") // §3.6 1070003 I (NS: magic value)
	errUploadEncryption = codeErr(catalog.UploadEncryptionFailed, "encryption failed")    // §3.6 1070004 I (NS: magic value)
)

// uploadForm is what the multipart body held: the first value of each
// plain field, and the first "media" part.
type uploadForm struct {
	fields    map[string]string
	media     []byte
	hasMedia  bool
	filename  string
	tooBig    bool // media over 2 MB
	overLimit bool // the whole body over maxBodyBytes
}

// readUploadForm reads a multipart/form-data body part by part under a
// cap. A body that is not multipart, or parts after a malformed one,
// contribute nothing: the fields they would have carried are missing.
func readUploadForm(r *http.Request) uploadForm {
	f := uploadForm{fields: map[string]string{}}
	mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/form-data" || params["boundary"] == "" {
		return f
	}
	body := &cappedReader{r: r.Body, left: maxBodyBytes}
	mr := mpart.NewReader(body, params["boundary"])
	for {
		part, err := mr.NextPart()
		if err != nil {
			break
		}
		f.readPart(part)
	}
	f.overLimit = body.exceeded
	return f
}

func (f *uploadForm) readPart(part *mpart.Part) {
	name := part.FormName()
	switch _, seen := f.fields[name]; {
	case name == "media" && !f.hasMedia:
		f.hasMedia, f.filename = true, part.FileName()
		f.media, _ = io.ReadAll(io.LimitReader(part, maxImageBytes+1))
		f.tooBig = len(f.media) > maxImageBytes
	case name != "" && name != "media" && !seen:
		v, _ := io.ReadAll(io.LimitReader(part, maxFieldBytes+1))
		f.fields[name] = string(v)
	}
	_, _ = io.Copy(io.Discard, part) // the rest of a part is not kept
}

// cappedReader fails once more than left bytes are read, and says so.
type cappedReader struct {
	r        io.Reader
	left     int64
	exceeded bool
}

var errBodyTooLarge = errors.New("body too large")

func (c *cappedReader) Read(p []byte) (int, error) {
	if c.left <= 0 {
		var one [1]byte
		if n, err := c.r.Read(one[:]); n == 0 {
			return 0, err
		}
		c.exceeded = true
		return 0, errBodyTooLarge
	}
	if int64(len(p)) > c.left {
		p = p[:c.left]
	}
	n, err := c.r.Read(p)
	c.left -= int64(n)
	return n, err
}

// uploadInput is a validated upload.
type uploadInput struct {
	respType, uploadType int
	ext                  string // of the temp URL
	imgURL               string
}

// parseUpload, in order: a body over the cap (1070002: the upload failed
// before its fields could be read) → resp_type, then upload_type, present
// and valid (990007: both are R, §2.11) → the image: present (1070001)
// and usable (1070002), per upload type.
func parseUpload(f uploadForm) (uploadInput, error) {
	var in uploadInput
	if f.overLimit {
		return in, failf(errUploadFailed, "body over %d bytes", maxBodyBytes)
	}
	var err error
	if in.respType, err = formEnum(f, "resp_type", respMediaID, respPayMediaID); err != nil {
		return in, err
	}
	if in.uploadType, err = formEnum(f, "upload_type", uploadBinary, uploadURL); err != nil {
		return in, err
	}
	if in.uploadType == uploadBinary {
		in.ext, err = checkMedia(f, in.respType)
		return in, err
	}
	in.imgURL = f.fields["img_url"]
	in.ext, err = checkImageURL(in.imgURL)
	return in, err
}

// formEnum reads an integer form field in [lo, hi]; absent or anything
// else is 990007 (the docs give no code for a bad value).
func formEnum(f uploadForm, key string, lo, hi int) (int, error) {
	v, ok := f.fields[key]
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if !ok || err != nil || n < lo || n > hi {
		return 0, failf(errParameterMissing, "form field %s must be %d–%d", key, lo, hi)
	}
	return n, nil
}

// checkMedia: upload_type 0 needs a non-empty "media" part (1070001, §3.6
// D) of at most 2 MB whose bytes are a PNG, JPEG, GIF, BMP or WEBP
// (1070002, contract); resp_type 2 needs a filename (§2.3), without which
// WeChat Pay's upload fails (1070002).
func checkMedia(f uploadForm, respType int) (string, error) {
	switch {
	case !f.hasMedia || len(f.media) == 0:
		return "", failf(errUploadEmpty, `upload_type 0 needs a non-empty "media" part`)
	case f.tooBig:
		return "", failf(errUploadFailed, "media is over %d bytes", maxImageBytes)
	}
	ext, ok := imageTypes[http.DetectContentType(f.media)]
	switch {
	case !ok:
		return "", failf(errUploadFailed, "media is not a PNG, JPEG, GIF, BMP or WEBP image")
	case respType == respPayMediaID && f.filename == "":
		return "", failf(errUploadFailed, "resp_type 2 needs a filename on the media part")
	}
	return ext, nil
}

// checkImageURL: upload_type 1 needs img_url (1070001, §3.6 D), an http(s)
// URL whose path ends in an image extension (1070002, contract). It is
// never fetched.
func checkImageURL(raw string) (string, error) {
	if strings.TrimSpace(raw) == "" {
		return "", failf(errUploadEmpty, "upload_type 1 needs an img_url form field")
	}
	u, err := url.Parse(raw)
	ext := ""
	if err == nil {
		ext = strings.ToLower(path.Ext(u.Path))
	}
	if err != nil || len(raw) > maxFieldBytes || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || !imageExts[ext] {
		return "", failf(errUploadFailed, "img_url must be an http(s) URL of a .jpg, .jpeg, .png, .gif, .bmp or .webp image")
	}
	if ext == ".jpeg" {
		ext = ".jpg"
	}
	return ext, nil
}

// magic is the backend failures no request can cause (contract "Magic
// values"), checked after every rule a request can break.
func (in uploadInput) magic() error {
	switch {
	case in.uploadType != uploadURL:
	case strings.Contains(in.imgURL, magicUploadAbnormal):
		return failf(errUploadAbnormal, "magic value %s", magicUploadAbnormal)
	case in.respType == respPayMediaID && strings.Contains(in.imgURL, magicEncryptionFailed):
		return failf(errUploadEncryption, "magic value %s", magicEncryptionFailed)
	}
	return nil
}

// imgUpload answers /shop/img/upload: parseUpload → magic → img_info with
// the one id resp_type asked for.
func imgUpload(req *request) (map[string]any, error) {
	in, err := parseUpload(readUploadForm(req.http))
	if err == nil {
		err = in.magic()
	}
	if err != nil {
		return nil, err
	}
	info, err := newImgInfo(in, req.random)
	if err != nil {
		return nil, codeFail(catalog.SystemError, "no randomness for an id")
	}
	req.acct.upload.images = append(req.acct.upload.images, info)
	return map[string]any{"img_info": info}, nil
}

func newImgInfo(in uploadInput, random *lockedReader) (imgInfo, error) {
	switch in.respType {
	case respMediaID:
		id, err := random.urlSafe(40)
		return imgInfo{MediaID: id}, err
	case respTempURL:
		name, err := random.hex(16)
		return imgInfo{TempImgURL: tempURLPrefix + name + in.ext}, err
	}
	id, err := random.urlSafe(32)
	return imgInfo{PayMediaID: id}, err
}

// uploadChecks are this domain's named rules of the spec.
var uploadChecks = map[string]validate.Check{}
