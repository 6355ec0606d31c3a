// Package shard splits the cases of a run deterministically: by a hash of
// each case's id, so that every machine that runs shard I of N with the
// same corpus runs the same cases, whatever order it loads them in.
package shard

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"strconv"
	"strings"
)

// Shard is one part of a run: Index of Total, 1-based as users write it.
type Shard struct {
	Index, Total int
}

// All is the whole run.
var All = Shard{1, 1}

// Parse reads "I/N" (1 ≤ I ≤ N).
func Parse(s string) (Shard, error) {
	i, n, ok := strings.Cut(s, "/")
	index, err1 := strconv.Atoi(strings.TrimSpace(i))
	total, err2 := strconv.Atoi(strings.TrimSpace(n))
	if !ok || err1 != nil || err2 != nil || total < 1 || index < 1 || index > total {
		return Shard{}, fmt.Errorf("%q is not I/N with 1 ≤ I ≤ N, e.g. 2/3", s)
	}
	return Shard{index, total}, nil
}

func (s Shard) String() string { return fmt.Sprintf("%d/%d", s.Index, s.Total) }

// Whole reports whether s is the whole run.
func (s Shard) Whole() bool { return s.Total <= 1 }

// Has reports whether the case with this id belongs to s.
func (s Shard) Has(id string) bool {
	if s.Whole() {
		return true
	}
	return byHash(id, s.Total) == s.Index
}

// byHash is the 1-based shard of total that the hash of id picks.
func byHash(id string, total int) int {
	h := fnv.New64a()
	h.Write([]byte(id))
	return int(h.Sum64()%uint64(total)) + 1
}

// HasWithin reports whether the case with this id belongs to s when s
// splits one machine's cases between its processes (run --procs). Its
// hash is independent of Has's: FNV-1a's lowest bit is the parity of the
// id's bytes whatever is prepended, so Has on the same ids, salted or
// not, would hand shard 1/2's every case to process 1/2.
func (s Shard) HasWithin(id string) bool {
	if s.Whole() {
		return true
	}
	sum := sha256.Sum256([]byte(id))
	return int(binary.BigEndian.Uint64(sum[:8])%uint64(s.Total))+1 == s.Index
}
