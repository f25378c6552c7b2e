package gateway

import (
	"sync"
	"time"
)

// Priority orders what the team's budget is spent on.
type Priority int

const (
	// Background is the gateway's own watch of active bookings.
	Background Priority = iota
	// Read is an agent's search, list, booking or usage read.
	Read
	// Write is a create or a cancel: it goes first.
	Write
)

// budget is the account's per-minute limit (a sliding 60 s window) and
// monthly quota, spent by every agent together. Each priority keeps a
// share free for the ones above it: background polls stop at half the
// minute's budget, reads keep a tenth for creates and cancels; in the
// month the watch stops at nine tenths and reads at 98 % (monthFloor).
type budget struct {
	mu        sync.Mutex
	limit     int
	quota     int
	window    []time.Time // upstream requests of the last 60 s, oldest first
	month     time.Month
	monthUsed int
	// upstream is what the API's own headers last said (another client of
	// the key may spend it too): remaining and when it resets.
	upRemaining int
	upReset     time.Time
}

func newBudget(limit, quota int) *budget {
	return &budget{limit: limit, quota: quota, upRemaining: -1}
}

func (b *budget) trim(now time.Time) {
	cut := now.Add(-time.Minute)
	i := 0
	for i < len(b.window) && !b.window[i].After(cut) {
		i++
	}
	b.window = b.window[i:]
	if now.UTC().Month() != b.month {
		b.month, b.monthUsed = now.UTC().Month(), 0
	}
}

// floor is how many of the minute's requests p may not touch: reads keep
// a tenth for writes, the watch half (and always more than reads keep), so
// even a tiny limit never favours the watch over the agents.
func (b *budget) floor(p Priority) int {
	switch p {
	case Background:
		return max(b.limit/2, b.limit/10+1)
	case Read:
		return b.limit / 10
	}
	return 0
}

// monthFloor is how many of the month's requests p may not touch: the
// watch stops at nine tenths, agents' reads at 98 %, so that the last
// requests of the month can still book and cancel.
func (b *budget) monthFloor(p Priority) int {
	switch p {
	case Background:
		return b.quota / 10
	case Read:
		return b.quota / 50
	}
	return 0
}

// take spends one request for p, or says how long until it may.
func (b *budget) take(p Priority, now time.Time) (time.Duration, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.trim(now)
	if b.quota > 0 && b.monthUsed >= b.quota-b.monthFloor(p) {
		return nextMonth(now).Sub(now), false
	}
	left := b.limit - len(b.window)
	if b.upRemaining >= 0 && now.Before(b.upReset) {
		left = min(left, b.upRemaining)
	}
	if left <= b.floor(p) {
		wait := time.Second
		if len(b.window) > 0 {
			wait = max(wait, b.window[0].Add(time.Minute).Sub(now))
		}
		if b.upRemaining >= 0 && now.Before(b.upReset) && b.upRemaining <= b.floor(p) {
			wait = max(wait, b.upReset.Sub(now))
		}
		return wait, false
	}
	b.window = append(b.window, now)
	b.monthUsed++
	if b.upRemaining > 0 {
		b.upRemaining--
	}
	return 0, true
}

// spent counts a request made without asking take first (the API client's
// own requests during a create).
func (b *budget) spent(now time.Time) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.trim(now)
	b.window = append(b.window, now)
	b.monthUsed++
}

// observe takes in what the API's rate-limit headers said.
func (b *budget) observe(remaining int, reset time.Time) {
	if remaining < 0 {
		return
	}
	b.mu.Lock()
	b.upRemaining, b.upReset = remaining, reset
	b.mu.Unlock()
}

// seedMonth sets the month's use, and its quota when known, as /usage
// reported them.
func (b *budget) seedMonth(used, quota int, now time.Time) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.trim(now)
	b.monthUsed = max(b.monthUsed, used)
	if quota > 0 {
		b.quota = quota
	}
}

// headers are the team's budget as an agent's rate-limit headers say it:
// what is left of the minute for agents' reads (the API's own count when
// that is lower), nothing when the month is spent for them.
func (b *budget) headers(now time.Time) (limit, remaining int, reset time.Time) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.trim(now)
	reset = now.Add(time.Minute)
	if len(b.window) > 0 {
		reset = b.window[0].Add(time.Minute)
	}
	left := b.limit - len(b.window)
	if b.upRemaining >= 0 && now.Before(b.upReset) {
		left = min(left, b.upRemaining)
	}
	remaining = max(0, left-b.floor(Read))
	if b.quota > 0 && b.monthUsed >= b.quota-b.monthFloor(Read) {
		remaining = 0
	}
	return b.limit, remaining, reset
}

func nextMonth(now time.Time) time.Time {
	u := now.UTC()
	return time.Date(u.Year(), u.Month()+1, 1, 0, 0, 0, 0, time.UTC)
}
