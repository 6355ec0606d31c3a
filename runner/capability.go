package runner

import (
	"slices"

	"github.com/shopconform/shopconform/runner/accounts"

	"github.com/shopconform/shopconform/fixtures"
)

// Capability is something a case may need from its target beyond the
// API itself: a state a plain sandbox account cannot be put in on demand
// (apispec/api-reference.md marks those codes NS).
type Capability string

const (
	// MagicValues: the reference sandbox's documented magic values
	// (refsandbox/README.md, "Magic values") answer backend failures that
	// nothing a client sends provokes on a real sandbox.
	MagicValues Capability = "magic-values"
	// FreshAccounts: the target creates a new account of a profile on
	// demand (the control API's mint call).
	FreshAccounts Capability = "fresh-accounts"
	// Clock: the target's clock can be set or advanced (the control API).
	Clock Capability = "clock"
)

// capabilityLabels are the fixture labels that say a case needs a
// capability (fixtures/README.md, "labels").
var capabilityLabels = map[string]Capability{"magic": MagicValues, "clock": Clock}

// whyNot is the skip reason for a case that needs what its target lacks.
// The texts are fixed, so that reports can count skips by reason.
var whyNot = map[Capability]string{
	MagicValues:   "not triggerable on this target: needs the reference sandbox's magic values",
	FreshAccounts: "not triggerable on this target: needs a fresh account (the reference sandbox and `shopconform serve` mint them)",
	Clock:         "not triggerable on this target: needs the sandbox clock (the reference sandbox and `shopconform serve` set it)",
}

// lacks returns the skip reason for the first capability c needs that t
// does not have, or "" when t can run it. Account profiles are checked
// when the case asks for its credentials.
func (t *Target) lacks(c *fixtures.Case) string {
	if t.controlled() {
		return ""
	}
	if c.FreshAccount {
		return whyNot[FreshAccounts]
	}
	for _, l := range c.Labels {
		if capability, ok := capabilityLabels[l]; ok {
			return whyNot[capability]
		}
	}
	return ""
}

// controlled says whether t is a shopconform sandbox, which has every
// capability: the reference sandbox, a replay of its recordings, or a
// sandbox target whose accounts file carries the control token
// `shopconform serve` writes into it. Any other sandbox is taken to be a
// live one, which can trigger only what its accounts' own state allows.
func (t *Target) controlled() bool {
	return t.Name == TargetReference || t.Name == TargetReplay || t.Accounts.Control != nil
}

// Capabilities are what t can trigger, for the report: the capabilities
// above, then "profile:<name>" for each account profile it has.
func (t *Target) Capabilities() []string {
	var out []string
	if t.controlled() {
		out = append(out, string(MagicValues), string(FreshAccounts), string(Clock))
	}
	profiles := make([]string, 0, len(t.Accounts.Profiles))
	for name := range t.Accounts.Profiles {
		profiles = append(profiles, "profile:"+name)
	}
	slices.Sort(profiles)
	return append(out, profiles...)
}

// Deterministic says whether t answers the same request the same way
// every time: the reference sandbox and its replay. There, an answer of
// the environment (quota, busy, token) is a bug of the target, not
// weather.
func (t *Target) Deterministic() bool {
	return t.Name == TargetReference || t.Name == TargetReplay
}

// CapabilitiesOf is what the target cfg names can trigger, for a report
// written without opening the target; nil when its accounts cannot be
// read (the run says why elsewhere).
func CapabilitiesOf(cfg Config) []string {
	t := &Target{Name: TargetName(cfg)}
	var err error
	switch cfg.Target {
	case TargetSandbox:
		t.Accounts, err = accounts.Read(cfg.Accounts)
	default:
		t.Accounts, err = replayAccounts() // the reference sandbox's profiles
	}
	if err != nil {
		return nil
	}
	return t.Capabilities()
}
