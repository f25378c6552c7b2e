package model

import (
	"errors"
	"strings"
	"time"
)

// ParseWhen reads a date and time as an agent types it, in zone: "14:30"
// (today, or tomorrow when that has passed), "2026-11-30 14:30",
// "30.11.2026 14:30", "2026-11-30T14:30", or a full RFC 3339 timestamp.
func ParseWhen(s string, now time.Time, zone *time.Location) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, errors.New("empty")
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	local := now.In(zone)
	if t, err := time.ParseInLocation("15:04", s, zone); err == nil {
		d := time.Date(local.Year(), local.Month(), local.Day(), t.Hour(), t.Minute(), 0, 0, zone)
		if d.Before(local) {
			d = d.AddDate(0, 0, 1)
		}
		return d, nil
	}
	for _, layout := range []string{"2006-01-02 15:04", "2006-01-02T15:04", "02.01.2006 15:04", "2.1.2006 15:04", "2006-01-02 15:04:05"} {
		if t, err := time.ParseInLocation(layout, s, zone); err == nil {
			return t, nil
		}
	}
	for _, layout := range []string{"2006-01-02", "02.01.2006", "2.1.2006"} {
		if t, err := time.ParseInLocation(layout, s, zone); err == nil {
			return t, nil // a day alone: its midnight
		}
	}
	return time.Time{}, errors.New(`use "HH:MM", "YYYY-MM-DD HH:MM" or "DD.MM.YYYY HH:MM"`)
}
