package refsandbox

// Audit domain (api-reference §2.3 /shop/audit/*, §3.5 codes 1050xxx).

// auditProfile is the audit domain's fixed account state (Profile.Audit,
// JSON "audit"), e.g. qualifications submitted earlier on the MP side.
type auditProfile struct{}

// auditState is one account's brand and category audits; guarded by
// account.mu.
type auditState struct{}

func newAuditState(auditProfile) *auditState { return &auditState{} }
