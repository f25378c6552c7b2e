package sim

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/petitmonde/chargedesk/model"
)

// Ad-hoc tokens are valid from this long before the window until this long after it.
const AdHocTokenMargin = 15 * time.Minute

// maxBody bounds request bodies.
const maxBody = 1 << 20

// bookingWire is POST /bookings as sent: times as strings, so a bad one is
// reported naming its field.
type bookingWire struct {
	LocationID       string              `json:"location_id"`
	EVSEUID          string              `json:"evse_uid"`
	ConnectorID      string              `json:"connector_id"`
	ReservationStart string              `json:"reservation_start"`
	ReservationEnd   string              `json:"reservation_end"`
	ExternalID       string              `json:"external_id"`
	TokenStrategy    model.TokenStrategy `json:"token_strategy"`
	CustomerID       string              `json:"customer_id"`
	TokenID          string              `json:"token_id"`
	FleetGroupID     string              `json:"fleet_group_id"`
	TokenUID         string              `json:"token_uid"`
}

// decodeBody reads one JSON object: unknown fields are ignored, anything else
// (not JSON, wrong types, trailing data) is an error. An empty body is
// allowed only when optional.
func decodeBody(r *http.Request, v any, optional bool) (string, bool) {
	data, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil {
		return "Invalid JSON body: " + err.Error(), false
	}
	if len(data) > maxBody {
		return "Invalid JSON body: larger than 1 MiB", false
	}
	if len(bytes.TrimSpace(data)) == 0 {
		if optional {
			return "", true
		}
		return "Invalid JSON body: the request body is empty; send a JSON object", false
	}
	if bytes.TrimSpace(data)[0] != '{' {
		return "Invalid JSON body: expected a JSON object", false
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(v); err != nil {
		return "Invalid JSON body: " + jsonProblem(err), false
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return "Invalid JSON body: unexpected data after the JSON object", false
	}
	return "", true
}

// jsonProblem words a decoding error, naming the field when it is a type error.
func jsonProblem(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) && te.Field != "" {
		return fmt.Sprintf("%s must be a %s, not a JSON %s", te.Field, kindName(te.Type.Kind().String()), te.Value)
	}
	return err.Error()
}

func kindName(k string) string {
	if k == "float64" || k == "int" {
		return "number"
	}
	return k
}

// parseWireTime reads a date-time field; errors name the field.
func parseWireTime(field, v string) (time.Time, string) {
	if v == "" {
		return time.Time{}, ""
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return time.Time{}, fmt.Sprintf("Invalid %s: %q is not an ISO 8601 date-time such as 2026-02-10T14:00:00Z", field, v)
	}
	return t.UTC(), ""
}

// createBooking answers POST /bookings.
func (s *Server) createBooking(w http.ResponseWriter, r *http.Request, key string, now time.Time) {
	var in bookingWire
	if msg, ok := decodeBody(r, &in, false); !ok {
		writeError(w, http.StatusBadRequest, msg)
		return
	}
	req := model.BookingRequest{
		LocationID: in.LocationID, EVSEUID: in.EVSEUID, ConnectorID: in.ConnectorID,
		ExternalID: in.ExternalID, TokenStrategy: in.TokenStrategy, CustomerID: in.CustomerID,
		TokenID: in.TokenID, FleetGroupID: in.FleetGroupID, TokenUID: in.TokenUID,
	}
	var bad []string
	var msg string
	if req.ReservationStart, msg = parseWireTime("reservation_start", in.ReservationStart); msg != "" {
		bad = append(bad, msg)
	}
	if req.ReservationEnd, msg = parseWireTime("reservation_end", in.ReservationEnd); msg != "" {
		bad = append(bad, msg)
	}
	if len(bad) > 0 {
		writeError(w, http.StatusBadRequest, strings.Join(bad, "; "))
		return
	}
	if es := req.Validate(now); len(es) > 0 {
		writeError(w, http.StatusBadRequest, messages(es))
		return
	}
	if req.TokenStrategy == "" {
		req.TokenStrategy = model.AdHoc
	}

	data := s.dataset()
	li, ok := data.byID[req.LocationID]
	if !ok {
		writeError(w, http.StatusNotFound, fmt.Sprintf("Location %s not found", req.LocationID))
		return
	}
	loc := &data.locs[li]
	var evse *model.EVSE
	for i := range loc.EVSEs {
		if loc.EVSEs[i].EVSEUID == req.EVSEUID {
			evse = &loc.EVSEs[i]
		}
	}
	if evse == nil {
		writeError(w, http.StatusNotFound, fmt.Sprintf("EVSE %s not found at location %s", req.EVSEUID, req.LocationID))
		return
	}
	if req.ConnectorID != "" {
		found := false
		for _, c := range evse.Connectors {
			found = found || c.ConnectorID == req.ConnectorID
		}
		if !found {
			writeError(w, http.StatusNotFound, fmt.Sprintf("Connector %s not found on EVSE %s", req.ConnectorID, req.EVSEUID))
			return
		}
	}
	if !loc.SupportsReservation {
		writeError(w, http.StatusBadRequest, fmt.Sprintf("Location %s does not support reservations", req.LocationID))
		return
	}
	if evse.Status != model.EVSEAvailable {
		writeError(w, http.StatusConflict, fmt.Sprintf("EVSE %s is not available: its status is %s", req.EVSEUID, evse.Status))
		return
	}
	if s.overlapping(req.EVSEUID, req.ReservationStart, req.ReservationEnd, now) != nil {
		writeError(w, http.StatusConflict, fmt.Sprintf("EVSE %s is not available from %s to %s: another reservation overlaps",
			req.EVSEUID, req.ReservationStart.Format(time.RFC3339), req.ReservationEnd.Format(time.RFC3339)))
		return
	}
	if req.TokenStrategy == model.GroupToken && req.FleetGroupID == OverLimitFleetGroup {
		writeError(w, http.StatusBadRequest, "Fleet group spending limit exceeded")
		return
	}

	d := drawFor(s.rng)
	start, end := req.ReservationStart, req.ReservationEnd
	b := model.Booking{
		ID:                  newBookingID(s.opts.IDs),
		Status:              model.Requested,
		ClientPriceCurrency: PriceCurrency,
		ExternalID:          req.ExternalID,
		LocationCity:        loc.City,
		CreatedAt:           timePtr(now),
		LocationID:          loc.LocationID,
		EVSEUID:             evse.EVSEUID,
		ConnectorID:         req.ConnectorID,
		ReservationStart:    timePtr(start),
		ReservationEnd:      timePtr(end),
		TokenStrategy:       req.TokenStrategy,
		LocationName:        loc.Name,
		CPOName:             loc.CPOName,
	}
	switch req.TokenStrategy {
	case model.DriverToken:
		b.CustomerID, b.TokenID = req.CustomerID, req.TokenID
	case model.GroupToken:
		b.FleetGroupID = req.FleetGroupID
	case model.Pipelet:
		b.TokenUID = strings.ToUpper(req.TokenUID)
	case model.AdHoc:
		b.AdHocToken = &model.AdHocToken{
			TokenUID:   fmt.Sprintf("%014X", d.adHoc),
			ValidFrom:  timePtr(start.Add(-AdHocTokenMargin)),
			ValidUntil: timePtr(end.Add(AdHocTokenMargin)),
		}
	}
	estimate := 0.0
	if p, ok := loc.EstimatedPrice(); ok {
		estimate = p
	}
	s.nextSeq++
	rec := &record{
		seq: s.nextSeq, fate: d.fate(), owner: key, base: b, created: now, start: start,
		events: schedule(now, start, end, s.opts.Speed, s.opts.ConfirmTimeout, triggerOf(req.CustomerID),
			loc.CPOPartyID, estimate, d),
	}
	s.bookings.add(rec)
	writeJSON(w, http.StatusAccepted, rec.at(now))
}

// find returns the key's booking, or writes 404.
func (s *Server) find(w http.ResponseWriter, id, key string) *record {
	r := s.bookings.byID[id]
	if r == nil || r.owner != key {
		writeError(w, http.StatusNotFound, fmt.Sprintf("Booking %s not found", id))
		return nil
	}
	return r
}

// getBooking answers GET /bookings/{id}.
func (s *Server) getBooking(w http.ResponseWriter, id, key string, now time.Time) {
	if r := s.find(w, id, key); r != nil {
		writeJSON(w, http.StatusOK, r.at(now))
	}
}

// cancelBooking answers POST /bookings/{id}/cancel.
func (s *Server) cancelBooking(w http.ResponseWriter, req *http.Request, id, key string, now time.Time) {
	r := s.find(w, id, key)
	if r == nil {
		return
	}
	var in model.CancelRequest
	if msg, ok := decodeBody(req, &in, true); !ok {
		writeError(w, http.StatusBadRequest, msg)
		return
	}
	cur := r.at(now)
	if !cur.Status.Cancellable() {
		writeError(w, http.StatusBadRequest, fmt.Sprintf("Booking cannot be cancelled in status %s", cur.Status))
		return
	}
	reason := strings.TrimSpace(in.Reason)
	if reason == "" {
		reason = "Cancelled by client"
	}
	e := event{reason: reason}
	if cur.Status == model.Confirmed {
		fee := 0.0
		if !s.lifecycleTime(r, now).Before(r.start.Add(-LateCancelWindow)) {
			fee = LateCancelFee
		}
		e.price = price(fee)
	}
	r.cancel(now, e)
	s.bookings.settle(r) // its schedule changed
	writeJSON(w, http.StatusOK, r.at(now))
}

// lifecycleTime is L(now) = created + (now − created) × Speed.
func (s *Server) lifecycleTime(r *record, now time.Time) time.Time {
	return r.created.Add(time.Duration(float64(now.Sub(r.created)) * s.opts.Speed))
}

// listBookings answers GET /bookings.
func (s *Server) listBookings(w http.ResponseWriter, req *http.Request, key string, now time.Time) {
	p := &queryReader{q: req.URL.Query()}
	status := model.Status(p.q.Get("status"))
	if p.has("status") && !status.Info().Known {
		names := make([]string, len(model.Statuses))
		for i, st := range model.Statuses {
			names[i] = string(st)
		}
		p.errs = append(p.errs, fmt.Sprintf("Invalid status: %q is not one of %s", string(status), strings.Join(names, ", ")))
	}
	f := listFilter{status: status}
	f.from, f.hasFrom = p.time("from_date")
	f.to, f.hasTo = p.time("to_date")
	var limitGiven bool
	f.limit, limitGiven = p.int("limit")
	f.offset, _ = p.int("offset")
	if !limitGiven {
		f.limit = 50
	} else if f.limit < 1 || f.limit > model.MaxListLimit {
		p.errs = append(p.errs, fmt.Sprintf("Invalid limit: must be between 1 and %d", model.MaxListLimit))
	}
	if f.offset < 0 {
		p.errs = append(p.errs, "Invalid offset: must be 0 or more")
	}
	if f.hasFrom && f.hasTo && f.to.Before(f.from) {
		p.errs = append(p.errs, "Invalid to_date: must not be before from_date")
	}
	if len(p.errs) > 0 {
		writeError(w, http.StatusBadRequest, strings.Join(p.errs, "; "))
		return
	}
	page, total := s.bookings.list(key, f)
	out := model.BookingList{Bookings: make([]model.Booking, 0, len(page)), Total: total, Limit: f.limit, Offset: f.offset}
	for _, r := range page {
		out.Bookings = append(out.Bookings, r.at(now))
	}
	writeJSON(w, http.StatusOK, out)
}
