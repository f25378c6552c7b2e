package gateway

import (
	"testing"
	"time"
)

// The minute's budget is spent for the whole team in order: the watch's
// background polls stop at half of it, agents' reads keep a tenth for
// creates and cancels, which may spend it all; the window slides.
func TestBudgetPriorities(t *testing.T) {
	now := time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)
	b := newBudget(20, 10000, 0)
	spend := func(p Priority) int { return spendAll(b, p, now) }
	if n := spend(Background); n != 10 {
		t.Errorf("background took %d of 20, want 10", n)
	}
	if n := spend(Read); n != 8 {
		t.Errorf("reads took %d more, want 8 (2 kept for writes)", n)
	}
	if n := spend(Write); n != 2 {
		t.Errorf("writes took %d more, want the last 2", n)
	}
	wait, _, ok := b.take(Write, "", now)
	if ok || wait != time.Minute {
		t.Errorf("a spent minute: %v %v, want a wait of 1 min", ok, wait)
	}
	now = now.Add(time.Minute + time.Second)
	if _, _, ok := b.take(Read, "", now); !ok {
		t.Error("the window did not slide")
	}
	// In the month, the watch stops at nine tenths, reads at 98 %; the
	// last requests are for creates and cancels.
	m := newBudget(1000, 100, 0)
	m.seedMonth(90, 0, now)
	if _, _, ok := m.take(Background, "", now); ok {
		t.Error("background polls spent the month's last tenth")
	}
	if n := spendAll(m, Read, now); n != 8 {
		t.Errorf("reads took %d of the month's last 10, want 8", n)
	}
	if n := spendAll(m, Write, now); n != 2 {
		t.Errorf("writes took %d of the month's last 2, want 2", n)
	}
	if _, l, _ := m.headers("", now); l != 0 {
		t.Errorf("with the month spent the team's headers say %d left, want 0", l)
	}
	// The headers say what is left for an agent's read: the minute less what
	// reads must leave to writes.
	h := newBudget(100, 10000, 0)
	for range 30 {
		h.take(Read, "", now)
	}
	if limit, l, _ := h.headers("", now); limit != 100 || l != 60 {
		t.Errorf("after 30 reads the headers say %d of %d, want 60 of 100", l, limit)
	}
	// A tiny limit never favours the watch over the agents.
	tiny := newBudget(1, 10000, 0)
	if _, _, ok := tiny.take(Background, "", now); ok {
		t.Error("with a limit of 1 the watch took the only request")
	}
	if _, _, ok := tiny.take(Read, "", now); !ok {
		t.Error("with a limit of 1 an agent's read was refused")
	}
}

func spendAll(b *budget, p Priority, now time.Time) int {
	n := 0
	for {
		if _, _, ok := b.take(p, "", now); !ok {
			return n
		}
		n++
	}
}
