// Package secretgate is the last check of a run: no file the run leaves
// behind may hold an app secret or an access token, in any encoding the
// redactor knows. Redaction happens where text is written; the gate is
// the independent second line that catches whatever a writer forgot.
package secretgate

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"

	"github.com/shopconform/shopconform/runner/redact"
)

// chunk is how much of a file is read per step. Memory stays at about
// chunk plus the longest encoded secret, whatever the file's size.
const chunk = 1 << 20

// Scan walks every regular file under dir, and deletes each that holds any
// of secrets in any encoding the redactor knows (plain, URL-encoded,
// base64, JSON-escaped, XML-escaped; see redact.Forms); it returns the
// paths it deleted (sorted) so the caller can fail the run and name them.
//
// It also deletes a file that holds what is left of a secret cut short:
// after a key that names a token or a secret (access_token=…,
// "access_token":"…"), a value that begins with at least 8 characters of
// one (redact.HoldsPrefix), as an SDK's shortened error message leaves it.
//
// Secrets shorter than the redactor's minimum are ignored, as the
// redactor ignores them. Symbolic links and other non-regular files are
// neither followed nor deleted: what they point to is outside the run's
// output. A file that cannot be read or deleted does not stop the scan;
// its error is returned, joined with the others, together with every path
// that was deleted, and the caller must treat the run as failed.
func Scan(dir string, secrets []string) (leaked []string, err error) {
	return scan(dir, patterns(secrets), secrets, chunk)
}

// patterns are every form of every secret, without repeats.
func patterns(secrets []string) [][]byte {
	seen := map[string]bool{}
	var out [][]byte
	for _, s := range secrets {
		for _, f := range redact.Forms(s) {
			if !seen[f] {
				seen[f] = true
				out = append(out, []byte(f))
			}
		}
	}
	return out
}

// keyRoom is how far before a secret's start its key may be: the longest
// of access_token%3D with quotes and blanks around it, with room to spare.
const keyRoom = 64

func scan(dir string, pats [][]byte, secrets []string, step int) ([]string, error) {
	var leaked []string
	var errs []error
	longest := 0
	for _, p := range pats {
		longest = max(longest, len(p))
	}
	// The window must also hold a key with the start of a secret after
	// it; every secret is at most as long as its longest form.
	keep := 0
	if longest > 0 {
		keep = longest - 1 + keyRoom
	}
	// One buffer for the whole walk: the window never grows past it.
	buf := make([]byte, keep+step)
	walkErr := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if path == dir {
				return err // the folder itself is unreadable: nothing was checked
			}
			errs = append(errs, err)
			return nil
		}
		if !d.Type().IsRegular() || len(pats) == 0 {
			return nil
		}
		found, err := holds(path, pats, secrets, buf, keep)
		if err != nil {
			errs = append(errs, err)
			return nil
		}
		if !found {
			return nil
		}
		if err := os.Remove(path); err != nil {
			errs = append(errs, fmt.Errorf("%s holds a secret and could not be deleted: %w", path, err))
			return nil
		}
		leaked = append(leaked, path)
		return nil
	})
	if walkErr != nil {
		errs = append(errs, walkErr)
	}
	slices.Sort(leaked)
	return leaked, errors.Join(errs...)
}

// holds streams the file through a sliding window in buf: each step
// searches the last keep bytes of the previous step followed by the next
// read, so that a secret split across two reads is still seen whole (keep
// is the longest form less one byte, plus room for a key before it).
func holds(path string, pats [][]byte, secrets []string, buf []byte, keep int) (bool, error) {
	f, err := os.Open(path)
	if err != nil {
		return false, err
	}
	defer f.Close()
	n := 0 // bytes of buf in use
	for {
		m, err := io.ReadFull(f, buf[n:])
		n += m
		if m > 0 && (containsAny(buf[:n], pats) || redact.HoldsPrefix(buf[:n], secrets)) {
			return true, nil
		}
		switch {
		case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
			return false, nil
		case err != nil:
			return false, fmt.Errorf("reading %s: %w", path, err)
		}
		n = copy(buf, buf[n-keep:n])
	}
}

func containsAny(window []byte, pats [][]byte) bool {
	for _, p := range pats {
		if bytes.Contains(window, p) {
			return true
		}
	}
	return false
}
