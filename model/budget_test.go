package model_test

import (
	"testing"
	"time"

	"github.com/petitmonde/chargedesk/model"
)

func TestMonthBudgetPace(t *testing.T) {
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	reset := time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC) // 735 h away
	b := model.MonthBudget{Known: true, Limit: 10000, Remaining: 9000, ReportedAt: now, ResetAt: reset, SpentSince: 200}
	if b.Left() != 8800 {
		t.Fatalf("left %d", b.Left())
	}
	if p := b.Pace(now); p < 11.6 || p > 11.75 { // (8800 - 200 reserve) / 735 h
		t.Fatalf("pace %.2f/h", p)
	}
	if s := b.Stretch(now); s != 1 {
		t.Errorf("stretch %.2f at 11.7/h, over 80 %% of the even 13.4/h", s)
	}
	tight := b
	tight.Remaining = 4000 // 3800 spare over 735 h: 5.2/h, under 80 % of even (10.75/h)
	if s := tight.Stretch(now); s < 2 || s > 2.2 {
		t.Errorf("stretch %.2f at a tight pace", s)
	}
	if b.Paused(now) {
		t.Error("paused with most of the month left")
	}
	full := b
	full.Remaining, full.SpentSince = 10000, 0
	if full.Stretch(now) != 1 {
		t.Errorf("a fresh month is stretched: %.2f", full.Stretch(now))
	}
	low := b
	low.Remaining, low.SpentSince = 210, 20 // under the 2 % reserve
	if !low.Paused(now) || low.Stretch(now) != model.MaxStretch {
		t.Errorf("near the end: paused %v stretch %.1f", low.Paused(now), low.Stretch(now))
	}
	if f := b.Forecast(now, 5, time.UTC); f != "lasts the month" {
		t.Errorf("forecast at 5/h: %q", f)
	}
	if f := b.Forecast(now, 100, time.UTC); f != "lasts until Sat 05 Dec 01:00" {
		t.Errorf("forecast at 100/h: %q", f)
	}
	if (model.MonthBudget{}).Stretch(now) != 1 || (model.MonthBudget{}).Paused(now) {
		t.Error("an unknown budget stretches or pauses")
	}
}
