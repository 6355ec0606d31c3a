// Package runstate is the state every process of one conformance run
// shares: the access-token cache, the accounts the run minted (Once), the
// client-side rate limit and call budget, the transport-fault breaker, and
// the list of secrets the final secret gate must find in no report.
//
// A run is several OS processes: `shopconform run` starts the suite binaries
// one after another, and Ginkgo may split each over --procs processes. Any
// state kept in one process's memory would be per process: each would fetch
// its own tokens (invalidating the others' with the classic endpoint),
// mint its own accounts, spend its own budget and send at its own rate. So
// the state lives in one small JSON file in a folder that `shopconform run`
// creates per run and removes afterwards, and every operation is
//
//	lock → read → modify → write (temp file + rename) → unlock
//
// The lock is a sync.Mutex (goroutines of this process) plus flock(2) on a
// separate lock file (other processes). The lock is on its own file because
// the state file is replaced by rename on every write: a lock on the old
// inode would not exclude a process that opened the new one. flock locks
// die with their process, so a suite killed mid-operation cannot wedge the
// run. The write goes through a temporary file and a rename so that a
// process killed mid-write leaves the previous state, never a torn one. It
// is not fsynced: the state is worth nothing once the run is over, and a
// machine crash ends the run anyway.
//
// The folder holds state.json, its lock state.lock, and one
// token-<hash>.lock per token key (and per Once key): a token fetch holds
// only its key's lock, so that a slow fetch stalls neither the other
// accounts nor the pacing, and so that the fetch may itself use the state
// (see Token). flock(2) is reliable on local file systems; the folder
// belongs in the local temporary directory, not on NFS.
//
// The files hold access tokens and app secrets. They are created with mode
// 0600, and the folder is meant to be private to the user running the
// harness.
//
// Open("") gives a process-local state with the same behaviour, kept in
// memory: for a plain `go test` of one suite.
//
// Times shared between processes are wall-clock times (a Go monotonic
// reading means nothing in another process), so a step of the system clock
// during a run shifts the pacing and the token renewal by that step.
package runstate
