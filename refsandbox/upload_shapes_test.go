package refsandbox

import (
	"testing"

	"github.com/shopconform/shopconform/apispec"
	"github.com/shopconform/shopconform/apispec/validate"
)

// TestUploadAnswerShapes: each resp_type's answer has the documented shape.
func TestUploadAnswerShapes(t *testing.T) {
	sb, clock := newSandbox(t, nil)
	tg := &target{name: "in-process", sb: sb, clock: clock, client: sb.Client(), base: "http://sandbox.invalid"}
	spec, err := apispec.Default()
	if err != nil {
		t.Fatal(err)
	}
	ep, _ := spec.Endpoint("/shop/img/upload")
	tok := token(t, tg, "default")
	for _, parts := range [][]part{
		{field("resp_type", "0"), field("upload_type", "0"), media("a.png", tinyPNG)},
		{field("resp_type", "1"), field("upload_type", "0"), media("a.jpg", tinyJPEG)},
		{field("resp_type", "2"), field("upload_type", "1"), field("img_url", "https://mmecimage.cn/p/a.gif")},
	} {
		resp := upload(t, tg, tok, parts...)
		wantCode(t, resp, 0)
		for _, problem := range validate.Response(ep, resp) {
			t.Errorf("%v: %s", parts[0], problem)
		}
	}
}
