package model_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/petitmonde/chargedesk/model"
)

// whenNow is Monday 30 Nov 2026, 10:02 in Berlin.
var whenNow = time.Date(2026, 11, 30, 9, 2, 0, 0, time.UTC)

func TestParseWhenAsPeopleSayIt(t *testing.T) {
	b := model.Berlin
	at := func(y int, m time.Month, d, h, mi int) time.Time { return time.Date(y, m, d, h, mi, 0, 0, b) }
	for in, want := range map[string]time.Time{
		"14:30":                at(2026, 11, 30, 14, 30),
		"10:10":                at(2026, 12, 1, 10, 10), // only 8 minutes ahead today: tomorrow's
		"10:20":                at(2026, 11, 30, 10, 20),
		"14.30":                at(2026, 11, 30, 14, 30),
		"14 Uhr":               at(2026, 11, 30, 14, 0),
		"morgen 14:30":         at(2026, 12, 1, 14, 30),
		"Tomorrow 14:30":       at(2026, 12, 1, 14, 30),
		"übermorgen 9:00":      at(2026, 12, 2, 9, 0),
		"heute 18:00":          at(2026, 11, 30, 18, 0),
		"Mi 14:30":             at(2026, 12, 2, 14, 30),
		"Wed 14:30":            at(2026, 12, 2, 14, 30),
		"Mittwoch 14:30":       at(2026, 12, 2, 14, 30),
		"Mon 09:00":            at(2026, 12, 7, 9, 0), // today's has passed: next week's
		"Mo 18:00":             at(2026, 11, 30, 18, 0),
		"in 2 h":               at(2026, 11, 30, 12, 2),
		"in 90 min":            at(2026, 11, 30, 11, 32),
		"+2h":                  at(2026, 11, 30, 12, 2),
		"+1h30":                at(2026, 11, 30, 11, 32),
		"2026-12-01 15:00":     at(2026, 12, 1, 15, 0),
		"01.12.2026 15:00":     at(2026, 12, 1, 15, 0),
		"2026-12-01T15:00":     at(2026, 12, 1, 15, 0),
		"2026-12-01":           at(2026, 12, 1, 0, 0),
		"2026-12-01T14:00:00Z": time.Date(2026, 12, 1, 14, 0, 0, 0, time.UTC),
	} {
		got, err := model.ParseWhen(in, whenNow, b)
		if err != nil || !got.Equal(want) {
			t.Errorf("%q: %v %v, want %v", in, got.In(b), err, want)
		}
	}
	for _, bad := range []string{"", "soon", "tomorrow-ish", "25:00", "14:75", "in soon"} {
		if _, err := model.ParseWhen(bad, whenNow, b); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestParseWhenDaylightSavingTime(t *testing.T) {
	b := model.Berlin
	// The spring gap: 02:00 to 03:00 does not exist on 28 March 2027.
	_, err := model.ParseWhen("2027-03-28 02:30", whenNow, b)
	if err == nil || !strings.Contains(err.Error(), "does not exist in Berlin time") || !strings.Contains(err.Error(), "from 02:00 to 03:00") {
		t.Fatalf("the DST gap: %v", err)
	}
	// The autumn change: 02:30 on 31 October 2027 happens twice.
	_, err = model.ParseWhen("2027-10-31 02:30", whenNow, b)
	var amb *model.AmbiguousTimeError
	if !errors.As(err, &amb) || !strings.Contains(err.Error(), "happens twice") ||
		!strings.Contains(err.Error(), "02:30 CEST") || !strings.Contains(err.Error(), "02:30 CET") {
		t.Fatalf("the repeated hour: %v", err)
	}
	if amb.Later.Sub(amb.Earlier) != time.Hour {
		t.Fatalf("the two instants are %v apart", amb.Later.Sub(amb.Earlier))
	}
	for in, want := range map[string]time.Time{
		"2027-10-31 02:30 CEST":   time.Date(2027, 10, 31, 0, 30, 0, 0, time.UTC),
		"2027-10-31 02:30 MESZ":   time.Date(2027, 10, 31, 0, 30, 0, 0, time.UTC),
		"2027-10-31 02:30 +02:00": time.Date(2027, 10, 31, 0, 30, 0, 0, time.UTC),
		"2027-10-31 02:30 CET":    time.Date(2027, 10, 31, 1, 30, 0, 0, time.UTC),
		"2027-10-31 02:30 +0100":  time.Date(2027, 10, 31, 1, 30, 0, 0, time.UTC),
	} {
		if got, err := model.ParseWhen(in, whenNow, b); err != nil || !got.Equal(want) {
			t.Errorf("%q: %v %v, want %v", in, got, err, want)
		}
	}
	if _, err := model.ParseWhen("2026-12-01 14:00 CEST", whenNow, b); err == nil || !strings.Contains(err.Error(), "at that time it is UTC+01:00") {
		t.Errorf("summer time in December: %v", err)
	}
}

// "Now" is a start: the earliest the API accepts, to the minute, with a
// margin for the request's way to the server.
func TestParseWhenNow(t *testing.T) {
	b := model.Berlin
	for _, now := range []time.Time{whenNow, whenNow.Add(10 * time.Second), whenNow.Add(29*time.Second + 999*time.Millisecond), whenNow.Add(31 * time.Second)} {
		for _, in := range []string{"now", "Jetzt", "sofort", "ASAP", "jetzt!", " right now "} {
			got, err := model.ParseWhen(in, now, b)
			if err != nil {
				t.Fatalf("%q: %v", in, err)
			}
			lead := got.Sub(now)
			if got.Second() != 0 || got.Nanosecond() != 0 || lead < model.MinLeadTime+model.StartMargin || lead >= model.MinLeadTime+model.StartMargin+time.Minute {
				t.Errorf("%q at %v: %v (%v ahead)", in, now, got, lead)
			}
			if !got.Equal(model.EarliestStart(now)) {
				t.Errorf("%q: %v, EarliestStart says %v", in, got, model.EarliestStart(now))
			}
			r := model.BookingRequest{LocationID: "L", EVSEUID: "E", ReservationStart: got, ReservationEnd: got.Add(40 * time.Minute)}
			if es := r.Validate(now.Add(model.StartMargin - time.Second)); len(es) > 0 {
				t.Errorf("%q: refused a moment later: %v", in, es)
			}
		}
	}
	if got, _ := model.ParseWhen("jetzt", whenNow, b); !got.Equal(time.Date(2026, 11, 30, 10, 18, 0, 0, b)) {
		t.Errorf("jetzt at 10:02:00: %v", got.In(b))
	}
}

// A start counted from now is read again at each send; one said outright is not.
func TestMovesWithClock(t *testing.T) {
	for in, want := range map[string]bool{
		"jetzt": true, "now": true, "asap": true, "in 30 min": true, "in einer Stunde": true, "+1h30": true,
		"14:30": false, "morgen 7:15": false, "2026-12-01 15:00": false, "Mi 9:00": false, "": false, "in soon": false,
	} {
		if got := model.MovesWithClock(in); got != want {
			t.Errorf("%q: %v", in, got)
		}
	}
	later := whenNow.Add(7 * time.Minute)
	a, _ := model.ParseWhen("in 30 min", whenNow, model.Berlin)
	b, _ := model.ParseWhen("in 30 min", later, model.Berlin)
	if b.Sub(a) != 7*time.Minute {
		t.Errorf("in 30 min read 7 minutes later moved by %v", b.Sub(a))
	}
}

// Between midnight and 04:00 "morgen" may mean the day that has begun or
// the next: ParseWhen asks, offering both as they can be written; a
// reading that has passed leaves only the later one.
func TestParseWhenMorgenInTheSmallHours(t *testing.T) {
	b := model.Berlin
	night := time.Date(2026, 12, 8, 3, 10, 0, 0, b) // Tuesday, 03:10
	for in, readings := range map[string][2]string{
		"morgen 7:15":     {"heute 07:15", "Mi 07:15"},
		"mor 7:15":        {"heute 07:15", "Mi 07:15"},
		"tomorrow 9:00":   {"today 09:00", "Wed 09:00"},
		"übermorgen 9:00": {"Mi 09:00", "Do 09:00"},
	} {
		_, err := model.ParseWhen(in, night, b)
		var amb *model.AmbiguousDayError
		if !errors.As(err, &amb) || amb.Readings != readings {
			t.Fatalf("%q: %v", in, err)
		}
		if !strings.Contains(err.Error(), "before 04:00") || !strings.Contains(err.Error(), readings[0]) || !strings.Contains(err.Error(), readings[1]) {
			t.Errorf("%q: %v", in, err)
		}
		if amb.Next.Sub(amb.Today) != 24*time.Hour {
			t.Errorf("%q: %v and %v", in, amb.Today, amb.Next)
		}
		// Each reading, typed, is what it says, without a question.
		for i, r := range readings {
			got, err := model.ParseWhen(r, night, b)
			if err != nil || !got.Equal([]time.Time{amb.Today, amb.Next}[i]) {
				t.Errorf("reading %q: %v %v", r, got, err)
			}
		}
		if got := model.DayReadings(in, night, b); len(got) != 2 || got[0] != readings[0] {
			t.Errorf("DayReadings(%q) = %v", in, got)
		}
	}
	// A length said with the start stays with both readings.
	if got := model.DayReadings("morgen 7:15 für 50 Minuten", night, b); len(got) != 2 || got[0] != "heute 07:15 für 50 Minuten" || got[1] != "Mi 07:15 für 50 Minuten" {
		t.Errorf("DayReadings with a length: %q", got)
	}
	// Today's reading has passed (02:00 < 03:10): only the next day is meant.
	if got, err := model.ParseWhen("morgen 2:00", night, b); err != nil || !got.Equal(time.Date(2026, 12, 9, 2, 0, 0, 0, b)) {
		t.Errorf("morgen 2:00 at 03:10: %v %v", got, err)
	}
	// After 04:00, and for other words, nothing is asked.
	for _, c := range []struct {
		in  string
		now time.Time
	}{{"morgen 7:15", night.Add(time.Hour)}, {"heute 7:15", night}, {"Mi 7:15", night}, {"7:15", night}, {"2026-12-09 07:15", night}} {
		if _, err := model.ParseWhen(c.in, c.now, b); err != nil {
			t.Errorf("%q at %v: %v", c.in, c.now, err)
		}
		if model.DayReadings(c.in, c.now, b) != nil {
			t.Errorf("%q at %v offered readings", c.in, c.now)
		}
	}
}

// A window said in one breath: the start, then its length.
func TestSplitWindow(t *testing.T) {
	for in, want := range map[string]struct {
		start  string
		length time.Duration
		said   bool
	}{
		"jetzt für 45 Minuten":          {"jetzt", 45 * time.Minute, true},
		"morgen 7:15 für 50 Minuten":    {"morgen 7:15", 50 * time.Minute, true},
		"morgen 7:15 FÜR 50":            {"morgen 7:15", 50 * time.Minute, true},
		"14:30 for 1h10":                {"14:30", 70 * time.Minute, true},
		"in einer Stunde, zwei Stunden": {"in einer Stunde", 2 * time.Hour, true},
		"in 2 h fuer 1,5 h":             {"in 2 h", 90 * time.Minute, true},
		"in 2 h, 1,5 h":                 {"in 2 h", 90 * time.Minute, true},
		"Mi, 9:00":                      {"Mi, 9:00", 0, false}, // a clock after a comma is no length
		"Mi, 9 Uhr":                     {"Mi, 9 Uhr", 0, false},
		"jetzt":                         {"jetzt", 0, false},
		"für 2 h":                       {"für 2 h", 0, false},
		"jetzt für ever":                {"jetzt für ever", 0, false},
	} {
		start, length, said := model.SplitWindow(in)
		if start != want.start || length != want.length || said != want.said {
			t.Errorf("%q: %q %v %v, want %+v", in, start, length, said, want)
		}
	}
	q, _, es := model.ParseSearch(model.SearchInput{Place: "München", From: "morgen 7:15 für 50 Minuten", Length: "2 h"}, whenNow, model.Berlin)
	if len(es) > 0 || !q.Start.Equal(time.Date(2026, 12, 1, 7, 15, 0, 0, model.Berlin)) || q.End.Sub(q.Start) != 50*time.Minute {
		t.Fatalf("the length said with the start wins: %v – %v %v", q.Start, q.End, es)
	}
	c := model.Call{Search: model.SearchInput{Place: "28195", From: "morgen 7:15 für 50 Minuten", Length: "2 h"}}
	if got := c.Summary(); got != "28195 · any plug · morgen 7:15 für 50 Minuten" {
		t.Errorf("summary %q", got)
	}
}
