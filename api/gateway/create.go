package gateway

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/petitmonde/chargedesk/api"
	"github.com/petitmonde/chargedesk/model"
)

// maxAgentBody bounds what an agent may send (a booking request is small),
// and bodyTimeout how long it may take to send it.
const (
	maxAgentBody = 64 << 10
	bodyTimeout  = 30 * time.Second
)

// maxExternalID bounds an external id (the journal's key).
const maxExternalID = 200

// create answers POST /bookings. The attempt is journalled in the store
// before it goes upstream, and sent by the API client's never-book-twice
// create: once, and on an unknown outcome looked up by its external id. An
// agent's retry with the same external id gets the answer the first got,
// never a second POST; an attempt whose outcome is not known (a stopped
// gateway, a lost answer) is looked up first, and sent again only when the
// look-up says it made nothing.
func (g *Gateway) create(r *http.Request, agent string) answer {
	raw, refused := readAgentBody(r)
	if refused.status != 0 {
		return refused
	}
	var req model.BookingRequest
	if err := json.Unmarshal(raw, &req); err != nil {
		return answer{status: http.StatusBadRequest, body: errorBody("Invalid JSON body: " + err.Error())}
	}
	req = api.WithDefaults(req, g.now())
	if len(req.ExternalID) > maxExternalID {
		return answer{status: http.StatusBadRequest, body: errorBody(fmt.Sprintf("Invalid external_id: at most %d characters", maxExternalID))}
	}
	unlock := g.lockExternalID(req.ExternalID)
	defer unlock()
	// What is recorded once the request is under way is recorded even when
	// the agent hangs up meanwhile.
	ctx := context.WithoutCancel(r.Context())

	prior, known, err := g.store.attempt(ctx, req.ExternalID)
	if err != nil {
		return answer{status: http.StatusInternalServerError, body: errorBody("The gateway's store cannot be read; nothing was sent")}
	}
	if known && !sameRequest(prior.Request, req) {
		return answer{status: http.StatusConflict, body: errorBody(fmt.Sprintf(
			"external_id %s was already used through this gateway for another request: nothing was booked; choose another external id", req.ExternalID))}
	}
	if known && prior.State != "sending" {
		g.auditNow(ctx, agent, "create", req, "", prior.Status, "answered from the journal: "+prior.State+", not sent again")
		return answer{status: prior.Status, body: prior.Body, at: g.now()}
	}
	reqJSON, _ := json.Marshal(req)
	id, err := g.store.audit(ctx, AuditEntry{At: g.now(), Agent: agent, Action: "create", ExternalID: req.ExternalID, Request: string(reqJSON), Outcome: "sending"})
	if err != nil {
		return answer{status: http.StatusInternalServerError, body: errorBody("The gateway cannot write its audit; nothing was sent")}
	}
	probe, err := g.circuit.allow(g.now())
	if err != nil {
		g.settle(ctx, id, "", http.StatusServiceUnavailable, "not sent: the API is failing (429 or 5xx); the gateway holds every request for a while")
		return failed(err)
	}
	if wait, why, ok := g.budget.take(Write, agent, g.now()); !ok {
		g.circuit.abandon(probe)
		g.settle(ctx, id, "", http.StatusTooManyRequests, "not sent: the team's budget is spent")
		return failed(errBudget{wait, why})
	}
	defer g.sendingFor(ctx, req.ExternalID, agent)()
	// The POST is paid for (take above); the look-ups a create makes are
	// counted as they go (metered).
	send := prepaid(r.Context(), http.MethodPost)
	if known {
		if a, done := g.resume(send, ctx, id, prior); done {
			g.circuit.abandon(probe)
			return a
		}
	}
	res, err := g.client.CreateBooking(send, req)
	g.circuit.abandon(probe) // refused before it was sent, or answered (which let the probe go already)
	return g.created(ctx, agent, id, req, res, err)
}

// readAgentBody reads what an agent sent, within maxAgentBody (the limit
// server.LimitBody sets): a refusal when it cannot be read or is larger.
func readAgentBody(r *http.Request) ([]byte, answer) {
	raw, err := io.ReadAll(r.Body)
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		return nil, answer{status: http.StatusRequestEntityTooLarge, body: errorBody(fmt.Sprintf("The request body is over %d kB: nothing was sent", maxAgentBody>>10))}
	case err != nil:
		return nil, answer{status: http.StatusBadRequest, body: errorBody("The request body could not be read: nothing was sent")}
	}
	return raw, answer{}
}

// resume settles an attempt whose outcome is unknown before anything is
// sent: made (adopted, credited to the agent who made it), taken by another
// request, or not known yet (kept). It is not done when the look-up says
// the attempt made nothing: then the create may be sent. The look-up ends
// with ask; the records are written with rec.
func (g *Gateway) resume(ask, rec context.Context, auditID int64, prior attempt) (answer, bool) {
	b, err := g.client.LookUpAttempt(ask, prior.Request, prior.Since)
	switch {
	case api.KindOf(err) == api.KindConflict:
		g.forget(rec, prior.ExternalID)
		g.settle(rec, auditID, "", http.StatusConflict, "refused: "+err.Error())
		return answer{status: http.StatusConflict, body: errorBody(err.Error())}, true
	case err != nil:
		g.settle(rec, auditID, "", 0, "outcome unknown: "+err.Error())
		return answer{status: http.StatusGatewayTimeout, body: errorBody("An earlier attempt with this external_id may have booked, and the check for it failed (" +
			err.Error() + "); nothing was sent. Retry with the same external_id: the gateway looks it up before sending anything.")}, true
	case b != nil:
		return g.created(rec, prior.Agent, auditID, prior.Request, &api.CreateResult{Booking: b, Adopted: true}, nil), true
	}
	return answer{}, false
}

// createFor is the create under way for an external id: the context its
// records are written with, and the agent who sent it.
type createFor struct {
	ctx   context.Context
	agent string
}

// sendingFor registers the create of ext (its lock is held) for the
// journal, until the function it returns is called.
func (g *Gateway) sendingFor(ctx context.Context, ext, agent string) func() {
	g.mu.Lock()
	g.sending[ext] = createFor{ctx, agent}
	g.mu.Unlock()
	return func() {
		g.mu.Lock()
		delete(g.sending, ext)
		g.mu.Unlock()
	}
}

// createJournal is the store as the API client's create journal: Begin
// records the attempt of the create under way for its external id before
// the POST goes upstream.
type createJournal struct{ g *Gateway }

func (j createJournal) Begin(req model.BookingRequest, since time.Time) (api.JournalEntry, error) {
	j.g.mu.Lock()
	c, ok := j.g.sending[req.ExternalID]
	j.g.mu.Unlock()
	if !ok {
		return nil, fmt.Errorf("no create of external id %s is under way through the gateway", req.ExternalID)
	}
	return journal{ctx: c.ctx, s: j.g.store, agent: c.agent}.Begin(req, since)
}

// created records (with ctx) and answers a create's outcome.
func (g *Gateway) created(ctx context.Context, agent string, auditID int64, req model.BookingRequest, res *api.CreateResult, err error) answer {
	if err == nil {
		raw, _ := json.Marshal(res.Booking)
		g.journalOutcome(ctx, req.ExternalID, "made", http.StatusAccepted, raw)
		g.creditBooking(ctx, res.Booking.ID, agent)
		outcome := "made"
		if res.Adopted {
			outcome = "made (the answer was lost; found by its external id)"
		}
		g.settle(ctx, auditID, res.Booking.ID, http.StatusAccepted, outcome+": "+string(res.Booking.Status))
		g.see(ctx, *res.Booking, raw, g.now())
		return answer{status: http.StatusAccepted, body: raw, at: g.now()}
	}
	var e *api.Error
	if !errors.As(err, &e) {
		e = &api.Error{Kind: api.KindUnknown, Message: err.Error()}
	}
	switch {
	case e.Kind == api.KindValidation || (e.Kind == api.KindConflict && e.Status == 0):
		// Refused before anything was sent: the request's own rules, or its
		// external id taken by another request.
		g.forget(ctx, req.ExternalID)
		status := http.StatusBadRequest
		if e.Kind == api.KindConflict {
			status = http.StatusConflict
		}
		g.settle(ctx, auditID, "", status, "refused: "+e.Message)
		return answer{status: status, body: errorBody(e.Message)}
	case e.Kind == api.KindUnknownOutcome || e.Status == 0:
		// Kept as sending: the next retry or start looks it up first.
		g.settle(ctx, auditID, "", 0, "outcome unknown: "+e.Message)
		return answer{status: http.StatusGatewayTimeout, body: errorBody("The create's outcome is unknown (" + e.Message +
			"); nothing more was sent. Retry with the same external_id: the gateway looks it up before sending anything.")}
	case e.Status == http.StatusTooManyRequests || e.Status >= 500:
		g.forget(ctx, req.ExternalID) // certainly not made: it may be sent again
		g.settle(ctx, auditID, "", e.Status, "not made: "+e.Message)
		a := answer{status: e.Status, body: errorBody(e.Message)}
		if e.RetryAfter > 0 {
			a.retryAfter = strconv.Itoa(int((e.RetryAfter + time.Second - 1) / time.Second))
		}
		return a
	default: // the API refused it (400, 404, 409 …): a retry gets the same answer
		body := errorBody(e.Message)
		g.journalOutcome(ctx, req.ExternalID, "refused", e.Status, body)
		g.settle(ctx, auditID, "", e.Status, "refused: "+e.Message)
		return answer{status: e.Status, body: body}
	}
}

// lockExternalID serialises the creates (and the start's look-ups) of one
// external id in this process, so that a retry waits for the first
// attempt's outcome. An entry lives while someone holds or waits for it.
func (g *Gateway) lockExternalID(ext string) func() {
	g.mu.Lock()
	l, ok := g.creating[ext]
	if !ok {
		l = &extLock{}
		g.creating[ext] = l
	}
	l.users++
	waits := l.users > 1
	g.mu.Unlock()
	if waits {
		g.log.Debug("waiting for the attempt in flight with the same external id", "external_id", ext)
	}
	l.mu.Lock()
	return func() {
		l.mu.Unlock()
		g.mu.Lock()
		if l.users--; l.users == 0 {
			delete(g.creating, ext)
		}
		g.mu.Unlock()
	}
}

// extLock is one external id's lock and how many hold or wait for it.
type extLock struct {
	mu    sync.Mutex
	users int
}

// sameRequest tells whether two requests book the same thing for the same
// driver.
func sameRequest(a, b model.BookingRequest) bool {
	return a.LocationID == b.LocationID && a.EVSEUID == b.EVSEUID && a.ConnectorID == b.ConnectorID &&
		a.ReservationStart.Equal(b.ReservationStart) && a.ReservationEnd.Equal(b.ReservationEnd) &&
		a.TokenStrategy == b.TokenStrategy && a.CustomerID == b.CustomerID && a.TokenID == b.TokenID &&
		a.FleetGroupID == b.FleetGroupID && strings.EqualFold(a.TokenUID, b.TokenUID)
}

// cancel answers POST /bookings/{id}/cancel, audited.
func (g *Gateway) cancel(r *http.Request, agent, id string) answer {
	raw, refused := readAgentBody(r)
	if refused.status != 0 {
		return refused
	}
	ctx := context.WithoutCancel(r.Context()) // the records, even when the agent hangs up
	auditID, err := g.store.audit(ctx, AuditEntry{At: g.now(), Agent: agent, Action: "cancel", BookingID: id, Request: string(raw), Outcome: "sending"})
	if err != nil {
		return answer{status: http.StatusInternalServerError, body: errorBody("The gateway cannot write its audit; nothing was sent")}
	}
	if len(raw) == 0 {
		raw = nil
	}
	a, err := g.up.do(r.Context(), Write, http.MethodPost, "/bookings/"+url.PathEscape(id)+"/cancel", "", raw)
	if err != nil {
		g.settle(ctx, auditID, "", 0, "no answer: "+err.Error())
		return failed(err)
	}
	outcome := "refused"
	if a.status == http.StatusOK {
		var b model.Booking
		if json.Unmarshal(a.body, &b) == nil {
			g.see(ctx, b, a.body, a.at)
			outcome = "cancelled: " + string(b.Status)
		}
	} else {
		var eb model.ErrorBody
		_ = json.Unmarshal(a.body, &eb)
		outcome = "refused: " + model.SanitizeLine(eb.Error)
	}
	g.settle(ctx, auditID, "", a.status, outcome)
	return a
}
