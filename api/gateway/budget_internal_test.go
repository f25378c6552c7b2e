package gateway

import (
	"strings"
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

// An agent's reads are held to its share of the minute: with two agents
// active (and half a share kept for one who comes in), the first one's
// flood stops where the others' halves of their unused shares begin; the
// second still reads at once, and so does a third who comes in; the
// flood's agent reads again as its reads leave the window; writes and the
// gateway's own reads are not held to a share.
func TestFairSharesOfTheMinute(t *testing.T) {
	now := time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)
	b := newBudget(100, 1_000_000, 0)
	b.seen("anna", now)
	b.seen("ben", now)
	// 90 reads a minute, 3 shares of 30: anna reads her 30, then borrows
	// until ben's 15 and the newcomer's 15 are all that is left.
	if n := spendAs(b, "anna", now); n != 60 {
		t.Errorf("anna's flood took %d reads, want 60 (90 less the halves of two unused shares of 30)", n)
	}
	wait, why, ok := b.take(Read, "anna", now)
	if ok || wait != time.Minute || !strings.Contains(why, "your share") || !strings.Contains(why, "2 agents active") {
		t.Errorf("anna's next read: %v %v %q", ok, wait, why)
	}
	if _, remaining, _ := b.headers("anna", now); remaining != 0 {
		t.Errorf("anna's headers say %d left, want 0", remaining)
	}
	if _, remaining, _ := b.headers("ben", now); remaining != 30 {
		t.Errorf("ben's headers say %d left, want the 30 reads left (his share)", remaining)
	}
	if _, _, ok := b.take(Read, "ben", now); !ok {
		t.Error("ben's read during anna's flood was refused")
	}
	b.seen("cem", now) // comes in: a share of 22.5, from what is left
	if n := spendAs(b, "cem", now); n < 11 {
		t.Errorf("cem, who came in during the flood, read %d at once, want at least half a share (11)", n)
	}
	if _, _, ok := b.take(Write, "anna", now); !ok {
		t.Error("anna's create was held by her read share")
	}
	if _, _, ok := b.take(Read, "", now); !ok {
		t.Error("the gateway's own read (a look-up) was held to a share")
	}
	later := now.Add(time.Minute + time.Second)
	if _, _, ok := b.take(Read, "anna", later); !ok {
		t.Error("anna's read a minute later was refused: her reads left the window")
	}
}

// A lone agent may borrow every unused share but the half kept for one who
// comes in; its share grows as the others go quiet.
func TestFairSharesLendWhatIsUnused(t *testing.T) {
	now := time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)
	b := newBudget(100, 1_000_000, 0)
	b.seen("ben", now.Add(-10*time.Minute)) // quiet for 10 minutes: not active
	b.seen("anna", now)
	if n := spendAs(b, "anna", now); n != 67 {
		t.Errorf("anna alone took %d, want 67 (90 less half of a newcomer's 45)", n)
	}
}

// The day's reads likewise: each agent's share of the day (given, or the
// month's reads left over its days left, split among the day's agents and
// one more), lent as the minute's; a new day starts again.
func TestFairSharesOfTheDay(t *testing.T) {
	now := time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)
	b := newBudget(1000, 1_000_000, 10)
	b.seen("anna", now)
	b.seen("ben", now)
	if n := spendAs(b, "anna", now); n != 20 {
		t.Errorf("anna took %d of a day of 3 shares of 10, want 20 (ben's 5 and a newcomer's 5 kept)", n)
	}
	wait, why, ok := b.take(Read, "anna", now)
	if ok || wait != 15*time.Hour || !strings.Contains(why, "today") {
		t.Errorf("anna's next read: %v %v %q", ok, wait, why)
	}
	if n := spendAs(b, "ben", now); n != 10 {
		t.Errorf("ben took %d, want his 10 (5 kept, the newcomer's, and anna's share spent)", n)
	}
	tomorrow := now.Add(15 * time.Hour)
	if _, _, ok := b.take(Read, "anna", tomorrow); !ok {
		t.Error("anna's read the next day was refused")
	}
	// The month's pace: 300 a month, 6 kept for writes, 30 days left on
	// the 2nd: 9 reads for the day, 4.5 a share for one agent and a
	// newcomer; anna borrows up to the newcomer's 3.
	m := newBudget(1000, 300, 0)
	m.seen("anna", now)
	if n := spendAs(m, "anna", now); n != 6 {
		t.Errorf("anna took %d of a day of 9, want 6", n)
	}
	// The day's reads are set by what the month had spent before the day:
	// the API's count of the month, which holds today's reads too, does
	// not shrink them.
	d := newBudget(1000, 3000, 0)
	d.seen("anna", now)
	n := spendAs(d, "anna", now) // 98 for the day, anna alone: 73
	d.seedMonth(n, 0, now)
	d.seen("ben", now)
	if got := spendAs(d, "ben", now); n != 73 || got != 25 {
		t.Errorf("anna took %d (want 73), then ben %d of the day's 98 (want the 25 left)", n, got)
	}
}

// spendAs is how many reads agent may take at now.
func spendAs(b *budget, agent string, now time.Time) int {
	n := 0
	for {
		if _, _, ok := b.take(Read, agent, now); !ok {
			return n
		}
		n++
	}
}
