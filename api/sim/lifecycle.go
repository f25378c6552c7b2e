package sim

import (
	cryptorand "crypto/rand"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/petitmonde/chargedesk/model"
)

// CPO answer times. They run in real (clock) time and are NOT divided by
// Options.Speed, so a sped-up demo still shows REQUESTED, PENDING and
// CONFIRMED the way a real CPO answers.
const (
	PendingDelayMin  = 500 * time.Millisecond // REQUESTED → PENDING, after create
	PendingDelayMax  = 2 * time.Second
	ConfirmDelayMin  = 1 * time.Second // PENDING → CONFIRMED, after create
	ConfirmDelayMax  = 10 * time.Second
	ConfirmTimeout   = 30 * time.Second // no CPO answer by then → EXPIRED; the default of Options.ConfirmTimeout
	SlowConfirmDelay = 25 * time.Second // TriggerSlow: time spent in PENDING
	RejectDelayMin   = 2 * time.Second  // TriggerReject: PENDING → CANCELLED, after PENDING
	RejectDelayMax   = 4 * time.Second
	// FollowUpDelay is the real-time gap after CONFIRMED (or ATTENDING) when the
	// next step is already due in lifecycle time: it then follows this soon.
	FollowUpDelay = 1 * time.Second
)

// Reservation times. They are lifecycle times: divided by Options.Speed,
// measured per booking from its creation (see the package doc).
const (
	ArrivalOffsetMax = 3 * time.Minute  // ATTENDING at reservation_start + U(0, this)
	NoShowGrace      = 15 * time.Minute // TriggerNoShow: NO_SHOW at reservation_start + this
	ChargeShareMin   = 0.40             // COMPLETED after this share of the window…
	ChargeShareMax   = 0.95             // …up to this share (never after reservation_end)
	LateCancelWindow = time.Hour        // cancelling CONFIRMED this close to the start costs LateCancelFee
)

// Prices in EUR.
const (
	LateCancelFee = 3.50 // client_price of a CONFIRMED booking cancelled within LateCancelWindow of its start
	NoShowFee     = 5.00 // client_price of a NO_SHOW
	FinalPriceMin = 0.85 // the final price is the estimate times U(FinalPriceMin, FinalPriceMax)
	FinalPriceMax = 1.20
	PriceCurrency = "EUR"
)

// OverLimitFleetGroup is the fleet_group_id that is always over its spending
// limit: creating a booking with it gives 400 "Fleet group spending limit exceeded".
const OverLimitFleetGroup = "group_overlimit"

// Scenario triggers: a customer_id starting with one of these takes that path.
const (
	TriggerExpire = "cust_expire" // stays REQUESTED; EXPIRED at Options.ConfirmTimeout
	TriggerNoShow = "cust_noshow" // CONFIRMED, then NO_SHOW NoShowGrace after the start
	TriggerReject = "cust_reject" // PENDING, then CANCELLED "Rejected by CPO: …"
	TriggerSlow   = "cust_slow"   // PENDING for SlowConfirmDelay, then CONFIRMED
)

var rejectReasons = []string{
	"Rejected by CPO: EVSE already reserved through another platform",
	"Rejected by CPO: maintenance scheduled during the requested window",
	"Rejected by CPO: reservations are paused at this location",
}

func triggerOf(customerID string) string {
	for _, t := range []string{TriggerExpire, TriggerNoShow, TriggerReject, TriggerSlow} {
		if strings.HasPrefix(customerID, t) {
			return t
		}
	}
	return ""
}

// draws are the random values of one booking, all taken at create, always the
// same number of them, so the same seed and the same sequence of creates give
// the same ids and delays whatever path each booking takes.
type draws struct {
	id           [16]byte
	pending      time.Duration
	confirm      time.Duration
	reject       time.Duration
	rejectReason int
	arrival      time.Duration
	chargeShare  float64
	priceFactor  float64
	cpoRes       uint32
	adHoc        uint64
}

func durBetween(rng *rand.Rand, lo, hi time.Duration) time.Duration {
	ms := int64((hi - lo) / time.Millisecond)
	return lo + time.Duration(rng.Int64N(ms+1))*time.Millisecond
}

func drawFor(rng *rand.Rand) draws {
	var d draws
	a, b := rng.Uint64(), rng.Uint64()
	for i := 0; i < 8; i++ {
		d.id[i] = byte(a >> (8 * i))
		d.id[8+i] = byte(b >> (8 * i))
	}
	d.id[6] = d.id[6]&0x0f | 0x40 // version 4
	d.id[8] = d.id[8]&0x3f | 0x80 // RFC 4122 variant
	d.pending = durBetween(rng, PendingDelayMin, PendingDelayMax)
	// CONFIRMED at least half a second after PENDING, within 1–10 s of create.
	lo := max(ConfirmDelayMin, d.pending+500*time.Millisecond)
	d.confirm = durBetween(rng, lo, ConfirmDelayMax)
	d.reject = durBetween(rng, RejectDelayMin, RejectDelayMax)
	d.rejectReason = rng.IntN(len(rejectReasons))
	d.arrival = durBetween(rng, 0, ArrivalOffsetMax)
	d.chargeShare = ChargeShareMin + rng.Float64()*(ChargeShareMax-ChargeShareMin)
	d.priceFactor = FinalPriceMin + rng.Float64()*(FinalPriceMax-FinalPriceMin)
	d.cpoRes = rng.Uint32() & 0xffffff
	d.adHoc = rng.Uint64() & 0xffffffffffffff // 14 hex digits
	return d
}

// fate is the seeded key a booking's CPO faults are drawn by: the same seed
// and the same creates in the same order meet the same fates, while the
// booking ids themselves (newBookingID) differ from run to run.
func (d draws) fate() string { return formatUUID(d.id) }

// newBookingID is a random version 4 UUID from src (Options.IDs), else from
// the system's random source.
func newBookingID(src io.Reader) string {
	if src == nil {
		src = cryptorand.Reader
	}
	var x [16]byte
	if _, err := io.ReadFull(src, x[:]); err != nil {
		_, _ = cryptorand.Read(x[:]) // never fails (crypto/rand panics instead)
	}
	x[6] = x[6]&0x0f | 0x40
	x[8] = x[8]&0x3f | 0x80
	return formatUUID(x)
}

func formatUUID(x [16]byte) string {
	return fmt.Sprintf("%x-%x-%x-%x-%x", x[0:4], x[4:6], x[6:8], x[8:10], x[10:16])
}

// event is one scheduled transition and what it sets besides the status.
type event struct {
	at     time.Time
	status model.Status
	price  *float64 // sets client_price
	cpoRes string   // sets cpo_reservation_id
	reason string   // sets cancellation_reason
}

func price(v float64) *float64 { v = round2(v); return &v }

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// schedule plans the whole life of a booking at create. realAt maps a
// lifecycle time to the clock time when it is reached: created + (lt −
// created) / speed. timeout is when the API stops waiting for the CPO
// (Options.ConfirmTimeout).
func schedule(created, start, end time.Time, speed float64, timeout time.Duration, trigger, party string, estimate float64, d draws) []event {
	realAt := func(lt time.Time) time.Time {
		return created.Add(time.Duration(float64(lt.Sub(created)) / speed)).Round(time.Millisecond)
	}
	pendingAt := created.Add(d.pending)
	confirmAt := created.Add(d.confirm)
	switch trigger {
	case TriggerExpire:
		return []event{{at: created.Add(timeout), status: model.Expired}}
	case TriggerReject:
		return []event{
			{at: pendingAt, status: model.Pending},
			{at: pendingAt.Add(d.reject), status: model.Cancelled, reason: rejectReasons[d.rejectReason]},
		}
	case TriggerSlow:
		confirmAt = pendingAt.Add(SlowConfirmDelay)
	}
	evs := []event{
		{at: pendingAt, status: model.Pending},
		{at: confirmAt, status: model.Confirmed, price: price(estimate),
			cpoRes: fmt.Sprintf("%s-R-%06X", party, d.cpoRes)},
	}
	if trigger == TriggerNoShow {
		at := later(realAt(start.Add(NoShowGrace)), confirmAt.Add(FollowUpDelay))
		return append(evs, event{at: at, status: model.NoShow, price: price(NoShowFee)})
	}
	window := end.Sub(start)
	charge := time.Duration(float64(window) * d.chargeShare)
	charge = min(max(charge, d.arrival+time.Minute), window)
	attendAt := later(realAt(start.Add(d.arrival)), confirmAt.Add(FollowUpDelay))
	completeAt := later(realAt(start.Add(charge)), attendAt.Add(FollowUpDelay))
	return append(evs,
		event{at: attendAt, status: model.Attending},
		event{at: completeAt, status: model.Completed, price: price(estimate * d.priceFactor)},
	)
}

// record is a stored booking: the fields fixed at create, plus its schedule.
type record struct {
	seq     int
	fate    string // draws.fate: what its CPO faults are drawn by
	owner   string // the API key that created it
	base    model.Booking
	created time.Time
	start   time.Time
	events  []event
	ix      slot // its place in the store's indexes (store.go)
}

func timePtr(t time.Time) *time.Time { return &t }

// at returns the booking as it is at now: every event due by now applied.
func (r *record) at(now time.Time) model.Booking {
	b := r.base
	b.Status = model.Requested
	changed := r.created
	for _, e := range r.events {
		if e.at.After(now) {
			break
		}
		b.Status = e.status
		changed = e.at
		if e.price != nil {
			b.ClientPrice = price(*e.price)
		}
		if e.cpoRes != "" {
			b.CPOReservationID = e.cpoRes
		}
		if e.reason != "" {
			b.CancellationReason = e.reason
		}
	}
	b.StatusUpdatedAt = timePtr(changed)
	b.UpdatedAt = timePtr(changed)
	return b
}

// statusAt is r's status at t, as at computes it, and the index of its
// first event after t (len(events) when none is left).
func (r *record) statusAt(t time.Time) (model.Status, int) {
	st := model.Requested
	for i, e := range r.events {
		if e.at.After(t) {
			return st, i
		}
		st = e.status
	}
	return st, len(r.events)
}

// cancel ends the schedule at now with CANCELLED.
func (r *record) cancel(now time.Time, e event) {
	kept := r.events[:0:0]
	for _, x := range r.events {
		if !x.at.After(now) {
			kept = append(kept, x)
		}
	}
	e.at = now
	e.status = model.Cancelled
	r.events = append(kept, e)
}

// active tells whether a booking in status st still holds its EVSE.
func active(st model.Status) bool {
	switch st {
	case model.Requested, model.Pending, model.Confirmed, model.Attending:
		return true
	}
	return false
}
