package gateway

import (
	"fmt"
	"math"
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

// activeWindow is how recently an agent must have made a request to have a
// share of the minute's reads.
const activeWindow = 5 * time.Minute

// budget is the account's per-minute limit (a sliding 60 s window) and
// monthly quota, spent by every agent together. Each priority keeps a
// share free for the ones above it: background polls stop at half the
// minute's budget, reads keep a tenth for creates and cancels; in the
// month the watch stops at nine tenths and reads at 98 % (monthFloor).
//
// Agents' reads are shared fairly (fairShare): the minute's reads are
// split evenly among the agents active in the last activeWindow, and one
// more (an agent who comes in); the day's reads (the month's pace, or
// dailyReads each) likewise among the agents of the day. An agent past its
// share borrows what the others leave unused, but never the half of each
// one's unused share that stays theirs: so one agent's flood gets 429s
// for that agent, and everyone else's reads still pass.
type budget struct {
	mu        sync.Mutex
	limit     int
	quota     int
	window    []use // upstream requests of the last 60 s, oldest first
	month     time.Month
	monthUsed int
	// upstream is what the API's own headers last said (another client of
	// the key may spend it too): remaining and when it resets.
	upRemaining int
	upReset     time.Time

	agents map[string]*agentUse
	// dailyReads is each agent's share of a day's reads; 0: the month's
	// reads left, spread over its days left, split among the day's agents.
	dailyReads int
	day        time.Time // the UTC day the day's counts are of
	dayReads   int       // the team's reads for that day (when dailyReads is 0)
	dayUsed    int       // the requests of that day, so far
}

// use is one upstream request in the window.
type use struct {
	at    time.Time
	agent string // whose read it was ("": not an agent's read)
}

// agentUse is what an agent spent.
type agentUse struct {
	seen   time.Time // its last request
	minute int       // its reads in the window
	today  int       // its reads on b.day
}

func newBudget(limit, quota, dailyReads int) *budget {
	return &budget{limit: limit, quota: quota, dailyReads: dailyReads, upRemaining: -1, agents: map[string]*agentUse{}}
}

func (b *budget) trim(now time.Time) {
	cut := now.Add(-time.Minute)
	i := 0
	for i < len(b.window) && !b.window[i].at.After(cut) {
		if a := b.agents[b.window[i].agent]; a != nil && b.window[i].agent != "" {
			a.minute--
		}
		i++
	}
	b.window = b.window[i:]
	if now.UTC().Month() != b.month {
		b.month, b.monthUsed = now.UTC().Month(), 0
	}
	if day := now.UTC().Truncate(24 * time.Hour); !day.Equal(b.day) {
		b.newDay(day, now)
	}
}

// newDay starts the day's counts, and forgets agents gone for a day.
func (b *budget) newDay(day, now time.Time) {
	b.day, b.dayUsed = day, 0
	for name, a := range b.agents {
		a.today = 0
		if now.Sub(a.seen) > 24*time.Hour && a.minute == 0 {
			delete(b.agents, name)
		}
	}
	b.paceDay(now)
}

// paceDay sets the team's reads for the day: what the month has left for
// reads, over the days it has left (today included); b.mu is held.
func (b *budget) paceDay(now time.Time) {
	b.dayReads = 0
	if b.quota > 0 {
		daysLeft := int(nextMonth(now).Sub(b.day) / (24 * time.Hour))
		before := max(0, b.monthUsed-b.dayUsed) // what the month had spent when the day began
		b.dayReads = max(1, (b.quota-b.monthFloor(Read)-before)/max(1, daysLeft))
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

// seen records that agent made a request: it has a share from now on.
func (b *budget) seen(agent string, now time.Time) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.trim(now)
	b.agent(agent).seen = now
}

// agent is name's use, made when it has none; b.mu is held.
func (b *budget) agent(name string) *agentUse {
	a := b.agents[name]
	if a == nil {
		a = &agentUse{}
		b.agents[name] = a
	}
	return a
}

// take spends one request for p, on behalf of agent ("": the gateway's
// own), or says how long until it may and why not.
func (b *budget) take(p Priority, agent string, now time.Time) (time.Duration, string, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.trim(now)
	if b.quota > 0 && b.monthUsed >= b.quota-b.monthFloor(p) {
		return nextMonth(now).Sub(now), "the month's quota is spent for " + priorityName(p), false
	}
	left := b.teamLeft(now)
	if left <= b.floor(p) {
		wait := time.Second
		if len(b.window) > 0 {
			wait = max(wait, b.window[0].at.Add(time.Minute).Sub(now))
		}
		if b.upRemaining >= 0 && now.Before(b.upReset) && b.upRemaining <= b.floor(p) {
			wait = max(wait, b.upReset.Sub(now))
		}
		return wait, "", false
	}
	reader := ""
	if p == Read && agent != "" {
		reader = agent
		if wait, why, ok := b.fairMinute(agent, left-b.floor(Read), now); !ok {
			return wait, why, false
		}
		if wait, why, ok := b.fairDay(agent, now); !ok {
			return wait, why, false
		}
		a := b.agent(agent)
		a.seen = now
		a.minute++
		a.today++
	}
	b.window = append(b.window, use{at: now, agent: reader})
	b.monthUsed++
	b.dayUsed++
	if b.upRemaining > 0 {
		b.upRemaining--
	}
	return 0, "", true
}

// teamLeft is what is left of the minute for everyone (the API's own
// count when that is lower); b.mu is held.
func (b *budget) teamLeft(now time.Time) int {
	left := b.limit - len(b.window)
	if b.upRemaining >= 0 && now.Before(b.upReset) {
		left = min(left, b.upRemaining)
	}
	return left
}

// fairShare is how an agent's reads are held to its share of a pool: it
// reads within its share, or past it while what is left of the pool stays
// above what the others are owed (half of each one's unused share, and
// half a share for an agent who comes in).
type fairShare struct {
	share  float64 // each agent's share of the pool
	used   int     // the agent's reads from it
	left   int     // what is left of the pool for reads
	others float64 // what the other agents are owed
}

// allows tells how many more reads the agent may take now.
func (f fairShare) allows() int {
	within := max(0, int(math.Ceil(f.share-float64(f.used))))
	borrow := f.left - int(math.Ceil(f.others))
	return max(0, min(f.left, max(within, borrow)))
}

// owed is what an agent that used u of share keeps from the lenders' reach.
func owed(share float64, u int) float64 { return math.Ceil(max(0, share-float64(u)) / 2) }

// minuteShare is agent's fair share of the minute's reads, of which left
// are left; b.mu is held.
func (b *budget) minuteShare(agent string, left int, now time.Time) (fairShare, int) {
	n := 1 // the agent who comes in
	for name, a := range b.agents {
		if name == agent || now.Sub(a.seen) <= activeWindow {
			n++
		}
	}
	f := fairShare{share: float64(b.limit-b.floor(Read)) / float64(n), left: left}
	f.others = owed(f.share, 0)
	for name, a := range b.agents {
		switch {
		case name == agent:
			f.used = a.minute
		case now.Sub(a.seen) <= activeWindow:
			f.others += owed(f.share, a.minute)
		}
	}
	return f, n - 1
}

// fairMinute holds an agent to its share of the minute's reads; b.mu is
// held.
func (b *budget) fairMinute(agent string, left int, now time.Time) (time.Duration, string, bool) {
	f, agents := b.minuteShare(agent, left, now)
	if f.allows() > 0 {
		return 0, "", true
	}
	// It may read again once enough of its reads left the window.
	need := f.used - int(math.Ceil(f.share)) + 1
	wait := time.Second
	for _, u := range b.window {
		if u.agent == agent {
			if need--; need <= 0 {
				wait = max(wait, u.at.Add(time.Minute).Sub(now))
				break
			}
		}
	}
	return wait, fmt.Sprintf("your share of the team's reads is spent for now (%s active, and room kept for one more: about %d reads a minute each, more while the others leave theirs unused); creates and cancels still go",
		agentsCount(agents), int(f.share)), false
}

// dayShare is agent's fair share of the day's reads; b.mu is held.
func (b *budget) dayShare(agent string) (fairShare, int) {
	n := 1 // the agent who comes in
	for name, a := range b.agents {
		if name == agent || !a.seen.Before(b.day) {
			n++
		}
	}
	share := float64(b.dailyReads)
	if share <= 0 {
		share = float64(b.dayReads) / float64(n)
	}
	f := fairShare{share: share}
	f.others = owed(f.share, 0)
	spent := 0
	for name, a := range b.agents {
		switch {
		case name == agent:
			f.used = a.today
			spent += a.today
		case !a.seen.Before(b.day):
			f.others += owed(f.share, a.today)
			spent += a.today
		}
	}
	f.left = max(0, int(math.Round(share*float64(n)))-spent)
	return f, n - 1
}

// fairDay holds an agent to its share of the day's reads; b.mu is held.
func (b *budget) fairDay(agent string, now time.Time) (time.Duration, string, bool) {
	if b.quota <= 0 && b.dailyReads <= 0 {
		return 0, "", true
	}
	f, agents := b.dayShare(agent)
	if f.allows() > 0 {
		return 0, "", true
	}
	return b.day.Add(24 * time.Hour).Sub(now), fmt.Sprintf("your share of today's reads is spent (%s today, and room kept for one more: about %d reads each, so that the month's quota lasts): reads resume at midnight UTC, creates and cancels still go",
		agentsCount(agents), int(f.share)), false
}

// agentsCount is "1 agent", "3 agents".
func agentsCount(n int) string {
	if n == 1 {
		return "1 agent"
	}
	return fmt.Sprintf("%d agents", n)
}

// spent counts a request made without asking take first (the API client's
// own requests during a create).
func (b *budget) spent(now time.Time) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.trim(now)
	b.window = append(b.window, use{at: now})
	b.monthUsed++
	b.dayUsed++
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
	b.paceDay(now)
}

// headers are the budget as an agent's rate-limit headers say it: the
// team's limit, and what the agent may still read this minute (within its
// share and what it may borrow, the API's own count when that is lower),
// nothing when the month or its day's share is spent for it. Without an
// agent: what is left for agents' reads.
func (b *budget) headers(agent string, now time.Time) (limit, remaining int, reset time.Time) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.trim(now)
	reset = now.Add(time.Minute)
	if len(b.window) > 0 {
		reset = b.window[0].at.Add(time.Minute)
	}
	remaining = max(0, b.teamLeft(now)-b.floor(Read))
	if agent != "" {
		f, _ := b.minuteShare(agent, remaining, now)
		remaining = f.allows()
		if b.quota > 0 || b.dailyReads > 0 {
			d, _ := b.dayShare(agent)
			remaining = min(remaining, d.allows())
		}
	}
	if b.quota > 0 && b.monthUsed >= b.quota-b.monthFloor(Read) {
		remaining = 0
	}
	return b.limit, remaining, reset
}

func priorityName(p Priority) string {
	switch p {
	case Background:
		return "the gateway's background polls (the last tenth is kept for agents)"
	case Read:
		return "reads (the last 2 % are kept for creates and cancels)"
	}
	return "everything"
}

func nextMonth(now time.Time) time.Time {
	u := now.UTC()
	return time.Date(u.Year(), u.Month()+1, 1, 0, 0, 0, 0, time.UTC)
}
