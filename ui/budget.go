package ui

import (
	"time"

	"github.com/petitmonde/chargedesk/api"
	"github.com/petitmonde/chargedesk/model"
)

// maxLog is how many calls the request log keeps.
const maxLog = 1000

// When /usage is asked: at start, on the usage view, and while the agent
// is at the desk (a key in the last ten minutes) every four hours, hourly
// when the month is tight; never on a timer for an idle desk. Twenty desks
// asking hourly would spend a sixth of the month on it. Between the answers
// the header counts what this client spent.
const (
	usageEvery      = 4 * time.Hour
	usageEveryTight = time.Hour
	activeWithin    = 10 * time.Minute
)

// requests is what the session knows of the account's requests: every call
// of this run (the request log), the per-minute rate as the newest answer
// reported it, and the month's quota as /usage last reported it less what
// this client spent since, with when to ask /usage again. All of it comes
// in messages (logEventMsg, the answers, usageMsg): the header and the
// usage screen read it here, never from the client.
type requests struct {
	log        []api.Event
	rate       api.RateLimit
	usage      *model.Usage
	usageAt    time.Time // when usage was reported
	spentSince int       // requests this client made since (each one a log event)
	asked      time.Time // when /usage was last asked
	retry      retrier   // while the month was never reported: the start's ask failed
	lastKey    time.Time // the agent's last key: an idle desk asks nothing
}

// logged takes one call of the client (its request log event).
func (r *requests) logged(ev api.Event) {
	r.log = append(r.log, ev)
	if !ev.Time.Before(r.usageAt) && ev.Path != "/usage" {
		r.spentSince++
	}
	if len(r.log) > maxLog {
		r.log = r.log[len(r.log)-maxLog:]
	}
	if ev.RateRemaining >= 0 {
		r.sawRate(api.RateLimit{Known: true, Limit: ev.RateLimit, Remaining: ev.RateRemaining, Seen: ev.Time.Add(ev.Duration)})
	}
}

// calls is how many calls the log holds; call(i) is the i-th oldest.
func (r *requests) calls() int           { return len(r.log) }
func (r *requests) call(i int) api.Event { return r.log[i] }

// sawRate keeps the rate-limit headers an answer carried, unless newer
// ones are known already.
func (r *requests) sawRate(rl api.RateLimit) {
	if rl.Known && !rl.Seen.Before(r.rate.Seen) {
		r.rate = rl
	}
}

// rateLimit is the per-minute rate as last reported.
func (r *requests) rateLimit() api.RateLimit { return r.rate }

// usageAnswered takes /usage's answer. Without any month figure yet, a
// failed ask is retried, backing off.
func (r *requests) usageAnswered(now time.Time, u *model.Usage, err error) {
	switch {
	case u != nil:
		r.usage, r.usageAt, r.spentSince = u, now, 0
		r.retry.clear()
	case r.usage == nil:
		r.retry.schedule(now, err)
	}
}

// monthBudget is the monthly quota as last reported, less what this client
// spent since.
func (r *requests) monthBudget() model.MonthBudget {
	u := r.usage
	if u == nil || u.Quota == nil || u.Quota.Limit <= 0 {
		return model.MonthBudget{}
	}
	b := model.MonthBudget{Known: true, Limit: u.Quota.Limit, Remaining: u.Quota.Remaining, ReportedAt: r.usageAt, SpentSince: r.spentSince}
	if u.Quota.ResetAt != nil {
		b.ResetAt = *u.Quota.ResetAt
	}
	return b
}

// keyPressed notes the agent at the desk.
func (r *requests) keyPressed(now time.Time) { r.lastKey = now }

// askedUsage notes /usage asked now (at start, on the usage view).
func (r *requests) askedUsage(now time.Time) { r.asked = now }

// usageDue tells whether /usage is to be asked now, by the rule above (or
// its retry is due), and if so notes it asked.
func (r *requests) usageDue(now time.Time) bool {
	every := usageEvery
	if b := r.monthBudget(); b.Stretch(now) > 1 || b.Paused(now) {
		every = usageEveryTight
	}
	if r.retry.fire(now) {
		r.asked = now
		return true
	}
	if r.lastKey.IsZero() || now.Sub(r.lastKey) > activeWithin || now.Sub(r.asked) < every {
		return false
	}
	r.asked = now
	return true
}
