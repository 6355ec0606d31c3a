package refsandbox

import (
	"regexp"
	"strings"
	"testing"

	"github.com/shopconform/shopconform/apispec"
	"github.com/shopconform/shopconform/catalog"
)

// TestCouponVendorExamples sends every example request of the coupon
// endpoints (the spec's examples: the shape each vendor page prints) on
// a fresh sandbox holding the state the example presupposes. Each answers
// 0, but those that break their own page's rules, which must not.
func TestCouponVendorExamples(t *testing.T) {
	spec, err := apispec.Default()
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, ep := range spec.Endpoints {
		if !strings.HasPrefix(ep.Path, "/shop/coupon/") {
			continue
		}
		for i, ex := range ep.Examples {
			n++
			t.Run(ep.Path+"#"+itoa(i), func(t *testing.T) {
				sb, clock := newSandbox(t, nil)
				ctx := &couponExample{tg: &target{name: "in-process", sb: sb, clock: clock, client: sb.Client(), base: "http://sandbox.invalid"}, profile: "default"}
				for _, need := range ex.Needs {
					ctx.setUp(t, need)
				}
				resp := post(t, ctx.tg, token(t, ctx.tg, ctx.profile), ep.Path, string(ex.Body))
				switch got := errcode(t, resp); {
				case ex.Breaks == "" && got != 0:
					t.Errorf("%s answered %d (%v); the example presupposes %q", ep.Path, got, resp["errmsg"], ex.Needs)
				case ex.Breaks != "" && got == 0:
					t.Errorf("%s answered 0, but the example breaks its page: %s", ep.Path, ex.Breaks)
				case ex.Breaks != "":
					t.Logf("%s answered %d (%v): %s", ep.Path, got, resp["errmsg"], ex.Breaks)
				}
			})
		}
	}
	if n != 9 {
		t.Errorf("%d coupon examples, want the 9 of the pages in the stored corpus", n)
	}
}

// couponExample is the state one example's needs build.
type couponExample struct {
	tg      *target
	profile string
	openid  string // the example's user, once a need added it
}

var (
	couponNeedCoupon     = regexp.MustCompile(`^the coupon (\S+)(?: in status ([12]))?$`)
	couponNeedUser       = regexp.MustCompile(`^the user (o\S+)$`)
	couponNeedUserCoupon = regexp.MustCompile(`^the user coupon (\S+) of the coupon (\S+) granted to that user(?:, status 100)?$`)
)

// setUp makes one of the spec's example needs true: through the API where
// it can, and in the account's store for a user of the appid, which no
// API adds.
func (x *couponExample) setUp(t *testing.T, need string) {
	t.Helper()
	do := func(ss ...step) { t.Helper(); run(t, x.tg, x.profile, ss...) }
	switch {
	case need == "an unconfirmed account whose merchant answers the confirmation push correctly":
		x.profile = "coupon-unconfirmed" // its push_path is the simulator's /push/correct
		do(step{cpGet, outCoupon("x"), catalog.CouponNotConfirmed})
	case need == "a confirmed account":
		do(step{cpGet, outCoupon("x"), catalog.CouponNotFound})
	case couponNeedCoupon.MatchString(need):
		m := couponNeedCoupon.FindStringSubmatch(need)
		do(step{cpAdd, couponBody(m[1]), 0})
		if m[2] == "2" {
			do(step{cpStatus, statusBody(m[1], couponEffective), 0})
		}
	case couponNeedUser.MatchString(need):
		x.openid = couponNeedUser.FindStringSubmatch(need)[1]
		acct, ok := x.tg.sb.store.account(accountOf(t, x.tg, x.profile).AppID)
		if !ok {
			t.Fatalf("no account for %s", x.profile)
		}
		acct.openids[x.openid] = true // before any request reads the set
	case couponNeedUserCoupon.MatchString(need):
		m := couponNeedUserCoupon.FindStringSubmatch(need)
		if x.openid == "" {
			t.Fatalf("%q needs the user first", need)
		}
		do(effective(m[2])...)
		do(step{cpGrant, grantBody(x.openid, m[1], m[2], userCouponEffective), 0})
	default:
		t.Fatalf("no set-up for the need %q", need)
	}
}
