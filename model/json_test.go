package model_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/petitmonde/chargedesk/model"
)

func TestDecodeBookingLenient(t *testing.T) {
	const body = `{
		"id": "bk_123",
		"status": "ON_HOLD",
		"status_updated_at": "2026-02-10T13:05:04Z",
		"cpo_reservation_id": null,
		"client_price": null,
		"client_price_currency": "EUR",
		"external_id": "driver-123-session-456",
		"location_city": "München",
		"created_at": "2026-02-10T13:05:00Z",
		"location_id": "DE-ENB-E123456",
		"evse_uid": "DE*ENB*E123456*1",
		"connector_id": "1",
		"reservation_start": "2026-02-10T14:00:00Z",
		"reservation_end": "2026-02-10T16:00:00Z",
		"token_strategy": "driver_token",
		"customer_id": "cust_abc123",
		"ad_hoc_token": null,
		"cancellation_reason": null,
		"a_new_field": {"nested": [1, 2, 3]},
		"another": 42
	}`
	var b model.Booking
	if err := json.Unmarshal([]byte(body), &b); err != nil {
		t.Fatalf("decode: %v", err)
	}
	if b.Status != "ON_HOLD" {
		t.Errorf("Status = %q, want ON_HOLD kept as sent", b.Status)
	}
	if b.Status.Info().Known || b.Status.Terminal() {
		t.Errorf("ON_HOLD: Info = %+v, want unknown and not terminal", b.Status.Info())
	}
	if b.CPOReservationID != "" {
		t.Errorf("CPOReservationID = %q, want empty for null", b.CPOReservationID)
	}
	if b.ClientPrice != nil {
		t.Errorf("ClientPrice = %v, want nil for null", *b.ClientPrice)
	}
	if b.AdHocToken != nil || b.CancellationReason != "" {
		t.Errorf("null ad_hoc_token / cancellation_reason decoded as %+v / %q", b.AdHocToken, b.CancellationReason)
	}
	if b.ID != "bk_123" || b.ExternalID != "driver-123-session-456" || b.LocationCity != "München" ||
		b.TokenStrategy != model.DriverToken || b.CustomerID != "cust_abc123" || b.ConnectorID != "1" {
		t.Errorf("fields lost: %+v", b)
	}
	start, end := b.Window()
	if want := time.Date(2026, 2, 10, 14, 0, 0, 0, time.UTC); !start.Equal(want) {
		t.Errorf("start = %v, want %v", start, want)
	}
	if want := time.Date(2026, 2, 10, 16, 0, 0, 0, time.UTC); !end.Equal(want) {
		t.Errorf("end = %v, want %v", end, want)
	}
	if b.StatusUpdatedAt == nil || !b.StatusUpdatedAt.Equal(time.Date(2026, 2, 10, 13, 5, 4, 0, time.UTC)) {
		t.Errorf("StatusUpdatedAt = %v", b.StatusUpdatedAt)
	}
	if b.UpdatedAt != nil {
		t.Errorf("UpdatedAt = %v, want nil when absent", b.UpdatedAt)
	}
}

func TestDecodeBookingConfirmed(t *testing.T) {
	const body = `{"id":"bk_1","status":"COMPLETED","cpo_reservation_id":"RES-9","client_price":12.34,
		"client_price_currency":"EUR","ad_hoc_token":{"token_uid":"ADHOC1","valid_from":"2026-02-10T13:45:00Z",
		"valid_until":"2026-02-10T16:15:00Z"},"reservation_start":"2026-02-10T15:00:00+01:00"}`
	var b model.Booking
	if err := json.Unmarshal([]byte(body), &b); err != nil {
		t.Fatalf("decode: %v", err)
	}
	if b.Status != model.Completed || b.CPOReservationID != "RES-9" {
		t.Errorf("status/cpo id = %q/%q", b.Status, b.CPOReservationID)
	}
	if b.ClientPrice == nil || *b.ClientPrice != 12.34 {
		t.Errorf("ClientPrice = %v, want 12.34", b.ClientPrice)
	}
	if b.AdHocToken == nil || b.AdHocToken.TokenUID != "ADHOC1" || b.AdHocToken.ValidUntil == nil ||
		!b.AdHocToken.ValidUntil.Equal(time.Date(2026, 2, 10, 16, 15, 0, 0, time.UTC)) {
		t.Errorf("AdHocToken = %+v", b.AdHocToken)
	}
	// An offset instead of Z is the same instant.
	if s, _ := b.Window(); !s.Equal(time.Date(2026, 2, 10, 14, 0, 0, 0, time.UTC)) {
		t.Errorf("start with +01:00 = %v, want 14:00Z", s)
	}
}

func TestDecodeBookingListLenient(t *testing.T) {
	var l model.BookingList
	if err := json.Unmarshal([]byte(`{"bookings":[{"id":"a","status":"REQUESTED"},{"id":"b","status":"WHATEVER"}],"next":"x"}`), &l); err != nil {
		t.Fatalf("decode: %v", err)
	}
	if len(l.Bookings) != 2 || l.Bookings[1].Status != "WHATEVER" || l.Total != 0 {
		t.Errorf("got %+v", l)
	}
}

func TestDecodeSearchResponseMinimal(t *testing.T) {
	// Only the [doc] fields; every [ours] one is absent or null.
	const body = `{
		"total": 2,
		"results": [
			{"location_id": "DE-ENB-E123456", "name": "Marienplatz", "distance_km": 0.4, "cpo_name": "EnBW",
			 "supports_reservation": true,
			 "evses": [{"evse_uid": "DE*ENB*E123456*1", "status": "AVAILABLE"}],
			 "pricing": {"estimated_price": null}},
			{"location_id": "DE-XYZ-1", "name": "Search only", "distance_km": 3.2, "cpo_name": "XYZ",
			 "supports_reservation": false, "coordinates": null, "pricing": null,
			 "evses": [{"evse_uid": "DE*XYZ*1*1", "status": "PLANNED_MAINTENANCE", "connectors": null, "extra": true}]}
		]
	}`
	var r model.SearchResponse
	if err := json.Unmarshal([]byte(body), &r); err != nil {
		t.Fatalf("decode: %v", err)
	}
	if r.Total != 2 || len(r.Results) != 2 || r.CPOResults != nil {
		t.Fatalf("got total %d, %d results, cpo_results %v", r.Total, len(r.Results), r.CPOResults)
	}
	a, b := r.Results[0], r.Results[1]
	if a.Coordinates != nil || a.Address != "" || a.City != "" || a.CPOPartyID != "" {
		t.Errorf("absent optional fields set: %+v", a)
	}
	if _, ok := a.EstimatedPrice(); ok {
		t.Error("estimated_price null reads as present")
	}
	if a.BookableCount() != 1 || a.MaxPowerKW() != 0 || a.ConnectorTypes() != nil {
		t.Errorf("first result: bookable %d, max %v, types %v", a.BookableCount(), a.MaxPowerKW(), a.ConnectorTypes())
	}
	if b.Pricing != nil || b.Coordinates != nil {
		t.Errorf("null pricing/coordinates decoded as %+v / %+v", b.Pricing, b.Coordinates)
	}
	if b.EVSEs[0].Status != "PLANNED_MAINTENANCE" {
		t.Errorf("unknown EVSE status lost: %q", b.EVSEs[0].Status)
	}
	if b.BookableCount() != 0 {
		t.Errorf("search-only result bookable: %d", b.BookableCount())
	}
}

func TestDecodeSearchResponseFull(t *testing.T) {
	const body = `{"total":1,"results":[{"location_id":"DE-ENB-E123456","name":"Marienplatz","distance_km":0.4,
		"cpo_name":"EnBW","cpo_party_id":"ENB","supports_reservation":true,"address":"Marienplatz 1",
		"city":"München","postal_code":"80331","country":"DEU",
		"coordinates":{"latitude":48.1374,"longitude":11.5755},
		"evses":[{"evse_uid":"DE*ENB*E123456*1","status":"AVAILABLE","connectors":[
			{"connector_id":"1","connector_type":"IEC_62196_T2_COMBO","power_kw":150,"power_type":"DC"}]}],
		"pricing":{"estimated_price":18.9,"currency":"EUR"}}],
		"cpo_results":[{"cpo_name":"EnBW","cpo_party_id":"ENB","count":1,"duration_ms":120,"error":null},
			{"cpo_name":"Down","count":0,"duration_ms":5000,"error":"timeout"}]}`
	var r model.SearchResponse
	if err := json.Unmarshal([]byte(body), &r); err != nil {
		t.Fatalf("decode: %v", err)
	}
	l := r.Results[0]
	if l.Coordinates == nil || l.Coordinates.Latitude != 48.1374 || l.City != "München" || l.PostalCode != "80331" {
		t.Errorf("optional fields lost: %+v", l)
	}
	if p, ok := l.EstimatedPrice(); !ok || p != 18.9 {
		t.Errorf("EstimatedPrice = %v, %v", p, ok)
	}
	c := l.EVSEs[0].Connectors[0]
	if c.ConnectorType != model.CCS2 || c.PowerKW != 150 || !c.PowerType.IsDC() {
		t.Errorf("connector = %+v", c)
	}
	if len(r.CPOResults) != 2 || r.CPOResults[0].Error != nil || r.CPOResults[1].Error == nil || *r.CPOResults[1].Error != "timeout" {
		t.Errorf("cpo_results = %+v", r.CPOResults)
	}
}

func TestDecodeUsage(t *testing.T) {
	var u model.Usage
	if err := json.Unmarshal([]byte(`{"rate_limit":{"limit":100,"remaining":97,"period":"minute","reset_at":"2026-02-10T13:01:00Z"}}`), &u); err != nil {
		t.Fatal(err)
	}
	if u.RateLimit.Limit != 100 || u.RateLimit.Remaining != 97 || u.Quota != nil || u.RateLimit.ResetAt == nil {
		t.Errorf("usage without quota = %+v", u)
	}
	if err := json.Unmarshal([]byte(`{"rate_limit":{"limit":100,"remaining":97},"quota":{"limit":10000,"used":12,"remaining":9988,"period":"month"}}`), &u); err != nil {
		t.Fatal(err)
	}
	if u.Quota == nil || u.Quota.Used != 12 || u.Quota.Remaining != 9988 {
		t.Errorf("quota = %+v", u.Quota)
	}
}

func encodeKeys(t *testing.T, v any) (map[string]any, string) {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("encode: %v", err)
	}
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatalf("re-decode: %v", err)
	}
	return m, string(data)
}

func TestEncodeBookingRequest(t *testing.T) {
	start := time.Date(2026, 2, 10, 14, 0, 0, 0, time.UTC)
	minimal := model.BookingRequest{
		LocationID:       "DE-ENB-E123456",
		EVSEUID:          "DE*ENB*E123456*1",
		ReservationStart: start,
		ReservationEnd:   start.Add(2 * time.Hour),
		TokenStrategy:    model.AdHoc,
	}
	m, raw := encodeKeys(t, minimal)
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	want := []string{"evse_uid", "location_id", "reservation_end", "reservation_start", "token_strategy"}
	if !slices.Equal(keys, want) {
		t.Errorf("keys = %v, want %v (empty optional fields omitted)\n%s", keys, want, raw)
	}
	if m["reservation_start"] != "2026-02-10T14:00:00Z" || m["reservation_end"] != "2026-02-10T16:00:00Z" {
		t.Errorf("times = %v / %v, want RFC 3339 with Z", m["reservation_start"], m["reservation_end"])
	}
	if m["token_strategy"] != "ad_hoc" {
		t.Errorf("token_strategy = %v", m["token_strategy"])
	}

	// The seed's driver_token example, field for field.
	seed := model.BookingRequest{
		LocationID:       "DE-ENB-E123456",
		EVSEUID:          "DE*ENB*E123456*1",
		ConnectorID:      "1",
		ReservationStart: start,
		ReservationEnd:   start.Add(2 * time.Hour),
		ExternalID:       "driver-123-session-456",
		TokenStrategy:    model.DriverToken,
		CustomerID:       "cust_abc123",
	}
	m, raw = encodeKeys(t, seed)
	for k, v := range map[string]string{
		"location_id": "DE-ENB-E123456", "evse_uid": "DE*ENB*E123456*1", "connector_id": "1",
		"reservation_start": "2026-02-10T14:00:00Z", "reservation_end": "2026-02-10T16:00:00Z",
		"external_id": "driver-123-session-456", "token_strategy": "driver_token", "customer_id": "cust_abc123",
	} {
		if m[k] != v {
			t.Errorf("%s = %v, want %q", k, m[k], v)
		}
	}
	if len(m) != 8 {
		t.Errorf("seed request has %d keys, want 8: %s", len(m), raw)
	}
	for _, k := range []string{"token_id", "fleet_group_id", "token_uid"} {
		if strings.Contains(raw, `"`+k+`"`) {
			t.Errorf("%s written although empty: %s", k, raw)
		}
	}

	// connector_id is a string in the contract, never a number.
	if !strings.Contains(raw, `"connector_id":"1"`) {
		t.Errorf("connector_id not a JSON string: %s", raw)
	}

	// Empty strategy is left out (the server then defaults to ad_hoc).
	noStrategy := minimal
	noStrategy.TokenStrategy = ""
	if m, raw := encodeKeys(t, noStrategy); m["token_strategy"] != nil {
		t.Errorf("empty token_strategy written: %s", raw)
	}
}

func TestEncodeCancelRequest(t *testing.T) {
	if _, raw := encodeKeys(t, model.CancelRequest{}); raw != `{}` {
		t.Errorf("empty cancel = %s, want {}", raw)
	}
	if _, raw := encodeKeys(t, model.CancelRequest{Reason: "driver changed plans"}); raw != `{"reason":"driver changed plans"}` {
		t.Errorf("cancel = %s", raw)
	}
}

func TestDecodeErrorBody(t *testing.T) {
	var e model.ErrorBody
	if err := json.Unmarshal([]byte(`{"error":"Rate limit exceeded. Retry after 45 seconds.","code":429}`), &e); err != nil {
		t.Fatal(err)
	}
	if e.Error != "Rate limit exceeded. Retry after 45 seconds." {
		t.Errorf("Error = %q", e.Error)
	}
}
