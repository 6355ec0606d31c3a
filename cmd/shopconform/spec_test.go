package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/shopconform/shopconform/apispec"
)

func TestSpecWritesOpenAPIByDefault(t *testing.T) {
	code, stdout, stderr := runCLI(t, "spec")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var doc struct {
		OpenAPI    string                    `json:"openapi"`
		Paths      map[string]map[string]any `json:"paths"`
		Components struct {
			SecuritySchemes map[string]any `json:"securitySchemes"`
		} `json:"components"`
	}
	if err := json.Unmarshal([]byte(stdout), &doc); err != nil {
		t.Fatal(err)
	}
	spec, err := apispec.Default()
	if err != nil {
		t.Fatal(err)
	}
	// The /shop/ endpoints, the two token endpoints, and the reference
	// sandbox's control API: healthz and its seven calls on six paths.
	control := map[string]string{
		"/_shopconform/healthz":                        "get",
		"/_shopconform/v1/accounts":                    "post",
		"/_shopconform/v1/accounts/{appid}":            "get",
		"/_shopconform/v1/accounts/{appid}/reset":      "post",
		"/_shopconform/v1/accounts/{appid}/clock":      "post",
		"/_shopconform/v1/accounts/{appid}/categories": "put",
		"/_shopconform/v1/accounts/{appid}/seed":       "post",
		"/_shopconform/v1/accounts/{appid}/reviews":    "post",
	}
	if doc.OpenAPI != "3.1.0" || len(doc.Paths) != len(spec.Endpoints)+2+len(control) {
		t.Errorf("openapi %q with %d paths, want 3.1.0 with the %d endpoints, the two token endpoints and the %d paths of the control API",
			doc.OpenAPI, len(doc.Paths), len(spec.Endpoints), len(control))
	}
	for _, ep := range spec.Endpoints {
		if doc.Paths[ep.Path]["post"] == nil {
			t.Errorf("%s: no post operation", ep.Path)
		}
	}
	for path, method := range control {
		if doc.Paths[path][method] == nil {
			t.Errorf("%s: no %s operation", path, method)
		}
	}
	if doc.Components.SecuritySchemes["control_token"] == nil {
		t.Error("no control_token security scheme")
	}
}

func TestSpecJSONIsTheModel(t *testing.T) {
	code, stdout, stderr := runCLI(t, "spec", "--format", "json")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var doc struct {
		Endpoints []struct {
			Path    string `json:"path"`
			Request struct {
				Type string `json:"type"`
			} `json:"request"`
		} `json:"endpoints"`
	}
	if err := json.Unmarshal([]byte(stdout), &doc); err != nil {
		t.Fatal(err)
	}
	spec, _ := apispec.Default()
	if len(doc.Endpoints) != len(spec.Endpoints) || doc.Endpoints[0].Path != spec.Endpoints[0].Path || doc.Endpoints[0].Request.Type != "object" {
		t.Errorf("the model has %d endpoints, the spec %d: %.200s", len(doc.Endpoints), len(spec.Endpoints), stdout)
	}
}

// TestSpecMarkdownOut: --out writes the file, and the committed API notes
// are what it writes.
func TestSpecMarkdownOut(t *testing.T) {
	out := filepath.Join(t.TempDir(), "API.md")
	code, stdout, stderr := runCLI(t, "spec", "--format", "markdown", "--out", out)
	if code != exitOK || stdout != "" {
		t.Fatalf("exit %d, stdout %q: %s", code, stdout, stderr)
	}
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	committed, err := os.ReadFile("../../apispec/API.md")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, committed) {
		t.Error("apispec/API.md is not what spec --format markdown writes; run make api-notes")
	}
}

func TestSpecUsage(t *testing.T) {
	for _, tc := range []struct {
		args []string
		code int
		says string
	}{
		{[]string{"spec", "--format", "yaml"}, exitUsage, `shopconform spec: --format "yaml" is not one of openapi, json, markdown`},
		{[]string{"spec", "--nope"}, exitUsage, "flag provided but not defined: -nope"},
		{[]string{"spec", "extra"}, exitUsage, `shopconform spec: unexpected argument "extra"`},
		{[]string{"spec", "--out", filepath.Join(t.TempDir(), "no", "such", "dir", "x.json")}, exitFailures, "spec: --out:"},
		{[]string{"spec", "-h"}, exitOK, "-format"},
	} {
		code, _, stderr := runCLI(t, tc.args...)
		if code != tc.code || !strings.Contains(stderr, tc.says) {
			t.Errorf("%v: exit %d, want %d; stderr lacks %q:\n%s", tc.args, code, tc.code, tc.says, stderr)
		}
	}
}
