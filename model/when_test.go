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
