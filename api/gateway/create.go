package gateway

import (
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

// create answers POST /bookings. The attempt is journalled in the store
// before it goes upstream, and sent by the API client's never-book-twice
// create: once, and on an unknown outcome looked up by its external id. An
// agent's retry with the same external id gets the answer the first got,
// never a second POST; an attempt a stopped gateway left unresolved is
// looked up before anything is sent.
func (g *Gateway) create(r *http.Request, agent string) answer {
	raw, err := io.ReadAll(io.LimitReader(r.Body, maxAgentBody+1))
	if err != nil || len(raw) > maxAgentBody {
		return answer{status: http.StatusBadRequest, body: errorBody("The request body could not be read, or is over 64 kB")}
	}
	var req model.BookingRequest
	if err := json.Unmarshal(raw, &req); err != nil {
		return answer{status: http.StatusBadRequest, body: errorBody("Invalid JSON body: " + err.Error())}
	}
	if req.ExternalID == "" {
		req.ExternalID = api.NewExternalID(g.now())
	}
	unlock := g.lockExternalID(req.ExternalID)
	defer unlock()

	prior, known, err := g.store.attempt(req.ExternalID)
	if err != nil {
		return answer{status: http.StatusInternalServerError, body: errorBody("The gateway's store cannot be read; nothing was sent")}
	}
	if known && prior.State != "sending" {
		if !sameRequest(prior.Request, req) {
			return answer{status: http.StatusConflict, body: errorBody(fmt.Sprintf(
				"external_id %s was already used through this gateway for another request: nothing was booked; choose another external id", req.ExternalID))}
		}
		g.auditNow(agent, "create", req, "", prior.Status, "answered from the journal: "+prior.State+", not sent again")
		return answer{status: prior.Status, body: prior.Body, at: g.now()}
	}
	reqJSON, _ := json.Marshal(req)
	id, err := g.store.audit(AuditEntry{At: g.now(), Agent: agent, Action: "create", ExternalID: req.ExternalID, Request: string(reqJSON), Outcome: "sending"})
	if err != nil {
		return answer{status: http.StatusInternalServerError, body: errorBody("The gateway cannot write its audit; nothing was sent")}
	}
	c := api.New(api.Config{BaseURL: g.cfg.UpstreamURL, APIKey: g.cfg.Key, Transport: g.cfg.Transport, Now: g.now,
		UserAgent: "chargedesk-gateway", Retries: 1, MaxRetryWait: 3 * time.Second,
		Journal: journal{g.store, agent}, OnEvent: func(api.Event) { g.budget.spent(g.now()) }})
	var res *api.CreateResult
	if known { // left sending by a gateway that stopped: look it up first
		res, err = c.ResumeCreate(r.Context(), req, prior.Since)
	} else {
		res, err = c.CreateBooking(r.Context(), req)
	}
	return g.created(agent, id, req, res, err)
}

// created records and answers a create's outcome.
func (g *Gateway) created(agent string, auditID int64, req model.BookingRequest, res *api.CreateResult, err error) answer {
	if err == nil {
		raw, _ := json.Marshal(res.Booking)
		_ = g.store.finish(req.ExternalID, "made", http.StatusAccepted, raw)
		_ = g.store.bookedBy(res.Booking.ID, agent)
		outcome := "made"
		if res.Adopted {
			outcome = "made (the answer was lost; found by its external id)"
		}
		_ = g.store.settle(auditID, res.Booking.ID, http.StatusAccepted, outcome+": "+string(res.Booking.Status))
		g.see(*res.Booking, raw, g.now())
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
		_ = g.store.finish(req.ExternalID, "", 0, nil)
		status := http.StatusBadRequest
		if e.Kind == api.KindConflict {
			status = http.StatusConflict
		}
		_ = g.store.settle(auditID, "", status, "refused: "+e.Message)
		return answer{status: status, body: errorBody(e.Message)}
	case e.Kind == api.KindUnknownOutcome || e.Status == 0:
		// Kept as sending: the next retry or start looks it up first.
		_ = g.store.settle(auditID, "", 0, "outcome unknown: "+e.Message)
		return answer{status: http.StatusGatewayTimeout, body: errorBody("The create's outcome is unknown (" + e.Message +
			"); nothing more was sent. Retry with the same external_id: the gateway looks it up before sending anything.")}
	case e.Status == http.StatusTooManyRequests || e.Status >= 500:
		_ = g.store.finish(req.ExternalID, "", 0, nil) // certainly not made: it may be sent again
		_ = g.store.settle(auditID, "", e.Status, "not made: "+e.Message)
		a := answer{status: e.Status, body: errorBody(e.Message)}
		if e.RetryAfter > 0 {
			a.retryAfter = strconv.Itoa(int((e.RetryAfter + time.Second - 1) / time.Second))
		}
		return a
	default: // the API refused it (400, 404, 409 …): a retry gets the same answer
		body := errorBody(e.Message)
		_ = g.store.finish(req.ExternalID, "refused", e.Status, body)
		_ = g.store.settle(auditID, "", e.Status, "refused: "+e.Message)
		return answer{status: e.Status, body: body}
	}
}

// lockExternalID serialises the creates of one external id in this
// process, so that an agent's retry waits for the first attempt's outcome.
func (g *Gateway) lockExternalID(ext string) func() {
	g.mu.Lock()
	m, ok := g.creating[ext]
	if !ok {
		m = &sync.Mutex{}
		g.creating[ext] = m
	}
	g.mu.Unlock()
	m.Lock()
	return m.Unlock
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
	auditID, err := g.store.audit(AuditEntry{At: g.now(), Agent: agent, Action: "cancel", BookingID: id, Request: string(raw), Outcome: "sending"})
	if err != nil {
		return answer{status: http.StatusInternalServerError, body: errorBody("The gateway cannot write its audit; nothing was sent")}
	}
	if len(raw) == 0 {
		raw = nil
	}
	a, err := g.up.do(r.Context(), Write, http.MethodPost, "/bookings/"+url.PathEscape(id)+"/cancel", "", raw)
	if err != nil {
		_ = g.store.settle(auditID, "", 0, "no answer: "+err.Error())
		return failed(err)
	}
	outcome := "refused"
	if a.status == http.StatusOK {
		var b model.Booking
		if json.Unmarshal(a.body, &b) == nil {
			g.see(b, a.body, a.at)
			outcome = "cancelled: " + string(b.Status)
		}
	} else {
		var eb model.ErrorBody
		_ = json.Unmarshal(a.body, &eb)
		outcome = "refused: " + model.SanitizeLine(eb.Error)
	}
	_ = g.store.settle(auditID, "", a.status, outcome)
	return a
}

// auditNow records an action that is complete at once.
func (g *Gateway) auditNow(agent, action string, req model.BookingRequest, bookingID string, status int, outcome string) {
	reqJSON, _ := json.Marshal(req)
	_, _ = g.store.audit(AuditEntry{At: g.now(), Agent: agent, Action: action, ExternalID: req.ExternalID, BookingID: bookingID,
		Request: string(reqJSON), Status: status, Outcome: outcome})
}
