package refsandbox

import "time"

// shanghai is the vendor's time zone: quota days roll over at its midnight
// and "yyyy-MM-dd HH:mm:ss" request times are read in it. A fixed offset
// (China has no DST) keeps the sandbox independent of the host's tzdata.
var shanghai = time.FixedZone("Asia/Shanghai", 8*60*60)

// dailyCount is how many calls one API took on one Shanghai day.
type dailyCount struct {
	day  int64
	used int
}

func shanghaiDay(t time.Time) int64 {
	y, m, d := t.In(shanghai).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400
}

// takeQuota counts one call of api (45009, §3.1: per API per day). A
// refused call is not counted, so the count never exceeds the quota.
func (a *account) takeQuota(api string, now time.Time) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	day := shanghaiDay(now)
	c := a.quota[api]
	if c.day != day {
		c = dailyCount{day: day}
	}
	if c.used >= *a.profile.DailyQuota {
		return false
	}
	c.used++
	a.quota[api] = c
	return true
}

// bucket is the account's token bucket for 300000 (§3.1 "instantaneous
// rate too high"). It starts full and refills from the injected clock, so
// tests move time instead of sleeping.
type bucket struct {
	primed bool
	tokens float64
	last   time.Time
}

func (a *account) takeRate(now time.Time) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	r, b := a.profile.Rate, &a.bucket
	if !b.primed {
		b.primed, b.tokens, b.last = true, float64(r.Burst), now
	}
	if elapsed := now.Sub(b.last); elapsed > 0 { // a clock moved backwards refills nothing
		b.tokens = min(float64(r.Burst), b.tokens+elapsed.Seconds()*r.PerSecond)
		b.last = now
	}
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}
