package refsandbox

import (
	"net/http"
	"slices"
	"time"

	"github.com/shopconform/shopconform/internal/jsonpos"
)

// Reviews (POST /_shopconform/v1/accounts/{appid}/reviews) decide what the
// platform decides on its own: a product draft under review, a brand
// audit, a category audit. Approve, or reject with a reason, as Stripe's
// test helpers force what the real flow would reach later. The review
// must be pending.
type reviewRequest struct {
	Kind         string `json:"kind"`           // product, brand or category
	ProductID    any    `json:"product_id"`     // product: the id pair
	OutProductID string `json:"out_product_id"` //
	AuditID      any    `json:"audit_id"`       // brand, category
	Decision     string `json:"decision"`       // approve or reject
	Reason       string `json:"reason"`         // reject: the reject_reason answered
}

// reviewKinds decide one kind of review on the locked account.
func reviewKinds() map[string]func(b *reviewCall) *controlError {
	return map[string]func(b *reviewCall) *controlError{
		"product":  decideProductReview,
		"brand":    decideAuditReview,
		"category": decideAuditReview,
	}
}

// reviewCall is one decision to make.
type reviewCall struct {
	acct    *account
	req     reviewRequest
	approve bool
	now     time.Time // the account's clock: the review's audit_time
}

func (s *Sandbox) decideReview(c *call, a *account, body *jsonpos.Node, raw []byte) reply {
	var req reviewRequest
	if err := decodeControl(raw, body, &req); err != nil {
		return controlErrorReply(err)
	}
	decide, ok := reviewKinds()[req.Kind]
	switch {
	case !ok:
		return controlErrorReply(refuse(http.StatusBadRequest, "kind", "%q is not product, brand or category", req.Kind))
	case !slices.Contains([]string{"approve", "reject"}, req.Decision):
		return controlErrorReply(refuse(http.StatusBadRequest, "decision", "%q is not approve or reject", req.Decision))
	case req.Decision == "reject" && req.Reason == "":
		return controlErrorReply(refuse(http.StatusBadRequest, "reason", "a rejection needs the reason the review answers"))
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	call := &reviewCall{acct: a, req: req, approve: req.Decision == "approve", now: a.clock.now(s.clock.Now())}
	if err := decide(call); err != nil {
		return controlErrorReply(err)
	}
	return controlReply(http.StatusOK, map[string]any{"decided": req.Kind, "decision": req.Decision})
}
