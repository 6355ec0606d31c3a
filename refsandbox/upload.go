package refsandbox

import (
	"errors"
	"io"
	"strconv"
	"strings"

	"github.com/shopconform/shopconform/apispec/validate"
	"github.com/shopconform/shopconform/catalog"
)

// Upload domain (api-reference §2.3 /shop/img/upload, multipart; §3.6
// codes 1070xxx). The pipeline reads the form into fields (readForm,
// upload_form.go) and the spec's validator judges them
// (apispec/data/upload.json: 990007, 1070001, 1070002); the handler then
// only mints the id and answers the backend failures no request can cause
// (magic values, 1070003 and 1070004). The sandbox never fetches an
// img_url: it judges the URL by its shape (refsandbox/README.md).

const (
	maxImageBytes = 2 << 20  // §2.3 "≤2 MB"
	maxFieldBytes = 64 << 10 // a form field (resp_type, img_url); the spec refuses longer
	tempURLPrefix = "https://mmecimage.cn/p/"
)

// Image types the sandbox accepts, by sniffed content type with the
// extension a temp URL gets, and by URL extension.
var (
	imageTypes = map[string]string{"image/png": ".png", "image/jpeg": ".jpg", "image/gif": ".gif", "image/bmp": ".bmp", "image/webp": ".webp"}
	imageExts  = []string{".jpg", ".jpeg", ".png", ".gif", ".bmp", ".webp"}
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

// Sentinels of the upload layer, each naming its code.
var (
	errUploadAbnormal   = codeErr(catalog.UploadAbnormalResult, "abnormal upload result") // §3.6 1070003 I (NS: magic value)
	errUploadEncryption = codeErr(catalog.UploadEncryptionFailed, "encryption failed")    // §3.6 1070004 I (NS: magic value)
)

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

// uploadInput is a valid upload.
type uploadInput struct {
	respType, uploadType int
	ext                  string // of the temp URL
	imgURL               string
}

// readUpload reads a form the spec has checked: resp_type 0–2 and
// upload_type 0–1 (990007), and the image of the upload type, present
// (1070001) and an image (1070002).
func readUpload(form map[string]any) uploadInput {
	var in uploadInput
	respType, _ := form["resp_type"].(string)
	uploadType, _ := form["upload_type"].(string)
	in.respType, _ = strconv.Atoi(respType)
	in.uploadType, _ = strconv.Atoi(uploadType)
	if in.uploadType == uploadBinary {
		media, _ := form["media"].(validate.FilePart)
		in.ext = imageTypes[media.ContentType]
		return in
	}
	in.imgURL, _ = form["img_url"].(string)
	in.ext = urlImageExt(in.imgURL)
	return in
}

// magic is the backend failures no request can cause (refsandbox/README.md
// "Magic values"), checked after every rule a request can break.
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

// imgUpload answers /shop/img/upload once the spec's rules passed: magic
// → img_info with the one id resp_type asked for.
func imgUpload(req *request) (map[string]any, error) {
	in := readUpload(req.body)
	if err := in.magic(); err != nil {
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
