package gateway

import (
	"context"
	"encoding/json"

	"github.com/petitmonde/chargedesk/model"
)

// The writes the gateway makes once an action's outcome is known. The
// agent's answer goes out whether or not they succeed (the booking exists,
// or does not, either way), so a write that fails is logged with what it
// held and what the store lost by it: the log keeps what the store could
// not.

// journalOutcome records a create's answer (state made or refused) in the
// journal, so that an agent's retry of its external id gets it again.
func (g *Gateway) journalOutcome(ctx context.Context, externalID, state string, status int, body []byte) {
	if err := g.store.finish(ctx, externalID, state, status, body); err != nil {
		g.lost(err, "the journal's answer to a create: a retry of this external id is looked up upstream (one request) instead of answered from the journal",
			"external_id", externalID, "state", state, "status", status)
	}
}

// forget drops the journal's attempt of a create that made nothing, so that
// its external id may be sent again.
func (g *Gateway) forget(ctx context.Context, externalID string) {
	if err := g.store.finish(ctx, externalID, "", 0, nil); err != nil {
		g.lost(err, "that an attempt made no booking: it stays \"sending\", and its next retry or the next start looks it up upstream before anything is sent",
			"external_id", externalID)
	}
}

// creditBooking records which agent made a booking.
func (g *Gateway) creditBooking(ctx context.Context, bookingID, agent string) {
	g.bookers.credit(bookingID, agent) // reads and pushes say it, whatever the store's write does
	if err := g.store.bookedBy(ctx, bookingID, agent); err != nil {
		g.lost(err, "which agent made a booking: its reads and pushes go without booked_by", "booking_id", bookingID, "agent", agent)
	}
}

// settle records what became of an audited action, the key taken out of
// whatever the API said.
func (g *Gateway) settle(ctx context.Context, auditID int64, bookingID string, status int, outcome string) {
	outcome = g.up.redact(outcome)
	if err := g.store.settle(ctx, auditID, bookingID, status, outcome); err != nil {
		g.lost(err, "an audited action's outcome: its audit row stays \"sending\"",
			"audit_id", auditID, "booking_id", bookingID, "status", status, "outcome", outcome)
	}
}

// auditNow records an action that is complete at once.
func (g *Gateway) auditNow(ctx context.Context, agent, action string, req model.BookingRequest, bookingID string, status int, outcome string) {
	reqJSON, _ := json.Marshal(req)
	e := AuditEntry{At: g.now(), Agent: agent, Action: action, ExternalID: req.ExternalID, BookingID: bookingID,
		Request: string(reqJSON), Status: status, Outcome: g.up.redact(outcome)}
	if _, err := g.store.audit(ctx, e); err != nil {
		g.lost(err, "an audit row: the audit does not show this action", "agent", agent, "action", action,
			"external_id", e.ExternalID, "booking_id", bookingID, "status", status, "outcome", e.Outcome)
	}
}

// lost logs a store write that failed: what it lost, and what it held.
func (g *Gateway) lost(err error, what string, attrs ...any) {
	g.log.Error("the gateway's store lost a write", append([]any{"lost", what, "err", g.redactLog(err.Error())}, attrs...)...)
}
