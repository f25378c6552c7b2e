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

// maxAgentBody bounds what an agent may send (a booking request is small).
const maxAgentBody = 64 << 10

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
	raw, err := io.ReadAll(io.LimitReader(r.Body, maxAgentBody+1))
	if err != nil || len(raw) > maxAgentBody {
		return answer{status: http.StatusBadRequest, body: errorBody("The request body could not be read, or is over 64 kB")}
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
	if wait, ok := g.budget.take(Write, g.now()); !ok {
		g.settle(ctx, id, "", http.StatusTooManyRequests, "not sent: the team's budget is spent")
		return failed(errBudget{wait})
	}
	c := g.createClient(ctx, agent)
	if known {
		if a, done := g.resume(r.Context(), ctx, c, id, prior); done {
			return a
		}
	}
	res, err := c.CreateBooking(r.Context(), req)
	return g.created(ctx, agent, id, req, res, err)
}

// resume settles an attempt whose outcome is unknown before anything is
// sent: made (adopted, credited to the agent who made it), taken by another
// request, or not known yet (kept). It is not done when the look-up says
// the attempt made nothing: then the create may be sent. The look-up ends
// with ask; the records are written with rec.
func (g *Gateway) resume(ask, rec context.Context, c *api.Client, auditID int64, prior attempt) (answer, bool) {
	b, err := c.LookUpAttempt(ask, prior.Request, prior.Since)
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

// createClient is the API client of one create: the store as its journal
// (written with ctx); the POST is paid for by the caller's take(Write),
// every other request it makes (look-ups) is counted as it goes.
func (g *Gateway) createClient(ctx context.Context, agent string) *api.Client {
	postPaid := false
	c := g.clientConfig()
	c.Journal = journal{ctx: ctx, s: g.store, agent: agent}
	c.OnEvent = func(ev api.Event) {
		if ev.Method == http.MethodPost && !postPaid {
			postPaid = true
			return
		}
		g.budget.spent(g.now())
	}
	return api.New(c)
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
	raw, err := io.ReadAll(io.LimitReader(r.Body, maxAgentBody+1))
	if err != nil || len(raw) > maxAgentBody {
		return answer{status: http.StatusBadRequest, body: errorBody("The request body could not be read, or is over 64 kB")}
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
