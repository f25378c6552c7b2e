package ui

import (
	"testing"
	"time"

	"github.com/petitmonde/chargedesk/api"
	"github.com/petitmonde/chargedesk/model"
)

func TestAttemptNeverSendsACreateBlindlyTwice(t *testing.T) {
	now := t0
	r := model.BookingRequest{ExternalID: "cd-a"}
	var a attempt
	if st := a.submit(r, now); st.resume || !a.sending {
		t.Fatalf("first submit: %+v sending %v", st, a.sending)
	}
	if _, ok := a.due(now.Add(time.Hour)); ok {
		t.Fatal("a retry fell due while the answer is awaited")
	}
	lost := &api.Error{Kind: api.KindNetwork, Message: "connection reset"}
	if v := a.answered(nil, lost, now); v != waiting || !a.resume || !a.retry.pending() {
		t.Fatalf("a lost answer: verdict %v resume %v", v, a.resume)
	}
	if _, ok := a.due(now); ok {
		t.Fatal("the retry did not wait")
	}
	st, ok := a.due(a.retry.at)
	if !ok || !st.resume || st.since != now || st.req.ExternalID != "cd-a" {
		t.Fatalf("the retry after a lost answer must look the booking up first: %+v %v", st, ok)
	}
	if v := a.answered(&api.CreateResult{Booking: &model.Booking{ID: "b1"}, Adopted: true}, nil, now); v != booked || a.active {
		t.Fatalf("found: verdict %v active %v", v, a.active)
	}
	// The same external id submitted again (a second enter) is looked up first.
	if st := a.submit(r, now.Add(time.Minute)); !st.resume || st.since != now {
		t.Fatalf("re-submitting an external id that went out: %+v", st)
	}
}

func TestAttemptOutcomes(t *testing.T) {
	now := t0
	var a attempt
	a.submit(model.BookingRequest{ExternalID: "cd-b"}, now)
	limited := &api.Error{Kind: api.KindRateLimited, RetryAfter: 7 * time.Second}
	if v := a.answered(nil, limited, now); v != waiting || a.resume || !a.retry.at.Equal(now.Add(7*time.Second)) {
		t.Fatalf("429: verdict %v resume %v at %v", v, a.resume, a.retry.at)
	}
	if st, ok := a.due(now.Add(7 * time.Second)); !ok || st.resume {
		t.Fatalf("a 429 was not processed, so it is sent again as it was: %+v %v", st, ok)
	}
	if v := a.answered(nil, &api.Error{Kind: api.KindUnknownOutcome}, now); v != unknown || a.retry.pending() {
		t.Fatalf("unknown outcome: %v, retry pending %v", v, a.retry.pending())
	}
	if st, ok := a.recheck(); !ok || !st.resume {
		t.Fatalf("recheck after an unknown outcome: %+v %v", st, ok)
	}
	if v := a.answered(nil, &api.Error{Kind: api.KindConflict, Status: 409}, now); v != refused || a.active {
		t.Fatalf("409: %v active %v", v, a.active)
	}
	if _, ok := a.recheck(); ok {
		t.Fatal("a refused request can be rechecked")
	}
	if _, ok := a.due(now.Add(time.Hour)); ok {
		t.Fatal("a refused request is retried")
	}
}
