package fuzz

import (
	"fmt"
	"time"
)

// progressEvery is how often a long campaign says where it is.
const progressEvery = 5 * time.Second

// show prints where the campaign is, at most every progressEvery, and
// always when final.
func (c *campaign) show(final bool) {
	if c.opts.Progress == nil || !final && time.Since(c.lastShown) < progressEvery {
		return
	}
	c.lastShown = time.Now()
	fmt.Fprintf(c.opts.Progress, "fuzz: %d requests, %d mutations judged, %d findings, %d of %d endpoints\n",
		c.counter.count(), c.judged, len(c.findings), len(c.covered), len(c.spec.Endpoints))
}

// note prints one line of the campaign's own.
func (c *campaign) note(format string, args ...any) {
	if c.opts.Progress != nil {
		fmt.Fprintf(c.opts.Progress, "fuzz: "+format+"\n", args...)
	}
}
