package gateway_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/petitmonde/chargedesk/api/gateway"
	"github.com/petitmonde/chargedesk/api/sim"
)

// The key in the spellings a hostile or broken API (or a proxy in front of
// it) could echo it in, each in the place an agent would get it: a body
// that is not JSON, JSON with text after it, part of it percent-encoded,
// base64 in a body and in a redirect's Location, split across lines and
// JSON string pieces, and in a refused create's answer (and so the audit).
// None of them reaches the agent, its headers, or the audit.
func TestNoSpellingOfTheKeyReachesAnAgent(t *testing.T) {
	const key = "sk_live_CANARY_123456"
	b64 := base64.StdEncoding.EncodeToString([]byte(key))
	b64url := base64.RawURLEncoding.EncodeToString([]byte("k=" + key))
	cases := []struct {
		name, method, path string
		status             int
		header             map[string]string
		body               string
		spelled            string // the spelling sent, which must not come back
	}{
		{"\\u escape in a body that is not JSON", "GET", "/bookings/b1", 404, nil,
			`no booking b1 for sk_live_CANARY\u005f123456`, `CANARY\u005f123456`},
		{"\\u escape in JSON with text after it", "GET", "/bookings/b2", 200, nil,
			`{"id":"b2","status":"CONFIRMED","status_reason":"sk_live_CANARY\u005f123456"} trailing`, `CANARY\u005f123456`},
		{"partly percent-encoded", "GET", "/search?lat=48.1&lng=11.5", 400, nil,
			`{"error":"bad key sk_live%5FCANARY_123456"}`, `sk_live%5FCANARY_123456`},
		{"base64 in an error", "GET", "/usage", 500, nil,
			`{"error":"credential ` + b64 + ` refused"}`, b64[4 : len(b64)-4]},
		{"base64url in a redirect's Location", "GET", "/bookings", 302,
			map[string]string{"Location": "https://elsewhere.example/cb/" + b64url + "?x=1"}, ``, b64url[4 : len(b64url)-4]},
		{"split across lines", "GET", "/bookings/b3", 502, nil,
			"upstream said: key sk_live_CAN\r\nARY_123456 is not valid", "ARY_123456"},
		{"JSON string pieces", "GET", "/bookings/b4", 200, nil,
			`{"id":"b4","status":"CONFIRMED","notes":["sk_live_CAN","ARY_123456"]}`, "ARY_123456"},
		{"base64 in a refused create", "POST", "/bookings", 400, nil,
			`{"error":"the key ` + b64 + ` may not book"}`, b64[4 : len(b64)-4]},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				for k, v := range c.header {
					w.Header().Set(k, v)
				}
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(c.status)
				_, _ = io.WriteString(w, c.body)
			}))
			defer up.Close()
			st, err := gateway.OpenStore(context.Background(), filepath.Join(t.TempDir(), "g.db"))
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			g := gateway.New(gateway.Config{UpstreamURL: up.URL + sim.BasePath, Key: key, Store: st, Clock: sim.NewManualClock(t0)})
			srv := httptest.NewServer(g)
			defer srv.Close()
			tok, _ := st.AddAgent(context.Background(), "anna", t0)
			var body []byte
			if c.method == http.MethodPost {
				start := t0.Add(2 * time.Hour)
				body = fmt.Appendf(nil, `{"location_id":"L","evse_uid":"E","connector_id":"1","reservation_start":%q,"reservation_end":%q,"external_id":"x-1","token_strategy":"ad_hoc"}`,
					start.Format(time.RFC3339), start.Add(time.Hour).Format(time.RFC3339))
			}
			status, hdr, got := raw(t, c.method, srv.URL+gateway.ClientPath+c.path, tok, body)
			var hs strings.Builder
			_ = hdr.Write(&hs)
			seen := hs.String() + got
			audit, _ := st.Audit(context.Background(), gateway.AuditFilter{})
			for _, e := range audit {
				seen += "\n" + e.Request + "\n" + e.Outcome
			}
			t.Logf("%d %s", status, got)
			for _, leak := range []string{key, c.spelled, "CANARY_123456", "sk_live_CAN"} {
				if strings.Contains(seen, leak) {
					t.Errorf("%q reached the agent or the audit:\n%s", leak, seen)
				}
			}
			if !strings.Contains(seen, "[key]") {
				t.Errorf("nothing says a key was taken out:\n%s", seen)
			}
		})
	}
}
