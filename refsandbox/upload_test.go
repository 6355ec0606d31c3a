package refsandbox

import (
	"bytes"
	"encoding/base64"
	"io"
	mpart "mime/multipart"
	"net/http"
	"strings"
	"testing"

	"github.com/shopconform/shopconform/catalog"
)

// tinyPNG is a 1×1 PNG.
var tinyPNG, _ = base64.StdEncoding.DecodeString("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==")

// part is one multipart part: a plain field when filename is "".
type part struct {
	name, filename string
	data           []byte
}

func field(name, value string) part { return part{name: name, data: []byte(value)} }
func media(filename string, data []byte) part {
	return part{name: "media", filename: filename, data: data}
}

// upload posts a multipart/form-data body, as §1 says img/upload takes.
func upload(t *testing.T, tg *target, tok string, parts ...part) map[string]any {
	t.Helper()
	var buf bytes.Buffer
	w := mpart.NewWriter(&buf)
	for _, p := range parts {
		var dst io.Writer
		var err error
		if p.filename == "" {
			dst, err = w.CreateFormField(p.name)
		} else {
			dst, err = w.CreateFormFile(p.name, p.filename)
		}
		if err != nil {
			t.Fatal(err)
		}
		_, _ = dst.Write(p.data)
	}
	_ = w.Close()
	_, resp := send(t, tg, http.MethodPost, "/shop/img/upload", tok, w.FormDataContentType(), buf.String())
	return resp
}

func TestUploadCodes(t *testing.T) {
	forEachTarget(t, func(t *testing.T, tg *target) {
		tok := token(t, tg, "default")
		png := media("a.png", tinyPNG)
		url := func(u string) part { return field("img_url", u) }
		big := append(append([]byte{}, tinyPNG...), make([]byte, maxImageBytes)...)
		for _, tc := range []struct {
			name  string
			parts []part
			want  catalog.Code
		}{
			{"990007 resp_type missing", []part{field("upload_type", "0"), png}, catalog.ParameterMissing},
			{"990007 upload_type missing (the vendor's example, §2.11)", []part{field("resp_type", "1"), url("https://mmecimage.cn/p/a.jpg")}, catalog.ParameterMissing},
			{"990007 resp_type out of range", []part{field("resp_type", "3"), field("upload_type", "0"), png}, catalog.ParameterMissing},
			{"990007 upload_type not a number", []part{field("resp_type", "0"), field("upload_type", "url"), png}, catalog.ParameterMissing},
			{"1070001 no media part", []part{field("resp_type", "0"), field("upload_type", "0")}, catalog.UploadFileEmpty},
			{"1070001 empty media part", []part{field("resp_type", "0"), field("upload_type", "0"), media("a.png", nil)}, catalog.UploadFileEmpty},
			{"1070001 no img_url", []part{field("resp_type", "1"), field("upload_type", "1"), png}, catalog.UploadFileEmpty},
			{"1070002 not an image", []part{field("resp_type", "0"), field("upload_type", "0"), media("a.png", []byte("hello, world"))}, catalog.UploadFailed},
			{"1070002 over 2 MB", []part{field("resp_type", "0"), field("upload_type", "0"), media("a.png", big)}, catalog.UploadFailed},
			{"1070002 resp_type 2 without a filename", []part{field("resp_type", "2"), field("upload_type", "0"), field("media", string(tinyPNG))}, catalog.UploadFailed},
			{"1070002 not http(s)", []part{field("resp_type", "1"), field("upload_type", "1"), url("ftp://mmecimage.cn/p/a.jpg")}, catalog.UploadFailed},
			{"1070002 not an image path", []part{field("resp_type", "1"), field("upload_type", "1"), url("https://mmecimage.cn/p/a.txt")}, catalog.UploadFailed},
			{"1070002 no host", []part{field("resp_type", "1"), field("upload_type", "1"), url("https:///a.png")}, catalog.UploadFailed},
			{"1070003 magic", []part{field("resp_type", "1"), field("upload_type", "1"), url("https://mmecimage.cn/p/" + magicUploadAbnormal + ".png")}, catalog.UploadAbnormalResult},
			{"1070004 magic", []part{field("resp_type", "2"), field("upload_type", "1"), url("https://mmecimage.cn/p/" + magicEncryptionFailed + ".png")}, catalog.UploadEncryptionFailed},
			{"1070004 magic only with resp_type 2", []part{field("resp_type", "1"), field("upload_type", "1"), url("https://mmecimage.cn/p/" + magicEncryptionFailed + ".png")}, 0},
			{"magic after validation", []part{field("resp_type", "1"), field("upload_type", "1"), url("https://mmecimage.cn/p/" + magicUploadAbnormal)}, catalog.UploadFailed},
			{"the first of a repeated field counts", []part{field("resp_type", "1"), field("resp_type", "9"), field("upload_type", "1"), url("https://a.cn/b.JPEG")}, 0},
		} {
			if got := errcode(t, upload(t, tg, tok, tc.parts...)); got != tc.want {
				t.Errorf("%s: errcode %d, want %d", tc.name, got, tc.want)
			}
		}
		// A body that is not multipart has no form fields.
		wantCode(t, post(t, tg, tok, "/shop/img/upload", `{"resp_type":1,"upload_type":1,"img_url":"https://a.cn/b.png"}`), catalog.ParameterMissing)
		_, resp := send(t, tg, http.MethodPost, "/shop/img/upload", tok, "multipart/form-data; boundary=x", "--x\r\nbroken")
		wantCode(t, resp, catalog.ParameterMissing)
	})
}

func TestUploadSuccess(t *testing.T) {
	forEachTarget(t, func(t *testing.T, tg *target) {
		tok := token(t, tg, "default")
		resp := upload(t, tg, tok, field("resp_type", "0"), field("upload_type", "0"), media("a.png", tinyPNG))
		wantCode(t, resp, 0)
		wantFields(t, resp, "img_info.media_id")
		resp = upload(t, tg, tok, field("resp_type", "1"), field("upload_type", "0"), media("a.png", tinyPNG))
		if u, _ := at(t, resp, "img_info.temp_img_url").(string); !strings.HasPrefix(u, tempURLPrefix) || !strings.HasSuffix(u, ".png") {
			t.Errorf("temp_img_url = %q", u)
		}
		resp = upload(t, tg, tok, field("resp_type", "1"), field("upload_type", "1"), field("img_url", "https://mmecimage.cn/p/shopconform/x.jpeg"))
		if u, _ := at(t, resp, "img_info.temp_img_url").(string); !strings.HasSuffix(u, ".jpg") {
			t.Errorf("temp_img_url of a URL upload = %q", u)
		}
		resp = upload(t, tg, tok, field("resp_type", "2"), field("upload_type", "0"), media("a.png", tinyPNG))
		wantFields(t, resp, "img_info.pay_media_id")
		if at(t, resp, "img_info.media_id") != nil {
			t.Errorf("img_info carries only the id resp_type asked for: %v", resp)
		}
	})
}

func TestCappedReader(t *testing.T) {
	for _, tc := range []struct {
		body     string
		exceeded bool
	}{{"abc", false}, {"abcd", false}, {"abcde", true}} {
		c := &cappedReader{r: strings.NewReader(tc.body), left: 4}
		data, err := io.ReadAll(c)
		if c.exceeded != tc.exceeded || (err != nil) != tc.exceeded || len(data) > 4 {
			t.Errorf("%q: read %q, err %v, exceeded %v", tc.body, data, err, c.exceeded)
		}
	}
}

// TestUploadFieldRules: the form's rules beyond those of TestUploadCodes.
func TestUploadFieldRules(t *testing.T) {
	forEachTarget(t, func(t *testing.T, tg *target) {
		tok := token(t, tg, "default")
		png := media("a.png", tinyPNG)
		for _, tc := range []struct {
			name  string
			parts []part
			want  catalog.Code
		}{
			{"enum: upload_type 2", []part{field("resp_type", "1"), field("upload_type", "2"), png}, catalog.ParameterMissing},
			{"img_url sent with upload_type 0 is checked too", []part{field("resp_type", "1"), field("upload_type", "0"), png, field("img_url", "x")}, catalog.UploadFailed},
			{"img_url as a file part is not a form field", []part{field("resp_type", "1"), field("upload_type", "1"),
				{name: "img_url", filename: "u.txt", data: []byte("https://mmecimage.cn/p/a.jpg")}}, catalog.UploadFileEmpty},
			{"img_url over 64 KB", []part{field("resp_type", "1"), field("upload_type", "1"),
				field("img_url", "https://mmecimage.cn/p/"+strings.Repeat("a", maxFieldBytes)+".jpg")}, catalog.UploadFailed},
			{"a JPEG by its bytes, whatever its name", []part{field("resp_type", "1"), field("upload_type", "0"), media("a.png", tinyJPEG)}, 0},
		} {
			if got := errcode(t, upload(t, tg, tok, tc.parts...)); got != tc.want {
				t.Errorf("%s: errcode %d, want %d", tc.name, got, tc.want)
			}
		}
		// Form fields are fields like any other: a generic magic value works.
		wantCode(t, upload(t, tg, tok, field("resp_type", "SHOPCONFORM_MAGIC_BUSY")), catalog.SystemBusy)
	})
}
