package refsandbox

// Upload domain (api-reference §2.3 /shop/img/upload, multipart; §3.6
// codes 1070xxx). Its route skips the JSON stage: the handler parses the
// form from request.http.

// uploadProfile is the upload domain's fixed account state
// (Profile.Upload, JSON "upload").
type uploadProfile struct{}

// uploadState is one account's uploaded images; guarded by account.mu.
type uploadState struct{}

func newUploadState(uploadProfile) *uploadState { return &uploadState{} }
