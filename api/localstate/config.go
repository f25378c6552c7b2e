// Package localstate is what chargedesk keeps on this machine, outside any
// server: where its files live (XDG directories, or Windows' application
// data folders), the configuration file
// and its profiles (and how flags, environment and profile resolve into one
// target), and the remembered places and customer ids.
package localstate

import (
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"sort"
	"strings"

	"github.com/petitmonde/chargedesk/api"

	"github.com/BurntSushi/toml"
)

// Profile is one named target in the config file.
type Profile struct {
	BaseURL   string `toml:"base_url"`
	APIKeyEnv string `toml:"api_key_env"` // name of an environment variable holding the key
	APIKey    string `toml:"api_key"`     // the key itself (the file must then be private)
	// DriverLanguage is the driver message's language: "de" (the default) or "en".
	DriverLanguage string `toml:"driver_language"`
	// GeocoderURL names an online geocoder with the Nominatim search API
	// for street addresses; "" (the default) keeps every lookup offline.
	GeocoderURL string `toml:"geocoder_url"`
}

// FileConfig is config.toml.
type FileConfig struct {
	DefaultProfile string             `toml:"default_profile"`
	Profiles       map[string]Profile `toml:"profiles"`
}

// EnvGeocoderURL names a geocoder for this run, over the profile's.
const EnvGeocoderURL = "CHARGEDESK_GEOCODER_URL"

// LoadFile reads a config file; a missing file is an empty config.
func LoadFile(path string) (FileConfig, []string, error) {
	var fc FileConfig
	var warnings []string
	if path == "" {
		return fc, nil, nil
	}
	st, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return fc, nil, nil
	}
	if err != nil {
		return fc, nil, err
	}
	if _, err := toml.DecodeFile(path, &fc); err != nil {
		return fc, nil, fmt.Errorf("config %s: %w", path, err)
	}
	var exp *exposure // asked once, and only when a profile holds a key
	for name, p := range fc.Profiles {
		if p.APIKey == "" {
			continue
		}
		if exp == nil {
			e := exposed(path, st)
			exp = &e
		}
		if exp.who != "" {
			warnings = append(warnings, keyWarning(path, name, *exp))
		}
	}
	sort.Strings(warnings)
	return fc, warnings, nil
}

// Inputs are what the user gave: flags (empty when not set) and the environment.
type Inputs struct {
	FlagURL     string
	FlagKey     string // not offered as a flag (a key in argv leaks into ps); kept for tests
	FlagProfile string
	ForceDemo   bool
	Getenv      func(string) string
	File        FileConfig
}

// Resolved is the outcome: where to talk and with which key, and where each came from.
type Resolved struct {
	Demo           bool
	DriverLanguage string // the profile's driver_language ("" the default)
	GeocoderURL    string // the profile's geocoder_url, or $CHARGEDESK_GEOCODER_URL ("" none)
	Profile        string
	BaseURL        string
	APIKey         string
	URLSource      string
	KeySource      string
}

// Production tells whether the base URL is the production host.
func (r Resolved) Production() bool {
	u, err := url.Parse(r.BaseURL)
	if err != nil {
		return false
	}
	p, _ := url.Parse(api.DefaultBaseURL)
	return strings.EqualFold(u.Hostname(), p.Hostname())
}

// Host is the base URL's host, for the header.
func (r Resolved) Host() string {
	u, err := url.Parse(r.BaseURL)
	if err != nil || u.Host == "" {
		return r.BaseURL
	}
	return u.Host
}

// String describes the resolution with the key masked (for `chargedesk config`).
func (r Resolved) String() string {
	geo := "geocoder: off (every place is looked up offline)\n"
	if r.GeocoderURL != "" {
		geo = "geocoder: " + r.GeocoderURL + " (street addresses the offline gazetteer does not know are sent there)\n"
	}
	if r.Demo {
		return "mode: demo (embedded simulator)\n" + geo
	}
	prof := r.Profile
	if prof == "" {
		prof = "(none)"
	}
	return fmt.Sprintf("mode: live\nprofile: %s\nbase_url: %s (from %s)\napi_key: %s (from %s)\n",
		prof, r.BaseURL, r.URLSource, api.MaskKey(r.APIKey), r.KeySource) + geo
}

// Resolve applies the precedence flag > environment > profile > demo default.
// With no key from anywhere (and no --api-url) chargedesk runs the demo.
func Resolve(in Inputs) (Resolved, error) {
	getenv := in.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	if in.ForceDemo {
		return Resolved{Demo: true, URLSource: "demo", KeySource: "demo", GeocoderURL: getenv(EnvGeocoderURL)}, nil
	}
	var r Resolved
	name := in.FlagProfile
	if name == "" {
		name = getenv(api.EnvProfile)
	}
	if name == "" {
		name = in.File.DefaultProfile
	}
	var prof Profile
	if name != "" {
		p, ok := in.File.Profiles[name]
		if !ok {
			return r, fmt.Errorf("profile %q is not in the config file (known: %s)", name, strings.Join(profileNames(in.File), ", "))
		}
		prof = p
		r.Profile, r.DriverLanguage, r.GeocoderURL = name, p.DriverLanguage, p.GeocoderURL
	}
	if g := getenv(EnvGeocoderURL); g != "" {
		r.GeocoderURL = g
	}
	switch {
	case in.FlagURL != "":
		r.BaseURL, r.URLSource = in.FlagURL, "--api-url"
	case getenv(api.EnvAPIURL) != "":
		r.BaseURL, r.URLSource = getenv(api.EnvAPIURL), api.EnvAPIURL
	case prof.BaseURL != "":
		r.BaseURL, r.URLSource = prof.BaseURL, "profile "+name
	default:
		r.BaseURL, r.URLSource = api.DefaultBaseURL, "default"
	}
	switch {
	case in.FlagKey != "":
		r.APIKey, r.KeySource = in.FlagKey, "flag"
	case getenv(api.EnvAPIKey) != "":
		r.APIKey, r.KeySource = getenv(api.EnvAPIKey), api.EnvAPIKey
	case prof.APIKeyEnv != "" && getenv(prof.APIKeyEnv) != "":
		r.APIKey, r.KeySource = getenv(prof.APIKeyEnv), "$"+prof.APIKeyEnv+" (profile "+name+")"
	case prof.APIKey != "":
		r.APIKey, r.KeySource = prof.APIKey, "config file (profile "+name+")"
	}
	if r.APIKey != "" {
		k, err := api.CheckKey(r.APIKey, r.KeySource)
		if err != nil {
			return r, err
		}
		r.APIKey = k
	}
	if r.APIKey == "" {
		if r.URLSource == "default" {
			// Nothing configured at all: the demo.
			return Resolved{Demo: true, URLSource: "demo", KeySource: "demo", GeocoderURL: r.GeocoderURL}, nil
		}
		if prof.APIKeyEnv != "" {
			return r, fmt.Errorf("no API key: profile %q reads it from $%s, which is not set", name, prof.APIKeyEnv)
		}
		r.KeySource = "none"
	}
	if _, err := url.ParseRequestURI(r.BaseURL); err != nil {
		return r, fmt.Errorf("base URL %q (from %s) is not a URL", r.BaseURL, r.URLSource)
	}
	return r, nil
}

func profileNames(fc FileConfig) []string {
	var out []string
	for n := range fc.Profiles {
		out = append(out, n)
	}
	sort.Strings(out)
	if len(out) == 0 {
		return []string{"none"}
	}
	return out
}
