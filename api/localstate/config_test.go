package localstate_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/petitmonde/chargedesk/api"
	"github.com/petitmonde/chargedesk/api/localstate"
	"github.com/petitmonde/chargedesk/model"
)

func envOf(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

const configTOML = `
default_profile = "staging"

[profiles.prod]
base_url = "https://api.petitmonde.energy/api/v1/client"
api_key_env = "PM_PROD_KEY"

[profiles.staging]
base_url = "http://localhost:8080/api/v1/client"
api_key = "StagingKeyX7q9Lm2Pz"

[profiles.local]
base_url = "http://127.0.0.1:9999/api/v1/client"
api_key = "LocalKeyR5t8Wq3Nb"
`

func writeConfig(t *testing.T, content string, mode os.FileMode) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "chargedesk", "config.toml")
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, mode); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestLoadFile(t *testing.T) {
	t.Parallel()
	path := writeConfig(t, configTOML, 0o600)
	fc, warnings, err := localstate.LoadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(warnings) != 0 {
		t.Errorf("warnings for a private file: %v", warnings)
	}
	if fc.DefaultProfile != "staging" || len(fc.Profiles) != 3 {
		t.Fatalf("config %+v", fc)
	}
	if p := fc.Profiles["prod"]; p.BaseURL != api.DefaultBaseURL || p.APIKeyEnv != "PM_PROD_KEY" || p.APIKey != "" {
		t.Errorf("prod %+v", p)
	}
	if p := fc.Profiles["staging"]; p.APIKey != "StagingKeyX7q9Lm2Pz" || p.BaseURL != "http://localhost:8080/api/v1/client" {
		t.Errorf("staging %+v", p)
	}
}

func TestLoadFileMissingOrEmptyPath(t *testing.T) {
	t.Parallel()
	for _, path := range []string{"", filepath.Join(t.TempDir(), "nope", "config.toml")} {
		fc, warnings, err := localstate.LoadFile(path)
		if err != nil || len(warnings) != 0 || fc.DefaultProfile != "" || len(fc.Profiles) != 0 {
			t.Errorf("LoadFile(%q) = %+v, %v, %v; want an empty config", path, fc, warnings, err)
		}
	}
}

func TestLoadFileRejectsBadTOML(t *testing.T) {
	t.Parallel()
	path := writeConfig(t, "[profiles.prod\nbase_url = 3", 0o600)
	_, _, err := localstate.LoadFile(path)
	if err == nil || !strings.Contains(err.Error(), path) {
		t.Errorf("error %v should name the file", err)
	}
}

func TestResolve(t *testing.T) {
	t.Parallel()
	file := localstate.FileConfig{Profiles: map[string]localstate.Profile{
		"prod":    {BaseURL: api.DefaultBaseURL, APIKeyEnv: "PM_PROD_KEY"},
		"staging": {BaseURL: "http://staging.test/api/v1/client", APIKey: "StagingKeyX7q9Lm2Pz"},
		"both":    {BaseURL: "http://both.test/api", APIKeyEnv: "PM_BOTH_KEY", APIKey: "FileKeyBothQ2w3E4"},
		"nourl":   {APIKey: "NoUrlKeyA1s2D3f4"},
		"keyless": {BaseURL: "http://keyless.test/api"},
	}}
	withDefault := file
	withDefault.DefaultProfile = "staging"

	cases := []struct {
		name    string
		in      localstate.Inputs
		env     map[string]string
		want    localstate.Resolved
		wantErr string
	}{
		{name: "nothing: demo",
			want: localstate.Resolved{Demo: true, URLSource: "demo", KeySource: "demo"}},
		{name: "nothing but a file without default: demo", in: localstate.Inputs{File: file},
			want: localstate.Resolved{Demo: true, URLSource: "demo", KeySource: "demo"}},
		{name: "forced demo beats everything", in: localstate.Inputs{ForceDemo: true, FlagURL: "http://x.test", FlagKey: "k1234567", FlagProfile: "staging", File: file},
			env:  map[string]string{api.EnvAPIKey: "EnvKeyZ9x8C7v6"},
			want: localstate.Resolved{Demo: true, URLSource: "demo", KeySource: "demo"}},
		{name: "env key: production",
			env:  map[string]string{api.EnvAPIKey: "EnvKeyZ9x8C7v6"},
			want: localstate.Resolved{BaseURL: api.DefaultBaseURL, URLSource: "default", APIKey: "EnvKeyZ9x8C7v6", KeySource: api.EnvAPIKey}},
		{name: "--api-url without key: live, no key", in: localstate.Inputs{FlagURL: "http://localhost:8080/api/v1/client"},
			want: localstate.Resolved{BaseURL: "http://localhost:8080/api/v1/client", URLSource: "--api-url", KeySource: "none"}},
		{name: "env url without key: live, no key",
			env:  map[string]string{api.EnvAPIURL: "http://env.test/api"},
			want: localstate.Resolved{BaseURL: "http://env.test/api", URLSource: api.EnvAPIURL, KeySource: "none"}},
		{name: "flag url beats env url beats profile", in: localstate.Inputs{FlagURL: "http://flag.test/api", FlagProfile: "staging", File: file},
			env:  map[string]string{api.EnvAPIURL: "http://env.test/api"},
			want: localstate.Resolved{Profile: "staging", BaseURL: "http://flag.test/api", URLSource: "--api-url", APIKey: "StagingKeyX7q9Lm2Pz", KeySource: "config file (profile staging)"}},
		{name: "env url beats profile", in: localstate.Inputs{FlagProfile: "staging", File: file},
			env:  map[string]string{api.EnvAPIURL: "http://env.test/api"},
			want: localstate.Resolved{Profile: "staging", BaseURL: "http://env.test/api", URLSource: api.EnvAPIURL, APIKey: "StagingKeyX7q9Lm2Pz", KeySource: "config file (profile staging)"}},
		{name: "flag key beats env key", in: localstate.Inputs{FlagKey: "FlagKeyP0o9I8u7", FlagProfile: "staging", File: file},
			env:  map[string]string{api.EnvAPIKey: "EnvKeyZ9x8C7v6"},
			want: localstate.Resolved{Profile: "staging", BaseURL: "http://staging.test/api/v1/client", URLSource: "profile staging", APIKey: "FlagKeyP0o9I8u7", KeySource: "flag"}},
		{name: "env key beats profile key", in: localstate.Inputs{FlagProfile: "both", File: file},
			env:  map[string]string{api.EnvAPIKey: "EnvKeyZ9x8C7v6", "PM_BOTH_KEY": "BothEnvKeyM5n6B7"},
			want: localstate.Resolved{Profile: "both", BaseURL: "http://both.test/api", URLSource: "profile both", APIKey: "EnvKeyZ9x8C7v6", KeySource: api.EnvAPIKey}},
		{name: "profile's variable beats profile's key", in: localstate.Inputs{FlagProfile: "both", File: file},
			env:  map[string]string{"PM_BOTH_KEY": "BothEnvKeyM5n6B7"},
			want: localstate.Resolved{Profile: "both", BaseURL: "http://both.test/api", URLSource: "profile both", APIKey: "BothEnvKeyM5n6B7", KeySource: "$PM_BOTH_KEY (profile both)"}},
		{name: "profile's variable unset: profile's key", in: localstate.Inputs{FlagProfile: "both", File: file},
			want: localstate.Resolved{Profile: "both", BaseURL: "http://both.test/api", URLSource: "profile both", APIKey: "FileKeyBothQ2w3E4", KeySource: "config file (profile both)"}},
		{name: "profile reading its key from the environment", in: localstate.Inputs{FlagProfile: "prod", File: file},
			env:  map[string]string{"PM_PROD_KEY": "ProdKeyL1k2J3h4"},
			want: localstate.Resolved{Profile: "prod", BaseURL: api.DefaultBaseURL, URLSource: "profile prod", APIKey: "ProdKeyL1k2J3h4", KeySource: "$PM_PROD_KEY (profile prod)"}},
		{name: "profile whose variable is unset: clear error", in: localstate.Inputs{FlagProfile: "prod", File: file},
			wantErr: `no API key: profile "prod" reads it from $PM_PROD_KEY, which is not set`},
		{name: "profile without url: default url", in: localstate.Inputs{FlagProfile: "nourl", File: file},
			want: localstate.Resolved{Profile: "nourl", BaseURL: api.DefaultBaseURL, URLSource: "default", APIKey: "NoUrlKeyA1s2D3f4", KeySource: "config file (profile nourl)"}},
		{name: "profile without key: live, no key", in: localstate.Inputs{FlagProfile: "keyless", File: file},
			want: localstate.Resolved{Profile: "keyless", BaseURL: "http://keyless.test/api", URLSource: "profile keyless", KeySource: "none"}},
		{name: "default profile from the file", in: localstate.Inputs{File: withDefault},
			want: localstate.Resolved{Profile: "staging", BaseURL: "http://staging.test/api/v1/client", URLSource: "profile staging", APIKey: "StagingKeyX7q9Lm2Pz", KeySource: "config file (profile staging)"}},
		{name: "profile from the environment beats the default", in: localstate.Inputs{File: withDefault},
			env:  map[string]string{api.EnvProfile: "nourl"},
			want: localstate.Resolved{Profile: "nourl", BaseURL: api.DefaultBaseURL, URLSource: "default", APIKey: "NoUrlKeyA1s2D3f4", KeySource: "config file (profile nourl)"}},
		{name: "--profile beats the environment", in: localstate.Inputs{FlagProfile: "keyless", File: withDefault},
			env:  map[string]string{api.EnvProfile: "nourl"},
			want: localstate.Resolved{Profile: "keyless", BaseURL: "http://keyless.test/api", URLSource: "profile keyless", KeySource: "none"}},
		{name: "unknown profile lists the known ones", in: localstate.Inputs{FlagProfile: "prdo", File: file},
			wantErr: `profile "prdo" is not in the config file (known: both, keyless, nourl, prod, staging)`},
		{name: "unknown profile without a file", in: localstate.Inputs{FlagProfile: "prod"},
			wantErr: `profile "prod" is not in the config file (known: none)`},
		{name: "unknown default profile", in: localstate.Inputs{File: localstate.FileConfig{DefaultProfile: "gone", Profiles: file.Profiles}},
			wantErr: `profile "gone" is not in the config file`},
		{name: "a url that is not one", in: localstate.Inputs{FlagURL: "not a url"},
			env:     map[string]string{api.EnvAPIKey: "EnvKeyZ9x8C7v6"},
			wantErr: `base URL "not a url" (from --api-url) is not a URL`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := tc.in
			in.Getenv = envOf(tc.env)
			got, err := localstate.Resolve(in)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %v, want %q", err, tc.wantErr)
				}
				for _, k := range []string{"StagingKeyX7q9Lm2Pz", "EnvKeyZ9x8C7v6", "FileKeyBothQ2w3E4"} {
					if strings.Contains(err.Error(), k) {
						t.Errorf("error shows a key: %v", err)
					}
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("got  %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

func TestResolveFromALoadedFile(t *testing.T) {
	t.Parallel()
	fc, _, err := localstate.LoadFile(writeConfig(t, configTOML, 0o600))
	if err != nil {
		t.Fatal(err)
	}
	r, err := localstate.Resolve(localstate.Inputs{File: fc, Getenv: envOf(nil)})
	if err != nil {
		t.Fatal(err)
	}
	if r.Demo || r.Profile != "staging" || r.APIKey != "StagingKeyX7q9Lm2Pz" || r.Production() {
		t.Errorf("resolved %+v", r)
	}
}

func TestResolvedProductionAndHost(t *testing.T) {
	t.Parallel()
	cases := []struct {
		url  string
		prod bool
		host string
	}{
		{api.DefaultBaseURL, true, "api.petitmonde.energy"},
		{"https://API.PetitMonde.Energy/api/v1/client", true, "API.PetitMonde.Energy"},
		{"https://api.petitmonde.energy:443/api/v1/client", true, "api.petitmonde.energy:443"},
		{"https://api.petitmonde.energy.evil.test/api", false, "api.petitmonde.energy.evil.test"},
		{"https://staging.petitmonde.energy/api", false, "staging.petitmonde.energy"},
		{"http://127.0.0.1:8080/api/v1/client", false, "127.0.0.1:8080"},
		{"", false, ""},
		{"::bad", false, "::bad"},
	}
	for _, tc := range cases {
		r := localstate.Resolved{BaseURL: tc.url}
		if r.Production() != tc.prod {
			t.Errorf("Production(%q) = %v", tc.url, r.Production())
		}
		if r.Host() != tc.host {
			t.Errorf("Host(%q) = %q, want %q", tc.url, r.Host(), tc.host)
		}
	}
}

func TestResolvedStringMasksTheKey(t *testing.T) {
	t.Parallel()
	r := localstate.Resolved{Profile: "prod", BaseURL: api.DefaultBaseURL, URLSource: "profile prod",
		APIKey: "ProdKeyL1k2J3h4Xy", KeySource: "$PM_PROD_KEY (profile prod)"}
	s := r.String()
	if strings.Contains(s, "ProdKeyL1k2J3h4Xy") || strings.Contains(s, "ProdKey") {
		t.Errorf("String shows the key:\n%s", s)
	}
	for _, want := range []string{"mode: live", "profile: prod", "base_url: " + api.DefaultBaseURL + " (from profile prod)",
		"api_key: " + api.MaskKey(r.APIKey) + " (from $PM_PROD_KEY (profile prod))"} {
		if !strings.Contains(s, want) {
			t.Errorf("String lacks %q:\n%s", want, s)
		}
	}
	s = localstate.Resolved{BaseURL: "http://x.test", URLSource: "--api-url", KeySource: "none"}.String()
	if !strings.Contains(s, "profile: (none)") || !strings.Contains(s, "api_key: (none) (from none)") {
		t.Errorf("no profile, no key:\n%s", s)
	}
	if s := (localstate.Resolved{Demo: true}).String(); s != "mode: demo (embedded simulator)\ngeocoder: off (every place is looked up offline)\n" {
		t.Errorf("demo: %q", s)
	}
}

// A geocoder is named by the profile or, over it, by the environment; none
// is the default, so addresses stay on the machine.
func TestResolveGeocoder(t *testing.T) {
	t.Parallel()
	fc := localstate.FileConfig{DefaultProfile: "team", Profiles: map[string]localstate.Profile{
		"team": {BaseURL: "https://api.example.test/api/v1/client", APIKey: "key-0123456789", GeocoderURL: "https://geo.example.test"}}}
	r, err := localstate.Resolve(localstate.Inputs{Getenv: envOf(nil), File: fc})
	if err != nil || r.GeocoderURL != "https://geo.example.test" || !strings.Contains(r.String(), "geocoder: https://geo.example.test") {
		t.Fatalf("profile: %+v %v", r, err)
	}
	r, _ = localstate.Resolve(localstate.Inputs{Getenv: envOf(map[string]string{localstate.EnvGeocoderURL: "http://127.0.0.1:8787/nominatim"}), File: fc})
	if r.GeocoderURL != "http://127.0.0.1:8787/nominatim" {
		t.Errorf("environment: %q", r.GeocoderURL)
	}
	if r, _ := localstate.Resolve(localstate.Inputs{Getenv: envOf(nil)}); r.GeocoderURL != "" || !r.Demo {
		t.Errorf("default: %+v", r)
	}
}

func TestResolveTrimsAndChecksTheKey(t *testing.T) {
	t.Parallel()
	r, err := localstate.Resolve(localstate.Inputs{Getenv: envOf(map[string]string{"PETITMONDE_API_KEY": "  key-0123456789\n"})})
	if err != nil || r.APIKey != "key-0123456789" {
		t.Fatalf("padded key: %q %v", r.APIKey, err)
	}
	_, err = localstate.Resolve(localstate.Inputs{Getenv: envOf(map[string]string{"PETITMONDE_API_KEY": "key\x1b[31m0123"})})
	if err == nil || !strings.Contains(err.Error(), "PETITMONDE_API_KEY") || strings.Contains(err.Error(), "0123") {
		t.Fatalf("a key with an escape: %v", err)
	}
	fc := localstate.FileConfig{Profiles: map[string]localstate.Profile{"prod": {APIKey: "key\twith-tab-012"}}}
	_, err = localstate.Resolve(localstate.Inputs{FlagProfile: "prod", File: fc, Getenv: envOf(nil)})
	if err == nil || !strings.Contains(err.Error(), "profile prod") {
		t.Fatalf("a key with a tab in a profile: %v", err)
	}
}

// A full disk leaves the history as it was, and no temporary file behind.
func TestSaveHistoryOnAFullDisk(t *testing.T) {
	t.Parallel()
	if _, err := os.Stat("/dev/full"); err != nil {
		t.Skip("no /dev/full on this system")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "history.json")
	if err := localstate.SaveHistory(path, "demo", model.History{Places: []string{"Berlin"}}); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("/dev/full", path+".tmp"); err != nil {
		t.Fatal(err)
	}
	err := localstate.SaveHistory(path, "demo", model.History{Places: []string{"Hamburg"}})
	if err == nil {
		t.Fatal("writing to a full disk did not fail")
	}
	if _, err := os.Lstat(path + ".tmp"); err == nil {
		t.Error("the temporary file stayed")
	}
	h, _ := localstate.LoadHistory(path, "demo")
	if len(h.Places) != 1 || h.Places[0] != "Berlin" {
		t.Errorf("history after the failed save: %+v", h)
	}
}

// A demo customer is never offered in a live session, nor one profile's in
// another's; a file of the older form is read for live sessions only.
func TestHistoryIsKeptPerProfile(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "history.json")
	demo := localstate.HistoryScope(true, "", "embedded simulator")
	prod := localstate.HistoryScope(false, "prod", "api.petitmonde.energy")
	if err := localstate.SaveHistory(path, demo, model.History{Customers: []string{"cust_demo_001"}}); err != nil {
		t.Fatal(err)
	}
	if err := localstate.SaveHistory(path, prod, model.History{Customers: []string{"cust_4711"}}); err != nil {
		t.Fatal(err)
	}
	for scope, want := range map[string]string{demo: "cust_demo_001", prod: "cust_4711"} {
		h, err := localstate.LoadHistory(path, scope)
		if err != nil || len(h.Customers) != 1 || h.Customers[0] != want {
			t.Errorf("%s: %+v %v", scope, h, err)
		}
	}
	if h, _ := localstate.LoadHistory(path, localstate.HistoryScope(false, "local", "127.0.0.1:8787")); len(h.Customers) != 0 {
		t.Errorf("another profile sees %+v", h)
	}
	old := filepath.Join(t.TempDir(), "history.json")
	if err := os.WriteFile(old, []byte(`{"places":["Köln"],"customers":["cust_old"]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if h, _ := localstate.LoadHistory(old, prod); len(h.Customers) != 1 || h.Customers[0] != "cust_old" {
		t.Errorf("the older file for a live profile: %+v", h)
	}
	if h, _ := localstate.LoadHistory(old, demo); len(h.Customers) != 0 {
		t.Errorf("the older file offered in the demo: %+v", h)
	}
}
