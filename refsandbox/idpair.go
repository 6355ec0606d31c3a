package refsandbox

// idPair is §1's "二选一": almost every object is addressed either by the
// WeChat id (a uint64) or by the merchant's own id (a string).
type idPair struct {
	id    uint64
	hasID bool
	badID any // an id that is no uint64: no object has it
	outID string
}

// readIDPair reads body[idKey] and body[outKey]. An id of 0, null or "" is
// not supplied, and neither is an out id that is not a string; when
// neither is supplied the answer is missing, the domain's own code.
func readIDPair(body map[string]any, idKey, outKey string, missing error) (idPair, error) {
	var ref idPair
	if v := body[idKey]; !absent(v) {
		id, ok := asUint(v)
		switch {
		case !ok:
			ref.badID = v
		case id != 0:
			ref.id, ref.hasID = id, true
		}
	}
	ref.outID, _ = asString(body[outKey])
	if !ref.hasID && ref.badID == nil && ref.outID == "" {
		return ref, missing
	}
	return ref, nil
}
