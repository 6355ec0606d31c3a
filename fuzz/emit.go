package fuzz

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/shopconform/shopconform/catalog"
	"github.com/shopconform/shopconform/fuzz/report"
)

// emitted is a finding with what it takes to write it as a case.
type emitted struct {
	base    *base
	mu      mutated // the mutation of the whole valid body
	finding report.Finding
}

// emit writes every finding as a case file under dir/<domain>/: the
// valid case's account and steps, the shrunk request, and the code the
// spec gives it, so that it joins a fixtures folder as it is.
func (c *campaign) emit(dir string) error {
	for k, e := range c.emitted {
		id := fmt.Sprintf("fuzz-%s-%s-%d", slug(e.finding.Endpoint), e.finding.Operator, k+1)
		got := "no errcode"
		if e.finding.Errcode != nil {
			got = "errcode " + catalog.Default().Describe(catalog.Code(*e.finding.Errcode))
		}
		summary := fmt.Sprintf("%s on %s of %s answers %s (found as %s, answered %s)",
			e.finding.Operator, e.finding.Field, e.finding.Endpoint, catalog.Default().Describe(e.mu.primary), e.finding.Kind, got)
		f := e.base.caseOf(id, summary, e.mu, false)
		f.FreshAccount = f.FreshAccount || c.fresh
		_, data, err := load(e.base.c.Domain, f)
		if err != nil {
			return fmt.Errorf("emitting %s: %w", id, err)
		}
		folder := filepath.Join(dir, string(e.base.c.Domain))
		if err := os.MkdirAll(folder, 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(folder, id+".json"), data, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// slug is an endpoint as part of a case id: /shop/spu/add → spu-add.
func slug(path string) string {
	s := strings.TrimPrefix(path, "/shop/")
	return strings.NewReplacer("/", "-", "_", "-").Replace(s)
}
