package sim

import (
	"fmt"
	"hash/fnv"
	"math"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/petitmonde/chargedesk/model"
)

// Search durations reported per CPO in cpo_results, in ms.
const (
	cpoDurationMinMS = 60
	cpoDurationMaxMS = 900
)

// query reads GET /search parameters, collecting every broken rule.
type queryReader struct {
	q    url.Values
	errs []string
}

func (p *queryReader) has(name string) bool { return p.q.Has(name) }

// float reads a number; label is how the rule names the field.
func (p *queryReader) float(name, label string) (float64, bool) {
	if !p.q.Has(name) {
		return 0, false
	}
	raw := strings.TrimSpace(p.q.Get(name))
	v, err := strconv.ParseFloat(raw, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		p.errs = append(p.errs, fmt.Sprintf("Invalid %s (%s): %q is not a number", label, name, p.q.Get(name)))
		return 0, false
	}
	return v, true
}

func (p *queryReader) int(name string) (int, bool) {
	if !p.q.Has(name) {
		return 0, false
	}
	v, err := strconv.Atoi(strings.TrimSpace(p.q.Get(name)))
	if err != nil {
		p.errs = append(p.errs, fmt.Sprintf("Invalid %s: %q is not an integer", name, p.q.Get(name)))
		return 0, false
	}
	return v, true
}

func (p *queryReader) time(name string) (time.Time, bool) {
	if !p.q.Has(name) {
		return time.Time{}, false
	}
	raw := strings.TrimSpace(p.q.Get(name))
	v, err := time.Parse(time.RFC3339, raw)
	if err != nil && strings.Contains(raw, " ") {
		// An unencoded "+01:00" offset arrives as " 01:00".
		v, err = time.Parse(time.RFC3339, strings.ReplaceAll(raw, " ", "+"))
	}
	if err != nil {
		p.errs = append(p.errs, fmt.Sprintf("Invalid %s: %q is not an ISO 8601 date-time such as 2026-02-10T14:00:00Z", name, p.q.Get(name)))
		return time.Time{}, false
	}
	return v.UTC(), true
}

func (p *queryReader) required(name, what string) {
	if !p.q.Has(name) {
		p.errs = append(p.errs, fmt.Sprintf("Missing %s: the query parameter %s is required", what, name))
	}
}

// search answers GET /search.
func (s *Server) search(w http.ResponseWriter, r *http.Request, now time.Time) {
	p := &queryReader{q: r.URL.Query()}
	var q model.SearchQuery
	p.required("lat", "latitude")
	p.required("lng", "longitude")
	q.Lat, _ = p.float("lat", "latitude")
	q.Lng, _ = p.float("lng", "longitude")
	radius, radiusGiven := p.float("radius", "radius")
	q.RadiusKM = radius
	q.PowerMinKW, _ = p.float("power_min", "power_min")
	limit, limitGiven := p.int("limit")
	q.Limit = limit
	q.ConnectorType = model.ConnectorType(p.q.Get("connector_type"))
	q.Start, _ = p.time("start_time")
	q.End, _ = p.time("end_time")
	if len(p.errs) > 0 {
		writeError(w, http.StatusBadRequest, strings.Join(p.errs, "; "))
		return
	}
	// The model treats 0 as "server default"; given explicitly, 0 is out of range.
	var es model.FieldErrors
	if radiusGiven && radius == 0 {
		es = append(es, model.FieldError{Field: "radius", Msg: model.ValidateRadius(0)})
	}
	if limitGiven && limit == 0 {
		es = append(es, model.FieldError{Field: "limit", Msg: fmt.Sprintf("Invalid limit: must be between 1 and %d", model.MaxSearchLimit)})
	}
	if p.q.Has("connector_type") && q.ConnectorType == "" {
		es = append(es, model.FieldError{Field: "connector_type", Msg: `Invalid connector_type: "" is not an OCPI connector type`})
	}
	es = append(es, q.Validate(now)...)
	if len(es) > 0 {
		writeError(w, http.StatusBadRequest, messages(es))
		return
	}
	if !radiusGiven {
		q.RadiusKM = model.DefaultRadiusKM
	}
	if !limitGiven {
		q.Limit = model.DefaultSearchSize
	}
	window := !q.Start.IsZero()

	type hit struct {
		d   float64
		loc *model.Location
	}
	var hits []hit
	perCPO := map[string]int{}
	data := s.dataset()
	data.grid.within(q.Lat, q.Lng, q.RadiusKM, func(i int, d float64) {
		l := &data.locs[i]
		if window && !l.SupportsReservation {
			return
		}
		ok := false
		for _, e := range l.EVSEs {
			if !evseMatches(e, q.ConnectorType, q.PowerMinKW) {
				continue
			}
			if window && (e.Status != model.EVSEAvailable || s.overlapping(e.EVSEUID, q.Start, q.End, now) != nil) {
				continue
			}
			ok = true
			break
		}
		if !ok {
			return
		}
		hits = append(hits, hit{d, l})
		perCPO[l.CPOPartyID]++
	})
	sort.SliceStable(hits, func(i, j int) bool {
		if hits[i].d != hits[j].d {
			return hits[i].d < hits[j].d
		}
		return hits[i].loc.LocationID < hits[j].loc.LocationID
	})
	resp := model.SearchResponse{Total: len(hits), Results: []model.Location{}}
	for i, h := range hits {
		if i == q.Limit {
			break
		}
		l := *h.loc
		l.DistanceKM = round2(h.d)
		resp.Results = append(resp.Results, l)
	}
	for _, c := range cpoProfiles {
		resp.CPOResults = append(resp.CPOResults, model.CPOResult{
			CPOName: c.Name, CPOPartyID: c.PartyID, Count: perCPO[c.PartyID],
			DurationMS: s.cpoDuration(c.PartyID, r.URL.RawQuery),
		})
	}
	writeJSON(w, http.StatusOK, resp)
}

// evseMatches applies connector_type and power_min at connector level: some
// connector of the EVSE has the type (when asked) and at least the power.
func evseMatches(e model.EVSE, ct model.ConnectorType, powerMin float64) bool {
	if ct == "" && powerMin == 0 {
		return true
	}
	for _, c := range e.Connectors {
		if (ct == "" || c.ConnectorType == ct) && c.PowerKW >= powerMin {
			return true
		}
	}
	return false
}

// cpoDuration is a plausible, deterministic answer time of one CPO for one
// query: the same seed and query give the same value.
func (s *Server) cpoDuration(party, rawQuery string) int {
	h := fnv.New64a()
	fmt.Fprintf(h, "%d|%s|%s", s.opts.Seed, party, rawQuery)
	return cpoDurationMinMS + int(h.Sum64()%uint64(cpoDurationMaxMS-cpoDurationMinMS+1))
}

// overlapping returns an active booking of the EVSE whose window overlaps
// [start, end), or nil.
func (s *Server) overlapping(evseUID string, start, end, now time.Time) *record {
	for _, r := range s.bookings.onEVSE(evseUID) {
		if !(r.start.Before(end) && start.Before(*r.base.ReservationEnd)) {
			continue
		}
		if st, _ := r.statusAt(now); active(st) {
			return r
		}
	}
	return nil
}
