package e2e

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/petitmonde/chargedesk/model"
)

// evil is every kind of terminal control a hostile server could put in a
// text: an OSC 8 hyperlink, a DCS and an APC string, a C1 CSI, a bidi
// override, an SGR of its own (blink, colour 201), and CR, BS, VT that
// would break a box.
const evil = "A\x1b]8;;http://evil.example/\x07link\x1b]8;;\x07 \x1bP1$qm\x1b\\ \x1b_apc\x1b\\ \u009b2J \u202eflipped\u202c \x1b[5;38;5;201mblink\x1b[0m \r\b\vZ"

// serverMarks are byte sequences that only the hostile server writes.
var serverMarks = []string{"\x1b]8;;http://evil", "\x1bP1$q", "\x1b_apc", "\u009b", "\u202e", "\x1b[5;38;5;201m", "evil.example"}

func hostileRate(w http.ResponseWriter) {
	w.Header().Set("X-RateLimit-Limit", "100")
	w.Header().Set("X-RateLimit-Remaining", "90")
	w.Header().Set("X-RateLimit-Reset", time.Now().Add(time.Minute).UTC().Format(time.RFC3339))
	w.Header().Set("Content-Type", "application/json")
}

// A server that answers with hostile text in every error and every field:
// the 400 beside the search form, the 5xx banner, the results, the
// location screen, and (in a second run) the 401 dialog at start. None of
// its control sequences reaches the terminal, and the dialog's box is
// intact.
func TestE2EHostileServer(t *testing.T) {
	t.Parallel()
	var searches atomic.Int32
	loc := model.Location{LocationID: "DE-EVL-E000001" + evil, Name: "Evil " + evil, CPOName: "CPO " + evil, CPOPartyID: "EVL",
		Address: "Street " + evil, City: "City " + evil, PostalCode: "8" + evil, Country: "DEU", SupportsReservation: true,
		Coordinates: &model.Coordinates{Latitude: 48.1372, Longitude: 11.5761},
		EVSEs: []model.EVSE{{EVSEUID: "DE*EVL*E000001*1" + evil, Status: model.EVSEAvailable,
			Connectors: []model.Connector{{ConnectorID: "1" + evil, ConnectorType: model.CCS2, PowerKW: 150, PowerType: model.DC}}}}}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hostileRate(w)
		switch {
		case strings.HasSuffix(r.URL.Path, "/usage"):
			_ = json.NewEncoder(w).Encode(model.Usage{RateLimit: model.RateLimit{Limit: 100, Remaining: 90, Period: "minute" + evil}})
		case strings.HasSuffix(r.URL.Path, "/search"):
			switch searches.Add(1) {
			case 1:
				w.WriteHeader(http.StatusBadRequest)
				_ = json.NewEncoder(w).Encode(model.ErrorBody{Error: "Invalid latitude " + evil})
			case 2:
				w.WriteHeader(http.StatusInternalServerError)
				_ = json.NewEncoder(w).Encode(model.ErrorBody{Error: "Internal " + evil})
			default:
				_ = json.NewEncoder(w).Encode(model.SearchResponse{Total: 1, Results: []model.Location{loc},
					CPOResults: []model.CPOResult{{CPOName: "CPO " + evil, CPOPartyID: "EVL", Count: 1}}})
			}
		default:
			w.WriteHeader(http.StatusNotFound)
			_ = json.NewEncoder(w).Encode(model.ErrorBody{Error: "Not found " + evil})
		}
	}))
	defer srv.Close()
	env := pinnedEnv(t, "PETITMONDE_API_KEY=hostile-server-key-0123")
	tm := start(t, 120, 36, env, "--api-url", srv.URL+"/api/v1/client")
	tm.waitFor(10*time.Second, "Find a charger")
	tm.press("48.1351, 11.5820", "enter")
	tm.waitFor(10*time.Second, "Invalid latitude")
	tm.press("enter")
	tm.waitFor(10*time.Second, "Internal")
	tm.waitFor(20*time.Second, "sorted by distance", "Evil") // the banner's retry, 2 s on
	tm.press("enter")
	tm.waitFor(5*time.Second, "EVSEs (")
	tm.press("ctrl+c")
	tm.waitExit(5 * time.Second)
	checkNoServerControls(t, tm)

	// A 401 with hostile text: the dialog at start.
	auth := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hostileRate(w)
		w.WriteHeader(http.StatusUnauthorized)
		_ = json.NewEncoder(w).Encode(model.ErrorBody{Error: "Invalid API key " + evil})
	}))
	defer auth.Close()
	tm2 := start(t, 100, 30, env, "--api-url", auth.URL+"/api/v1/client")
	s := tm2.waitFor(10*time.Second, "Invalid API key")
	checkBox(t, s)
	tm2.press("ctrl+c")
	tm2.waitExit(5 * time.Second)
	checkNoServerControls(t, tm2)
}

func checkNoServerControls(t *testing.T, tm *term) {
	t.Helper()
	tm.mu.Lock()
	raw := tm.raw.String()
	tm.mu.Unlock()
	for _, m := range serverMarks {
		if strings.Contains(raw, m) {
			t.Errorf("the terminal received the server's %q", m)
		}
	}
}

// checkBox: every line of the dialog (a double-line box) has its two sides
// in the same columns as its top corners.
func checkBox(t *testing.T, screen string) {
	t.Helper()
	lines := strings.Split(screen, "\n")
	left, right := -1, -1
	for _, l := range lines {
		if i := strings.Index(l, "╔"); i >= 0 {
			left = utf8.RuneCountInString(l[:i])
			right = left + utf8.RuneCountInString(l[i:strings.LastIndex(l, "╗")])
		}
	}
	if left < 0 {
		t.Fatalf("no dialog box on screen:\n%s", screen)
	}
	for _, l := range lines {
		if !strings.Contains(l, "║") {
			continue
		}
		rs := []rune(l)
		if len(rs) <= right || rs[left] != '║' || rs[right] != '║' {
			t.Fatalf("the dialog's box is broken at %q (sides at %d and %d):\n%s", l, left, right, screen)
		}
	}
}
