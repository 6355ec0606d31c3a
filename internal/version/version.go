// Package version names the harness release that reports, cassettes and the
// reference sandbox's Shopconform-Version header carry.
package version

// Harness is the shopconform release. Bump it with every change to the
// results schema, the case format or the reference sandbox's behaviour.
const Harness = "0.1.0"
