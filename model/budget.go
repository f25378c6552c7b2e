package model

import (
	"fmt"
	"time"
)

// Quota pacing. The monthly quota is shared by every desk on the key; what
// /usage last reported, and what this client has spent since, tell how fast
// the rest of the month may be spent. Background polls stretch when the
// pace is tight and pause near the end of the quota, so that searches,
// creates and cancels always have requests left.
const (
	// EvenShare is how much slower than an even spread of the month's quota
	// the key may go before background polls stretch.
	EvenShare = 0.8
	// MaxStretch bounds how far background polls are stretched.
	MaxStretch = 12.0
	// ReserveShare of the monthly quota is kept for interactive requests:
	// below it, background polls pause.
	ReserveShare = 0.02
)

// MonthBudget is the monthly quota as last reported, plus what this client
// spent after the report.
type MonthBudget struct {
	Known      bool
	Limit      int       // requests a month
	Remaining  int       // as reported
	ReportedAt time.Time // when /usage answered
	ResetAt    time.Time // the start of next month (as reported)
	SpentSince int       // requests this client made after the report
}

// Left is the estimate of requests left now.
func (b MonthBudget) Left() int { return max(b.Remaining-b.SpentSince, 0) }

// Pace is the requests an hour the key may spend from now to keep the month
// alive: what is left over the hours left (the reserve excepted).
func (b MonthBudget) Pace(now time.Time) float64 {
	hours := b.ResetAt.Sub(now).Hours()
	if !b.Known || hours <= 0 {
		return b.even()
	}
	spare := float64(b.Left()) - ReserveShare*float64(b.Limit)
	return max(spare, 0) / max(hours, 1)
}

// even is the requests an hour of the month's quota spread evenly over it.
func (b MonthBudget) even() float64 {
	start := b.ResetAt.AddDate(0, -1, 0)
	if hours := b.ResetAt.Sub(start).Hours(); b.Limit > 0 && hours > 0 {
		return float64(b.Limit) / hours
	}
	return 1
}

// Paused tells whether background polls must stop to keep the reserve for
// what the agent does by hand.
func (b MonthBudget) Paused(now time.Time) bool {
	return b.Known && b.ResetAt.After(now) && float64(b.Left()) <= ReserveShare*float64(b.Limit)
}

// Stretch is how much longer background waits get at this pace (1: not at all).
func (b MonthBudget) Stretch(now time.Time) float64 {
	if !b.Known {
		return 1
	}
	want := EvenShare * b.even()
	p := b.Pace(now)
	switch {
	case p >= want:
		return 1
	case p <= want/MaxStretch:
		return MaxStretch
	}
	return want / p
}

// Forecast says when, at rate requests an hour, the quota runs out: "lasts
// the month" or "lasts until Mon 14 Dec" (in zone).
func (b MonthBudget) Forecast(now time.Time, rate float64, zone *time.Location) string {
	if !b.Known {
		return "not known yet"
	}
	if rate <= 0 {
		return "lasts the month"
	}
	out := now.Add(time.Duration(float64(b.Left()) / rate * float64(time.Hour)))
	if !out.Before(b.ResetAt) {
		return "lasts the month"
	}
	return fmt.Sprintf("lasts until %s", out.In(zone).Format("Mon 02 Jan 15:04"))
}
