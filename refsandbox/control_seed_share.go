package refsandbox

import "net/http"

// Seeding the share domain (control_seed.go; refsandbox/README.md,
// "sharers"). A sharer is read in the shape search_sharer answers it,
// with its openid, or an item of get_sharer_list (which leaves
// bind_status out: those are bound).

// seedSharer reads one sharer: a user of the account (bind refuses any
// other openid with reason_code 201, so no other is ever a sharer) who
// is no sharer yet, in one of the four bind_status values, within the
// profile's limit of bound and inviting sharers.
func seedSharer(b *seedBatch, it seedItem) {
	f := b.reader(it)
	s := &sharer{openid: f.needNonBlank("openid")}
	s.status = int(f.intOr("bind_status", sharerBound))
	if f.ok() && (s.status < sharerBound || s.status > sharerExpired) {
		f.fail(http.StatusBadRequest, "bind_status", "%d is no bind_status (1 bound, 2 refused, 3 inviting, 4 invite expired)", s.status)
	}
	s.nickname = f.str("nickname")
	if s.nickname == "" {
		s.nickname = nickname(b.acct.profile, s.openid)
	}
	s.invited = pastSeconds(f, "invited_time", b.now.Unix())
	seedBindTime(f, s)
	if !f.ok() {
		return
	}
	st := b.acct.share
	switch {
	case !b.acct.openids[s.openid]:
		f.fail(http.StatusNotFound, "openid", "%q is no user of the account (mint the account with it among its openids)", s.openid)
	case st.byID[s.openid] != nil || b.sharers[s.openid] != nil:
		f.fail(http.StatusConflict, "openid", "%q is a sharer already", s.openid)
	case s.active() && st.activeCount()+b.activeSharers() >= st.limit:
		f.fail(http.StatusConflict, "bind_status", "the account's limit of %d bound and inviting sharers is reached (bind would answer 1310001)", st.limit)
	}
	if !f.ok() {
		return
	}
	if b.sharers == nil {
		b.sharers = map[string]*sharer{}
	}
	b.sharers[s.openid] = s
	b.then(func() { st.add(s) })
}

// seedBindTime reads bind_time: a bound sharer was bound when it
// accepted, not before it was invited (default: at once, as on
// sharers-accept); every other status has never been bound, so 0.
func seedBindTime(f seedReader, s *sharer) {
	if s.status != sharerBound {
		if bound := f.seconds("bind_time", 0); f.ok() && bound != 0 {
			f.fail(http.StatusBadRequest, "bind_time", "a sharer with bind_status %d was never bound: bind_time is 0", s.status)
		}
		return
	}
	s.bound = pastSeconds(f, "bind_time", s.invited)
	if f.ok() && s.bound < s.invited {
		f.fail(http.StatusBadRequest, "bind_time", "%d is before invited_time %d", s.bound, s.invited)
	}
}

// activeSharers counts this call's bound and inviting sharers.
func (b *seedBatch) activeSharers() int {
	n := 0
	for _, s := range b.sharers {
		if s.active() {
			n++
		}
	}
	return n
}
