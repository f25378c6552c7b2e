package api_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/petitmonde/chargedesk/api"
	"github.com/petitmonde/chargedesk/api/contract"
	"github.com/petitmonde/chargedesk/api/sim"
	"github.com/petitmonde/chargedesk/model"
)

const secretKey = "Zq7uXw9PpL2mK4rTbN8cVd"

// noKey fails when s shows the key, or any 8 characters of it in a row.
func noKey(t *testing.T, what, s, key string) {
	t.Helper()
	for i := 0; i+8 <= len(key); i++ {
		if part := key[i : i+8]; strings.Contains(s, part) {
			t.Errorf("%s shows (part of) the key %q: %s", what, part, s)
			return
		}
	}
}

// errorTexts is every text an error can show: its own and its causes'.
func errorTexts(err error) []string {
	var out []string
	for e := err; e != nil; e = errors.Unwrap(e) {
		out = append(out, e.Error(), fmt.Sprintf("%+v", e))
		if ae, ok := e.(*api.Error); ok {
			out = append(out, ae.Message)
		}
	}
	return out
}

func checkNoLeak(t *testing.T, r *rig, key string, errs map[string]error) {
	t.Helper()
	for name, err := range errs {
		if err == nil {
			t.Errorf("%s: no error", name)
			continue
		}
		for _, s := range errorTexts(err) {
			noKey(t, name+" error", s, key)
		}
	}
	for i, ev := range r.Events() {
		data, err := json.Marshal(ev)
		if err != nil {
			t.Fatal(err)
		}
		noKey(t, fmt.Sprintf("event %d", i), string(data), key)
		noKey(t, fmt.Sprintf("event %d", i), fmt.Sprintf("%+v", ev), key)
	}
}

func TestKeyNeverLeaksFromAnyErrorClass(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	errs := map[string]error{}
	r := simRig(t, setup{sim: sim.Options{Key: secretKey}, wrap: func(_ *rig, next http.Handler) http.Handler {
		var o once
		return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
			switch {
			case req.URL.Path == sim.BasePath+"/bookings/boom":
				writeServerError(w, "Internal error")
			case req.Method == http.MethodPost && req.URL.Path == sim.BasePath+"/bookings" && strings.Contains(req.Header.Get("X-Test"), "lose"):
				if o.first() {
					serveAndDrop(next, w, req)
					return
				}
				next.ServeHTTP(w, req)
			default:
				next.ServeHTTP(w, req)
			}
		})
	}})
	if r.key != secretKey {
		t.Fatal("simulator key not set")
	}
	_, errs["validation"] = r.c.Search(ctx, model.SearchQuery{Lat: 300})
	req := r.request(time.Hour, time.Hour)
	req.TokenStrategy, req.FleetGroupID = model.GroupToken, sim.OverLimitFleetGroup
	_, errs["400"] = r.c.CreateBooking(ctx, req)
	_, errs["404"] = r.c.GetBooking(ctx, "nope")
	ok := r.request(time.Hour, time.Hour)
	r.mustCreate(ok)
	ok.ExternalID += "-again"
	_, errs["409"] = r.c.CreateBooking(ctx, ok)
	_, errs["5xx"] = r.c.GetBooking(ctx, "boom")
	checkNoLeak(t, r, secretKey, errs)

	// 401 with a wrong key that is itself a secret, 403 with a suspended one.
	wrong := "Wr0ngKeyQ8x7Lm2Pz9Rt5"
	r401 := simRig(t, setup{sim: sim.Options{Key: secretKey}, cfg: func(c *api.Config) { c.APIKey = wrong }})
	_, err := r401.c.Usage(ctx)
	apiErr(t, err, api.KindUnauthorized)
	checkNoLeak(t, r401, wrong, map[string]error{"401": err})

	susp := "Susp3ndedK9yXv4Nq2Lw8"
	r403 := simRig(t, setup{sim: sim.Options{Key: secretKey, SuspendedKey: susp}, cfg: func(c *api.Config) { c.APIKey = susp }})
	_, err = r403.c.Usage(ctx)
	apiErr(t, err, api.KindForbidden)
	checkNoLeak(t, r403, susp, map[string]error{"403": err})

	r429 := newRig(t, setup{sim: sim.Options{Key: secretKey, RateLimit: 1}})
	_, _ = r429.c.Usage(ctx)
	_, err = r429.c.Usage(ctx)
	apiErr(t, err, api.KindRateLimited)
	checkNoLeak(t, r429, secretKey, map[string]error{"429": err})

	ro := simRig(t, setup{sim: sim.Options{Key: secretKey}, cfg: func(c *api.Config) { c.ReadOnly = true }})
	_, err = ro.c.CancelBooking(ctx, "x", "")
	apiErr(t, err, api.KindReadOnly)
	checkNoLeak(t, ro, secretKey, map[string]error{"read-only": err})
}

func TestKeyNeverLeaksFromNetworkDecodeAndUnknownOutcome(t *testing.T) {
	t.Parallel()
	ctx := context.Background()

	hs := httptest.NewServer(http.NotFoundHandler())
	base := hs.URL + sim.BasePath
	hs.Close()
	var events []api.Event
	c := api.New(api.Config{BaseURL: base, APIKey: secretKey, Retries: -1,
		Transport: contract.Transport(t, nil, contract.WithBasePath(sim.BasePath)),
		OnEvent:   func(ev api.Event) { events = append(events, ev) }})
	_, err := c.Usage(ctx)
	apiErr(t, err, api.KindNetwork)
	for _, s := range errorTexts(err) {
		noKey(t, "network error", s, secretKey)
	}
	data, _ := json.Marshal(events)
	noKey(t, "network events", string(data), secretKey)

	r := rawRig(t, func(w http.ResponseWriter, req *http.Request) {
		writeJSONBody(w, 200, `{"id":`)
	}, func(c *api.Config) { c.APIKey = secretKey })
	_, err = r.c.GetBooking(ctx, "x")
	apiErr(t, err, api.KindDecode)
	checkNoLeak(t, r, secretKey, map[string]error{"decode": err})

	ru := simRig(t, setup{sim: sim.Options{Key: secretKey}, wrap: func(_ *rig, next http.Handler) http.Handler {
		var o once
		return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
			switch {
			case req.Method == http.MethodPost && o.first():
				serveAndDrop(next, w, req)
			case req.Method == http.MethodGet:
				writeServerError(w, "Internal error")
			default:
				next.ServeHTTP(w, req)
			}
		})
	}})
	_, err = ru.c.CreateBooking(ctx, ru.request(time.Hour, time.Hour))
	apiErr(t, err, api.KindUnknownOutcome)
	checkNoLeak(t, ru, secretKey, map[string]error{"unknown outcome": err})
}

// A server (or a proxy) that quotes the key back must not make the client show it.
func TestKeyEchoedByTheServerIsRedacted(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	echo := func(w http.ResponseWriter, req *http.Request) {
		k := req.Header.Get("X-API-Key")
		switch req.URL.Path {
		case sim.BasePath + "/usage":
			writeJSONBody(w, http.StatusUnauthorized, fmt.Sprintf(`{"error":"Invalid API key %s (key %s)"}`, k, k))
		case sim.BasePath + "/search":
			w.WriteHeader(http.StatusBadGateway)
			fmt.Fprintf(w, "upstream rejected key=%s", k)
		case sim.BasePath + "/bookings/raw":
			// Not HTTP at all: the transport's error quotes what came.
			conn, buf, _ := http.NewResponseController(w).Hijack()
			fmt.Fprintf(buf, "HTTP/1.1 %s\r\n\r\n", k)
			_ = buf.Flush()
			_ = conn.Close()
		default:
			writeJSONBody(w, http.StatusNotFound, fmt.Sprintf(`{"error":"Booking not found for %s"}`, k))
		}
	}
	r := rawRig(t, echo, func(c *api.Config) { c.APIKey = secretKey; c.Retries = -1 })
	errs := map[string]error{}
	_, errs["401"] = r.c.Usage(ctx)
	_, errs["502 text"] = r.c.Search(ctx, model.SearchQuery{Lat: 1, Lng: 2})
	_, errs["404"] = r.c.GetBooking(ctx, "x")
	_, errs["malformed HTTP"] = r.c.GetBooking(ctx, "raw")
	checkNoLeak(t, r, secretKey, errs)

	e := apiErr(t, errs["401"], api.KindUnauthorized)
	if want := "Invalid API key " + api.MaskKey(secretKey) + " (key " + api.MaskKey(secretKey) + ")"; e.Message != want {
		t.Errorf("message %q, want %q", e.Message, want)
	}
	apiErr(t, errs["malformed HTTP"], api.KindNetwork)
}

// A long non-JSON error body is shortened for display; the key must not be
// cut in half by the shortening and so escape the redaction.
func TestKeyAtTheShorteningBoundaryIsRedacted(t *testing.T) {
	t.Parallel()
	r := rawRig(t, func(w http.ResponseWriter, req *http.Request) {
		w.WriteHeader(http.StatusInternalServerError)
		fmt.Fprint(w, strings.Repeat("x", 190)+req.Header.Get("X-API-Key")+strings.Repeat("y", 100))
	}, func(c *api.Config) { c.APIKey = secretKey; c.Retries = -1 })
	_, err := r.c.Usage(context.Background())
	apiErr(t, err, api.KindServer)
	checkNoLeak(t, r, secretKey, map[string]error{"500": err})
}

func TestMaskKey(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		"":                    "(none)",
		"abc":                 "••••",
		"demo-key":            "••••",
		"Zq7uXw9PpL2mK4rTbN8": "••••N8",
	}
	for in, want := range cases {
		if got := api.MaskKey(in); got != want {
			t.Errorf("MaskKey(%q) = %q, want %q", in, got, want)
		}
	}
	if m := api.MaskKey(secretKey); strings.Contains(m, secretKey[:len(secretKey)-2]) || len([]rune(m)) > 6 {
		t.Errorf("MaskKey shows too much: %q", m)
	}
}

func TestRedact(t *testing.T) {
	t.Parallel()
	s := "key " + secretKey + " and again " + secretKey + "."
	got := api.Redact(s, secretKey)
	if strings.Contains(got, secretKey) || got != "key ••••Vd and again ••••Vd." {
		t.Errorf("Redact = %q", got)
	}
	if api.Redact("nothing here", secretKey) != "nothing here" {
		t.Errorf("Redact changed text without the key")
	}
	if api.Redact(s, "") != s {
		t.Errorf("Redact with no key changed the text")
	}
	// Keys shorter than 4 characters are not searched for (they would mask
	// ordinary words); such a key is not a real one anyway.
	if api.Redact("a b c", "b") != "a b c" {
		t.Errorf("one-letter key redacted")
	}
	if got := api.Redact("x demo-key y", "demo-key"); got != "x •••• y" {
		t.Errorf("Redact short key = %q", got)
	}
}

// The key travels in the X-API-Key header only: never in the URL or body.
func TestKeyOnlyInTheHeader(t *testing.T) {
	t.Parallel()
	r := simRig(t, setup{sim: sim.Options{Key: secretKey}})
	r.mustCreate(r.request(time.Hour, time.Hour))
	_, _ = r.c.Search(context.Background(), model.SearchQuery{Lat: 48, Lng: 11})
	for _, h := range r.Hits() {
		if h.Key != secretKey {
			t.Errorf("%s %s without the key header", h.Method, h.Path)
		}
		noKey(t, "query", h.RawQuery, secretKey)
		noKey(t, "body", string(h.Body), secretKey)
	}
}

// Every spelling of a key a server could echo, in any body (valid JSON or
// not), header or error text, is masked: the Redactor normalises before it
// matches. Each case is one spelling; what is left must hold no spelling of
// the key (a second Redactor finds none) and no 6 of its characters in a
// row, and must hold the mask.
func TestRedactorSpellings(t *testing.T) {
	t.Parallel()
	const key = "sk_live_CANARY_123456"
	b64 := func(enc *base64.Encoding, s string) string { return enc.EncodeToString([]byte(s)) }
	pct := func(s string, all bool, layout string) string {
		var b strings.Builder
		for i := 0; i < len(s); i++ {
			if c := s[i]; !all && (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
				b.WriteByte(c)
				continue
			}
			fmt.Fprintf(&b, layout, s[i])
		}
		return b.String()
	}
	uesc := func(s string) string {
		var b strings.Builder
		for _, r := range s {
			fmt.Fprintf(&b, `\u%04x`, r)
		}
		return b.String()
	}
	wrapped := func(s string, n int) string { // MIME-style line wrapping
		var b strings.Builder
		for len(s) > n {
			b.WriteString(s[:n] + "\r\n")
			s = s[n:]
		}
		return b.String() + s
	}
	cases := map[string]string{
		"as it is":                              "Invalid key " + key + ".",
		"\\u escape, not JSON":                  `upstream said sk_live_CANARY\u005f123456 <- that`,
		"\\u escape, JSON then trailing text":   `{"error":"bad key sk_live_CANARY\u005f123456"} trailing`,
		"\\U upper case":                        `x sk_live_CANARY\u005F123456 y`,
		"every character \\u escaped":           `{"error":"` + uesc(key) + `"}`,
		"partly percent-encoded":                "https://x.example/?k=sk_live%5FCANARY_123456",
		"partly percent-encoded, lower case":    "k=sk_live%5fCANARY%5f123456",
		"all percent-encoded":                   pct(key, true, "%%%02X"),
		"all percent-encoded, lower case":       pct(key, true, "%%%02x"),
		"query-escaped":                         url.QueryEscape(key),
		"percent and \\u mixed":                 `sk%5flive\u005FCANARY%5F123456`,
		"percent-encoded twice":                 "sk_live%255FCANARY_123456",
		"a percent sign \\u escaped":            `sk_live\u00255FCANARY_123456`,
		"\\u escape percent-encoded":            "sk_live%5Cu005FCANARY_123456",
		"JSON-escaped \\u escape":               `"sk_live\\u005FCANARY_123456"`,
		"\\x escape":                            `sk_live\x5fCANARY\x5F123456`,
		"HTML entities":                         "<p>sk_live&#95;CANARY&#x5F;123456</p>",
		"split across lines":                    "Invalid key sk_live_CAN\nARY_123456",
		"split across CRLF and indent":          "Invalid key sk_live_CAN\r\n    ARY_123456",
		"split by a JSON \\n":                   `{"error":"sk_live_CAN\nARY_123456"}`,
		"JSON string pieces in an array":        `{"parts":["sk_live_CAN","ARY_","123456"]}`,
		"JSON string pieces concatenated":       `"sk_live_CAN" + "ARY_123456"`,
		"JSON string pieces, escaped quotes":    `"sk_live_CAN\"ARY_123456"`,
		"base64":                                b64(base64.StdEncoding, key),
		"base64 without padding":                b64(base64.RawStdEncoding, key),
		"base64url":                             b64(base64.URLEncoding, "\xff\xfe"+key),
		"base64 of a text holding it, offset 1": b64(base64.StdEncoding, "k="+key+"&x=1"),
		"base64 of a text holding it, offset 2": b64(base64.StdEncoding, "key="+key),
		"base64url unpadded, offset 0":          b64(base64.RawURLEncoding, "abc"+key+"??>"),
		"base64 wrapped at 76":                  wrapped(b64(base64.StdEncoding, strings.Repeat("x", 60)+key+strings.Repeat("y", 60)), 76),
		"base64 in a redirect's Location":       "https://elsewhere.example/cb?state=" + url.QueryEscape(b64(base64.StdEncoding, "t="+key)),
		"base64url in a Location":               "https://elsewhere.example/cb/" + b64(base64.RawURLEncoding, key) + "/next",
		"twice, two spellings":                  "a " + key + " b " + pct(key, false, "%%%02X") + " c",
	}
	r := api.NewRedactor(key, "[key]")
	check := api.NewRedactor(key, "[key]")
	for name, text := range cases {
		t.Run(name, func(t *testing.T) {
			got := r.String(text)
			if again := check.String(got); again != got {
				t.Errorf("a spelling is left:\n in  %q\n out %q", text, got)
			}
			noKey(t, name, got, key)
			if !strings.Contains(got, "[key]") {
				t.Errorf("nothing masked in %q", got)
			}
			if b := string(r.Bytes([]byte(text))); b != got {
				t.Errorf("Bytes and String differ: %q / %q", b, got)
			}
		})
	}
	// Only the key goes: what surrounds it stays as it was.
	for in, want := range map[string]string{
		`{"error":"bad key sk_live_CANARY\u005f123456"} trailing`: `{"error":"bad key [key]"} trailing`,
		`{"parts":["sk_live_CAN","ARY_123456"],"n":1}`:            `{"parts":["[key]"],"n":1}`,
		"Invalid key sk_live_CAN\nARY_123456.":                    "Invalid key [key].",
		"k=sk_live%5FCANARY_123456&x=1":                           "k=[key]&x=1",
	} {
		if got := r.String(in); got != want {
			t.Errorf("%q → %q, want %q", in, got, want)
		}
	}
	// Text without the key is the same text, and costs no copy.
	plain := []byte(`{"results":[{"name":"sk_live_ and CANARY, 123456 % \u00fc &amp; \\"}]}`)
	if got := r.Bytes(plain); &got[0] != &plain[0] {
		t.Errorf("text without the key was copied: %q", got)
	}
}
