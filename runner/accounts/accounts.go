// Package accounts reads and writes the accounts file: account profile
// names mapped to the credentials a target knows them by. `shopconform
// serve --accounts-out` writes it; SHOPCONFORM_ACCOUNTS reads it.
package accounts

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// File is the whole accounts file.
type File struct {
	Profiles map[string]Credentials `json:"profiles" yaml:"profiles"`
	// Control is the reference sandbox's control API, when the target is
	// one (`shopconform serve` writes it): how a run mints accounts of
	// its own.
	Control *Control `json:"control,omitempty" yaml:"control,omitempty"`
}

// Control is what a client of the control API needs besides the base URL.
type Control struct {
	Token string `json:"token" yaml:"token"`
}

// Credentials identify one account profile on a target. Either AppID with
// Secret (or SecretFile), or a fixed AccessToken.
type Credentials struct {
	AppID       string   `json:"appid,omitempty" yaml:"appid,omitempty"`
	Secret      string   `json:"secret,omitempty" yaml:"secret,omitempty"`
	SecretFile  string   `json:"secret_file,omitempty" yaml:"secret_file,omitempty"`
	AccessToken string   `json:"access_token,omitempty" yaml:"access_token,omitempty"`
	OpenIDs     []string `json:"openids,omitempty" yaml:"openids,omitempty"`
}

var profileName = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*$`)

// Read loads an accounts file, JSON or YAML by extension, rejecting unknown
// keys. A SecretFile is read relative to the accounts file. Errors name the
// file and, where it helps, the profile.
func Read(path string) (*File, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("accounts file: %w", err)
	}
	var f File
	switch strings.ToLower(filepath.Ext(path)) {
	case ".yaml", ".yml":
		dec := yaml.NewDecoder(bytes.NewReader(data))
		dec.KnownFields(true)
		err = dec.Decode(&f)
	default:
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.DisallowUnknownFields()
		err = dec.Decode(&f)
	}
	if err != nil {
		return nil, fmt.Errorf("accounts file %s: %w", path, err)
	}
	if err := f.resolve(filepath.Dir(path)); err != nil {
		return nil, fmt.Errorf("accounts file %s: %w", path, err)
	}
	return &f, nil
}

func (f *File) resolve(dir string) error {
	var errs []error
	for _, name := range f.Names() {
		c := f.Profiles[name]
		if !profileName.MatchString(name) {
			errs = append(errs, fmt.Errorf("profile %q: names are lower-case letters, digits and '-'", name))
		}
		if c.SecretFile != "" {
			p := c.SecretFile
			if !filepath.IsAbs(p) {
				p = filepath.Join(dir, p)
			}
			secret, err := os.ReadFile(p)
			if err != nil {
				errs = append(errs, fmt.Errorf("profile %q: secret_file: %w", name, err))
			}
			c.Secret = strings.TrimSpace(string(secret))
		}
		if c.AccessToken == "" && (c.AppID == "" || c.Secret == "") {
			errs = append(errs, fmt.Errorf("profile %q: give appid with secret (or secret_file), or access_token", name))
		}
		f.Profiles[name] = c
	}
	return errors.Join(errs...)
}

// Names lists the profiles, sorted.
func (f *File) Names() []string {
	names := make([]string, 0, len(f.Profiles))
	for n := range f.Profiles {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// Write saves f as indented JSON, readable by its owner only: it holds
// secrets.
func Write(path string, f *File) error {
	data, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(data, '\n'), 0o600)
}
