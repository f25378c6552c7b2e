package e2e

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/petitmonde/chargedesk/api/sim/simtest"
	"github.com/petitmonde/chargedesk/model"
)

// call is one driver's call at the desk: the keys the agent presses that
// are not the driver's words (tab, enter, arrows, shortcuts), counted, and
// the driver's words typed (the place, the plug, the power, the times and
// lengths, the ids, as said).
type call struct {
	tm    *term
	agent []string
	words []string
}

// key presses keys that are the agent's own.
func (c *call) key(keys ...string) {
	c.tm.t.Helper()
	c.agent = append(c.agent, keys...)
	c.tm.press(keys...)
}

// says types what the driver said.
func (c *call) says(text string) {
	c.tm.t.Helper()
	c.words = append(c.words, text)
	c.tm.press(text)
}

func (c *call) chars() int {
	n := 0
	for _, w := range c.words {
		n += utf8.RuneCountInString(w)
	}
	return n
}

// lastBooking is the last POST /bookings the server saw, and how many it saw.
func lastBooking(t *testing.T, s *simtest.Server) (model.BookingRequest, int) {
	t.Helper()
	var last model.BookingRequest
	n := 0
	for _, r := range s.Requests() {
		if r.Method == "POST" && r.Path == "/bookings" {
			n++
			last = model.BookingRequest{} // a field the body leaves out is empty, not the last body's
			if err := json.Unmarshal(r.Body, &last); err != nil {
				t.Fatal(err)
			}
		}
	}
	return last, n
}

// connectorOf is the connector a booking names, from the simulator's network.
func connectorOf(t *testing.T, s *simtest.Server, b model.BookingRequest) model.Connector {
	t.Helper()
	for _, l := range s.Sim.Locations() {
		if l.LocationID != b.LocationID {
			continue
		}
		for _, e := range l.EVSEs {
			for _, c := range e.Connectors {
				if e.EVSEUID == b.EVSEUID && c.ConnectorID == b.ConnectorID {
					return c
				}
			}
		}
	}
	t.Fatalf("no connector %s of %s at %s", b.ConnectorID, b.EVSEUID, b.LocationID)
	return model.Connector{}
}

// maxAgentKeys is the most keys a call may take that are not the driver's
// words, from the search screen to a sent booking.
const maxAgentKeys = 10

// A day of calls: the four calls of the support desk's test script, one
// after the other on one desk, the real binary under a pty against the
// simulator. Each booking sent carries exactly what the driver asked for,
// and each call costs at most maxAgentKeys keys besides the driver's words.
func TestE2EADayOfCalls(t *testing.T) {
	t.Parallel()
	const key = "calls-key-0123456789"
	s := startSim(t, key)
	tm := start(t, 120, 36, pinnedEnv(t, "PETITMONDE_API_KEY="+key), "--api-url", s.Base)
	tm.waitFor(10*time.Second, "LIVE", "Find a charger")
	berlin := model.Berlin
	var counts []string

	// send presses enter on a ready booking form and returns the booking
	// the server received, with the clock read around the send.
	send := func(c *call, want string) (b model.BookingRequest, before, after time.Time) {
		t.Helper()
		tm.waitFor(10*time.Second, "Ready — enter books it")
		_, n := lastBooking(t, s)
		before = time.Now()
		c.key("enter")
		tm.waitFor(10*time.Second, "REQUESTED", "Call  "+want)
		after = time.Now()
		b, m := lastBooking(t, s)
		if m != n+1 {
			t.Fatalf("%d bookings sent, want one", m-n)
		}
		return b, before, after
	}
	// window types a time that says "morgen" and answers the question it
	// asks between midnight and 04:00 with today's date, as the driver says
	// when asked; it returns the day meant.
	window := func(c *call, said, clock string) time.Time {
		t.Helper()
		c.says(said)
		hint := regexp.MustCompile(`→ (Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d\d \w{3} ` + clock + ` – `)
		screen := tm.waitUntil(10*time.Second, "no reading of "+said, func(s string) bool {
			return strings.Contains(s, "may mean") || hint.MatchString(s)
		})
		now := time.Now().In(berlin)
		day := time.Date(now.Year(), now.Month(), now.Day()+1, 0, 0, 0, 0, berlin)
		if strings.Contains(screen, "may mean") {
			c.key("down") // ↓: today's date
			tm.waitFor(5*time.Second, "heute "+clock)
			day = day.AddDate(0, 0, -1)
		}
		return day
	}
	report := func(n int, c *call) {
		t.Helper()
		counts = append(counts, fmt.Sprintf("call %d: %d keys not the driver's words [%s], %d characters of the driver's words [%s]",
			n, len(c.agent), strings.Join(c.agent, " "), c.chars(), strings.Join(c.words, " | ")))
		if len(c.agent) > maxAgentKeys {
			t.Errorf("call %d took %d keys besides the driver's words: %v", n, len(c.agent), c.agent)
		}
	}

	// 1. "Ich bin am Hauptbahnhof Würzburg, Typ 2, 11 kW reicht, jetzt für
	// 45 Minuten, Kundennummer cust_2201."
	c1 := &call{tm: tm}
	c1.says("Würzburg Hbf")
	tm.waitFor(5*time.Second, "→ Würzburg Hbf (station")
	c1.key("tab")
	c1.says("Typ 2")
	tm.waitFor(5*time.Second, "Type 2  IEC_62196_T2")
	c1.key("tab")
	c1.says("11")
	c1.key("tab")
	c1.says("jetzt für 45 Minuten")
	c1.key("enter")
	tm.waitFor(10*time.Second, "sorted by distance", "Call  Würzburg Hbf · Type 2 ≥ 11 kW · jetzt für 45 Minuten")
	c1.key("enter")
	tm.waitFor(10*time.Second, "EVSEs (")
	c1.key("enter")
	tm.waitFor(10*time.Second, "Customer id", "counted again when sent")
	c1.says("cust_2201")
	b, before, after := send(c1, "Würzburg Hbf · Type 2 ≥ 11 kW · jetzt für 45 Minuten · cust_2201")
	if conn := connectorOf(t, s, b); conn.ConnectorType != model.T2 || conn.PowerKW < 11 {
		t.Errorf("call 1 booked %+v", conn)
	}
	if b.ReservationStart.Before(model.EarliestStart(before)) || b.ReservationStart.After(model.EarliestStart(after)) || b.ReservationStart.Second() != 0 {
		t.Errorf("call 1: jetzt sent as %v, want the earliest start between %v and %v", b.ReservationStart, model.EarliestStart(before), model.EarliestStart(after))
	}
	if b.ReservationEnd.Sub(b.ReservationStart) != 45*time.Minute || b.TokenStrategy != model.DriverToken || b.CustomerID != "cust_2201" || b.TokenID != "" {
		t.Errorf("call 1 sent %+v", b)
	}
	report(1, c1)

	// n: the next call starts clean.
	tm.press("n")
	tm.waitFor(10*time.Second, "Find a charger", "ctrl+r a past call again")
	clean := tm.screen()
	for _, old := range []string{"Würzburg", "Type 2", "45 Minuten", "jetzt für", "cust_2201", "Call  "} {
		if strings.Contains(clean, old) {
			t.Fatalf("n left %q of the last call on screen:\n%s", old, clean)
		}
	}

	// 2. "Postleitzahl 28195 Bremen, CCS mindestens 100 kW, morgen 7:15 für
	// 50 Minuten, Token-ID tok_9c."
	c2 := &call{tm: tm}
	c2.says("28195")
	tm.waitFor(5*time.Second, "→ 28195 Bremen")
	c2.key("tab")
	c2.says("CCS")
	tm.waitFor(5*time.Second, "CCS (Type 2 Combo)  IEC_62196_T2_COMBO")
	c2.key("tab")
	c2.says("100")
	c2.key("tab")
	day := window(c2, "morgen 7:15 für 50 Minuten", "07:15")
	c2.key("enter")
	tm.waitFor(10*time.Second, "sorted by distance", "Call  28195 · CCS (Type 2 Combo) ≥ 100 kW")
	c2.key("enter")
	tm.waitFor(10*time.Second, "EVSEs (")
	c2.key("enter")
	tm.waitFor(10*time.Second, "Customer id")
	c2.key("tab")
	c2.says("tok_9c")
	b, _, _ = send(c2, "28195 · CCS (Type 2 Combo) ≥ 100 kW")
	if conn := connectorOf(t, s, b); conn.ConnectorType != model.CCS2 || conn.PowerKW < 100 {
		t.Errorf("call 2 booked %+v", conn)
	}
	if want := day.Add(7*time.Hour + 15*time.Minute); !b.ReservationStart.Equal(want) || b.ReservationEnd.Sub(b.ReservationStart) != 50*time.Minute {
		t.Errorf("call 2 sent %v – %v, want %v for 50 min", b.ReservationStart.In(berlin), b.ReservationEnd.In(berlin), want)
	}
	if b.TokenStrategy != model.DriverToken || b.TokenID != "tok_9c" || b.CustomerID != "" {
		t.Errorf("call 2 sent %+v", b)
	}
	report(2, c2)
	tm.press("n")
	tm.waitFor(10*time.Second, "Find a charger")

	// 3. "Garmisch-Partenkirchen, CHAdeMO, in einer Stunde, zwei Stunden,
	// Flottengruppe FG-12."
	c3 := &call{tm: tm}
	c3.says("Garmisch-Partenkirchen")
	tm.waitFor(5*time.Second, "→ Garmisch-Partenkirchen (town")
	c3.key("tab")
	c3.says("CHAdeMO")
	tm.waitFor(5*time.Second, "CHAdeMO  CHADEMO")
	c3.key("tab", "tab")
	c3.says("in einer Stunde, zwei Stunden")
	c3.key("enter")
	tm.waitFor(10*time.Second, "sorted by distance", "Call  Garmisch-Partenkirchen · CHAdeMO · in einer Stunde, zwei Stunden")
	c3.key("enter")
	tm.waitFor(10*time.Second, "EVSEs (")
	c3.key("enter")
	tm.waitFor(10*time.Second, "Customer id")
	c3.key("shift+tab")
	c3.says("Flottengruppe")
	tm.waitFor(5*time.Second, "group_token — fleet group token")
	c3.key("tab")
	c3.says("FG-12")
	b, before, after = send(c3, "Garmisch-Partenkirchen · CHAdeMO · in einer Stunde, zwei Stunden · group FG-12")
	if conn := connectorOf(t, s, b); conn.ConnectorType != model.CHAdeMO {
		t.Errorf("call 3 booked %+v", conn)
	}
	if lo, hi := before.Add(time.Hour).Truncate(time.Minute), after.Add(time.Hour).Truncate(time.Minute); b.ReservationStart.Before(lo) || b.ReservationStart.After(hi) || b.ReservationEnd.Sub(b.ReservationStart) != 2*time.Hour {
		t.Errorf("call 3 sent %v – %v, want an hour from the send (%v–%v) for 2 h", b.ReservationStart, b.ReservationEnd, lo, hi)
	}
	if b.TokenStrategy != model.GroupToken || b.FleetGroupID != "FG-12" {
		t.Errorf("call 3 sent %+v", b)
	}
	report(3, c3)
	tm.press("n")
	tm.waitFor(10*time.Second, "Find a charger")

	// 4. The driver of call 1 calls back and wants the same again for
	// tomorrow 9:00: ctrl+r brings the past calls back, the last first.
	c4 := &call{tm: tm}
	c4.key("ctrl+r", "ctrl+r", "ctrl+r")
	tm.waitFor(5*time.Second, "Call 3 of 3 back: Würzburg Hbf · Type 2 ≥ 11 kW · jetzt für 45 Minuten · cust_2201")
	day = window(c4, "morgen 9:00", "09:00") // the length stays the call's
	c4.key("enter")
	tm.waitFor(10*time.Second, "sorted by distance", "Call  Würzburg Hbf · Type 2 ≥ 11 kW")
	c4.key("enter")
	tm.waitFor(10*time.Second, "EVSEs (")
	c4.key("enter")
	tm.waitFor(10*time.Second, "Customer id", "cust_2201")
	b, _, _ = send(c4, "Würzburg Hbf · Type 2 ≥ 11 kW")
	if conn := connectorOf(t, s, b); conn.ConnectorType != model.T2 || conn.PowerKW < 11 {
		t.Errorf("call 4 booked %+v", conn)
	}
	if want := day.Add(9 * time.Hour); !b.ReservationStart.Equal(want) || b.ReservationEnd.Sub(b.ReservationStart) != 45*time.Minute {
		t.Errorf("call 4 sent %v – %v, want %v for 45 min", b.ReservationStart.In(berlin), b.ReservationEnd.In(berlin), want)
	}
	if b.TokenStrategy != model.DriverToken || b.CustomerID != "cust_2201" {
		t.Errorf("call 4 sent %+v", b)
	}
	report(4, c4)

	for _, c := range counts {
		t.Log(c)
	}
	tm.press("ctrl+c")
	tm.waitExit(5 * time.Second)
	tm.restored()
}
