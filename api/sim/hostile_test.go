package sim_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/petitmonde/chargedesk/api/sim"
	"github.com/petitmonde/chargedesk/model"
)

// hasTerminalControl tells whether s holds anything a terminal acts on.
func hasTerminalControl(s string) bool {
	for _, r := range s {
		switch {
		case r < 0x20, r == 0x7f, r >= 0x80 && r <= 0x9f:
			return true
		case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069, r == 0x200e, r == 0x200f, r == 0x061c:
			return true
		}
	}
	return false
}

func TestHostileNamesInTheDemoSearch(t *testing.T) {
	for _, seed := range []int64{1, 2, 42} {
		e := newEnv(t, sim.Options{Seed: seed, Hostile: true}) // the contract transport checks every answer
		sr := e.search(munichQuery)
		if len(sr.Results) < 10 {
			t.Fatalf("seed %d: %d results", seed, len(sr.Results))
		}
		if sr.Results[0].LocationID != sim.FlagshipLocationID || hasTerminalControl(sr.Results[0].Name) {
			t.Errorf("seed %d: result 1 is %s %q, want the clean flagship", seed, sr.Results[0].LocationID, sr.Results[0].Name)
		}
		hostile := map[string]bool{}
		for _, s := range sim.HostileTexts() {
			hostile[s] = true
		}
		var long, wide, ctrl, cpo int
		for i, l := range sr.Results[1:10] {
			if !hostile[l.Name] {
				t.Errorf("seed %d: result %d %q is not hostile", seed, i+2, l.Name)
			}
			if utf8.RuneCountInString(l.Name) >= 300 {
				long++
			}
			if strings.Contains(l.Name, "👩‍👩‍👧‍👦") && strings.Contains(l.Name, "🇩🇪") && strings.Contains(l.Name, "東京") {
				wide++
			}
			if hasTerminalControl(l.Name) {
				ctrl++
			}
			if hostile[l.CPOName] {
				cpo++
			}
		}
		if long != 1 || wide != 1 || ctrl != 7 || cpo != 5 {
			t.Errorf("seed %d: long %d, wide %d, with controls %d, hostile CPO names %d", seed, long, wide, ctrl, cpo)
		}
		if sr.Results[1].BookableCount() == 0 {
			t.Errorf("seed %d: the first hostile location is not bookable", seed)
		}
	}
}

func TestHostileTextsAreJSONAndSanitizable(t *testing.T) {
	for _, s := range sim.HostileTexts() {
		if strings.ContainsRune(s, 0) || !utf8.ValidString(s) {
			t.Errorf("%q: NUL or invalid UTF-8", s)
		}
		data, err := json.Marshal(s)
		if err != nil || !json.Valid(data) {
			t.Errorf("%q: %v", s, err)
		}
		var back string
		if err := json.Unmarshal(data, &back); err != nil || back != s {
			t.Errorf("%q does not survive JSON: %q %v", s, back, err)
		}
		if clean := model.SanitizeLine(s); hasTerminalControl(clean) || strings.Contains(clean, "\x1b") {
			t.Errorf("SanitizeLine(%q) = %q still has controls", s, clean)
		}
	}
}

func TestHostileNamesReachTheBooking(t *testing.T) {
	e := lifecycleEnv(t, sim.Options{Seed: 1, Hostile: true, Faults: sim.Faults{CPO: sim.CPOFaults{Cancel: 1}}})
	loc := e.search(munichQuery).Results[1]
	var evse string
	for _, x := range loc.EVSEs {
		if ok, _ := model.Bookable(loc, x); ok {
			evse = x.EVSEUID
			break
		}
	}
	req := e.request(2*time.Hour, time.Hour)
	req.LocationID, req.EVSEUID, req.ConnectorID = loc.LocationID, evse, ""
	b := e.create(req)
	if b.LocationName != loc.Name || b.CPOName != loc.CPOName || !hasTerminalControl(b.LocationName) {
		t.Errorf("booking names %q / %q", b.LocationName, b.CPOName)
	}
	e.clock.Advance(50 * time.Second)
	got := e.booking(b.ID)
	if got.Status != model.Cancelled || !hasTerminalControl(got.CancellationReason) {
		t.Errorf("status %s reason %q: want CANCELLED with a hostile reason", got.Status, got.CancellationReason)
	}

	// A CPO rejection carries a hostile reason too.
	req = e.request(8*time.Hour, time.Hour)
	req.CustomerID = sim.TriggerReject
	b = e.create(req)
	e.clock.Advance(10 * time.Second)
	if got := e.booking(b.ID); got.Status != model.Cancelled || !strings.HasPrefix(got.CancellationReason, "Rejected by CPO: ") || !hasTerminalControl(got.CancellationReason) {
		t.Errorf("rejection %s %q", got.Status, got.CancellationReason)
	}
}

func TestNotHostileByDefault(t *testing.T) {
	srv := sim.New(sim.Options{Seed: 1})
	for _, l := range srv.Locations() {
		for _, s := range []string{l.Name, l.CPOName, l.Address, l.City} {
			if hasTerminalControl(s) || utf8.RuneCountInString(s) > 120 {
				t.Fatalf("default data has %q", s)
			}
		}
	}
}
