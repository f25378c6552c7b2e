package api_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/petitmonde/chargedesk/api"
	"github.com/petitmonde/chargedesk/api/sim"
	"github.com/petitmonde/chargedesk/api/sim/simtest"
	"github.com/petitmonde/chargedesk/model"
)

// chaosStart is the chaos tests' clock start: a Tuesday morning, 09:00 UTC.
var chaosStart = time.Date(2026, 2, 10, 9, 0, 0, 0, time.UTC)

// chaosRig is the real client over loopback HTTP against a simulator with
// faults. Both run on one manual clock; the client's Sleep advances it, so
// no test waits for a backoff or a Retry-After.
type chaosRig struct {
	clock *sim.ManualClock
	srv   *sim.Server
	c     *api.Client
	slots []chaosSlot // bookable EVSEs of the data set
}

type chaosSlot struct{ loc, evse string }

func newChaosRig(t *testing.T, f sim.Faults, edit func(*api.Config)) *chaosRig {
	t.Helper()
	r := &chaosRig{clock: sim.NewManualClock(chaosStart)}
	s := simtest.Start(t, sim.Options{Seed: 3, Clock: r.clock, Faults: f}, simtest.Unlimited())
	r.srv = s.Sim
	cfg := api.Config{
		BaseURL: s.Base,
		APIKey:  sim.DefaultKey,
		Timeout: 5 * time.Second,
		Retries: 2,
		Now:     r.clock.Now,
		Sleep: func(ctx context.Context, d time.Duration) error {
			r.clock.Advance(d)
			return ctx.Err()
		},
	}
	if edit != nil {
		edit(&cfg)
	}
	r.c = api.New(cfg)
	for _, l := range r.srv.Locations() {
		for _, e := range l.EVSEs {
			if ok, _ := model.Bookable(l, e); ok {
				r.slots = append(r.slots, chaosSlot{l.LocationID, e.EVSEUID})
			}
		}
	}
	return r
}

// request is attempt i's booking: its own EVSE and window, a unique external
// id; some are refused by design (unknown location → 404, an over-limit
// fleet group → 400, the slot of the attempt before → 409 when that one got it).
func (r *chaosRig) request(i int) model.BookingRequest {
	slot := r.slots[i%len(r.slots)]
	start := chaosStart.Add(2*time.Hour + time.Duration(i/len(r.slots))*5*time.Hour)
	req := model.BookingRequest{
		LocationID: slot.loc, EVSEUID: slot.evse,
		ReservationStart: start, ReservationEnd: start.Add(90 * time.Minute),
		ExternalID:    fmt.Sprintf("chaos-%04d-%s", i, strings.ReplaceAll(slot.evse, "*", "")),
		TokenStrategy: model.DriverToken, CustomerID: fmt.Sprintf("cust_chaos_%d", i),
	}
	switch {
	case i%20 == 3:
		req.LocationID, req.EVSEUID = "DE-XXX-E000000", "DE*XXX*E000000*1"
	case i%20 == 7:
		req.TokenStrategy, req.CustomerID, req.FleetGroupID = model.GroupToken, "", sim.OverLimitFleetGroup
	case i%20 == 11 && i > 0:
		prev := r.slots[(i-1)%len(r.slots)]
		req.LocationID, req.EVSEUID = prev.loc, prev.evse
		req.ReservationStart = chaosStart.Add(2*time.Hour + time.Duration((i-1)/len(r.slots))*5*time.Hour)
		req.ReservationEnd = req.ReservationStart.Add(90 * time.Minute)
	}
	return req
}

// chaosOutcome is how one attempt ended.
type chaosOutcome struct {
	i        int
	req      model.BookingRequest
	since    time.Time
	res      *api.CreateResult
	err      error
	kind     api.Kind
	panicked any
}

func (r *chaosRig) attempt(ctx context.Context, i int) (o chaosOutcome) {
	o.i, o.req = i, r.request(i)
	defer func() {
		if p := recover(); p != nil {
			o.panicked = p
		}
	}()
	r.clock.Advance(time.Second) // the agent's time between two bookings
	o.since = r.clock.Now()
	o.res, o.err = r.c.CreateBooking(ctx, o.req)
	o.kind = api.KindOf(o.err)
	return o
}

// byExternalID counts the simulator's bookings per external_id.
func (r *chaosRig) byExternalID() map[string][]model.Booking {
	out := map[string][]model.Booking{}
	for _, b := range r.srv.Bookings() {
		out[b.ExternalID] = append(out[b.ExternalID], b)
	}
	return out
}

// TestChaosNeverBooksTwice sends booking attempts through the real client,
// 8 at a time, against a simulator that delays, fails, drops connections
// before and after processing, garbles and truncates answers and answers
// 429 (single and in bursts). Whatever happens: no external_id is booked
// twice, and every attempt's outcome agrees with the simulator's records.
func TestChaosNeverBooksTwice(t *testing.T) {
	attempts, seeds := 200, []int64{6, 7, 8}
	if testing.Short() {
		attempts, seeds = 50, seeds[:1]
	}
	for _, seed := range seeds {
		t.Run(fmt.Sprintf("seed=%d", seed), func(t *testing.T) { chaosRun(t, seed, attempts) })
	}
}

func chaosRun(t *testing.T, seed int64, attempts int) {
	const workers = 8
	faults := sim.Faults{
		Seed:             seed,
		Latency:          sim.Latency{Fixed: 100 * time.Microsecond, Jitter: 2 * time.Millisecond},
		RateLimited:      0.04,
		ServerError:      0.06,
		DropBefore:       0.06,
		DropAfter:        0.08,
		ServerErrorAfter: 0.05,
		Malformed:        0.05,
		Truncated:        0.05,
		RetryAfter:       2 * time.Second,
		Burst:            sim.Burst{Length: 3 * time.Second, Every: 50 * time.Second},
	}
	r := newChaosRig(t, faults, nil)
	if len(r.slots) < attempts/2 {
		t.Fatalf("only %d bookable EVSEs", len(r.slots))
	}
	began := time.Now()
	ctx := context.Background()

	outcomes := make([]chaosOutcome, attempts)
	next := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				outcomes[i] = r.attempt(ctx, i)
			}
		}()
	}
	for i := 0; i < attempts; i++ {
		next <- i
	}
	close(next)
	wg.Wait()
	elapsed := time.Since(began)

	books := r.byExternalID()
	byKind := map[string]int{}
	var adopted, secondCreates, unknownWith0, unknownWith1, unknownUnreadable, booked int
	var unknown []chaosOutcome
	for _, o := range outcomes {
		if o.panicked != nil {
			t.Errorf("attempt %d panicked: %v", o.i, o.panicked)
			continue
		}
		got := books[o.req.ExternalID]
		name := "success"
		if o.err != nil {
			name = o.kind.String()
		}
		byKind[name]++
		if o.res != nil && o.res.Attempts == 2 {
			secondCreates++
		}
		booked += len(got)
		switch {
		case o.err == nil:
			if o.res == nil || o.res.Booking == nil {
				t.Errorf("attempt %d: no error and no booking", o.i)
				continue
			}
			if o.res.Adopted {
				adopted++
			}
			if len(got) != 1 || got[0].ID != o.res.Booking.ID || o.res.Booking.ExternalID != o.req.ExternalID {
				t.Errorf("attempt %d: success with booking %q (%q), the simulator has %d for %s",
					o.i, o.res.Booking.ID, o.res.Booking.ExternalID, len(got), o.req.ExternalID)
			}
		case o.kind == api.KindBadRequest || o.kind == api.KindNotFound || o.kind == api.KindConflict || o.kind == api.KindRateLimited:
			if len(got) != 0 {
				t.Errorf("attempt %d: refused (%v), yet the simulator has %d booking(s) for %s", o.i, o.err, len(got), o.req.ExternalID)
			}
		case o.kind == api.KindUnknownOutcome:
			unknown = append(unknown, o)
			if _, check, ok := strings.Cut(o.err.Error(), "the check for it failed ("); ok && strings.Contains(check, "could not be read") {
				unknownUnreadable++
			}
			switch len(got) {
			case 0:
				unknownWith0++
			case 1:
				unknownWith1++
			default:
				t.Errorf("attempt %d: unknown outcome with %d bookings", o.i, len(got))
			}
		case o.kind == api.KindNetwork || o.kind == api.KindServer || o.kind == api.KindDecode:
			// Returned only after the look-up confirmed the booking absent.
			if len(got) != 0 {
				t.Errorf("attempt %d: %v after a confirmed absence, yet the simulator has %d booking(s)", o.i, o.err, len(got))
			}
		default:
			t.Errorf("attempt %d: unexpected outcome %v (%v)", o.i, o.kind, o.err)
		}
	}
	doubles := 0
	for ext, bs := range books {
		if len(bs) > 1 {
			doubles++
			t.Errorf("external_id %s booked %d times", ext, len(bs))
		}
	}
	if total := len(r.srv.Bookings()); total != booked {
		t.Errorf("the simulator holds %d bookings, the attempts account for %d", total, booked)
	}

	// The safe retry resolves the unknown outcomes without a second booking.
	resolved := 0
	for _, o := range unknown {
		for try := 0; try < 5; try++ {
			res, err := r.c.ResumeCreate(ctx, o.req, o.since)
			if err == nil && res.Booking != nil && res.Booking.ExternalID == o.req.ExternalID {
				resolved++
				break
			}
			if k := api.KindOf(err); k == api.KindConflict || k == api.KindBadRequest || k == api.KindNotFound {
				resolved++
				break
			}
		}
	}
	for ext, bs := range r.byExternalID() {
		if len(bs) > 1 {
			t.Errorf("after ResumeCreate: external_id %s booked %d times", ext, len(bs))
		}
	}

	st := r.srv.FaultStats()
	kinds := make([]string, 0, len(byKind))
	for k := range byKind {
		kinds = append(kinds, fmt.Sprintf("%s=%d", k, byKind[k]))
	}
	sort.Strings(kinds)
	injected := make([]string, 0, len(st.Injected))
	for k, v := range st.Injected {
		injected = append(injected, fmt.Sprintf("%s=%d", k, v))
	}
	sort.Strings(injected)
	t.Logf("chaos: %d attempts by %d workers in %v (simulated clock +%v)", attempts, workers, elapsed.Round(time.Millisecond), r.clock.Now().Sub(chaosStart))
	t.Logf("outcomes: %s", strings.Join(kinds, " "))
	t.Logf("adopted after a lost answer: %d; second creates after a confirmed absence: %d", adopted, secondCreates)
	t.Logf("unknown outcome: %d (simulator has the booking: %d, has none: %d; look-up answer unreadable, not retried: %d); resolved by ResumeCreate: %d",
		len(unknown), unknownWith1, unknownWith0, unknownUnreadable, resolved)
	t.Logf("double bookings: %d; bookings in the simulator: %d", doubles, len(r.srv.Bookings()))
	t.Logf("faults: %d requests, %s", st.Requests, strings.Join(injected, " "))

	// The mix must really have been exercised.
	if testing.Short() {
		return
	}
	for _, k := range []string{sim.FaultRateLimited, sim.FaultBurst, sim.FaultServerError, sim.FaultDropBefore,
		sim.FaultDropAfter, sim.FaultServerErrorAfter, sim.FaultMalformed, sim.FaultTruncated} {
		if st.Injected[k] == 0 {
			t.Errorf("fault %s never injected", k)
		}
	}
	if adopted == 0 || secondCreates == 0 || byKind["success"] < attempts/2 {
		t.Errorf("weak run: adopted %d, second creates %d, successes %d", adopted, secondCreates, byKind["success"])
	}
}

// TestChaosEachFaultAlone pins what CreateBooking does under one fault on
// every POST /bookings (reads are clean).
func TestChaosEachFaultAlone(t *testing.T) {
	only := []string{"POST /bookings"}
	for _, tc := range []struct {
		name     string
		f        sim.Faults
		timeout  time.Duration
		wantKind api.Kind // of the error; KindUnknown: success
		adopted  bool
		posts    int // CreateResult.Attempts
		booked   int
	}{
		{"drop after processing: adopted", sim.Faults{DropAfter: 1}, 0, api.KindUnknown, true, 1, 1},
		{"5xx after processing: adopted", sim.Faults{ServerErrorAfter: 1}, 0, api.KindUnknown, true, 1, 1},
		{"malformed 202: adopted", sim.Faults{Malformed: 1}, 0, api.KindUnknown, true, 1, 1},
		{"truncated 202: adopted", sim.Faults{Truncated: 1}, 0, api.KindUnknown, true, 1, 1},
		{"slow answer past the timeout: adopted", sim.Faults{Latency: sim.Latency{Fixed: 400 * time.Millisecond, After: true}},
			100 * time.Millisecond, api.KindUnknown, true, 1, 1},
		{"slow request past the timeout, never processed: two creates, none booked", sim.Faults{Latency: sim.Latency{Fixed: 400 * time.Millisecond}},
			100 * time.Millisecond, api.KindNetwork, false, 2, 0},
		{"drop before processing: two creates, none booked", sim.Faults{DropBefore: 1}, 0, api.KindNetwork, false, 2, 0},
		{"5xx before processing: two creates, none booked", sim.Faults{ServerError: 1}, 0, api.KindServer, false, 2, 0},
		{"429: refused, not retried", sim.Faults{RateLimited: 1}, 0, api.KindRateLimited, false, 1, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.f.Only = only
			r := newChaosRig(t, tc.f, func(c *api.Config) {
				if tc.timeout > 0 {
					c.Timeout = tc.timeout
				}
			})
			n := 6
			if tc.timeout > 0 {
				n = 2 // these wait for real
			}
			for i := 0; i < n; i++ {
				req := r.request(i * 20) // i%20 == 0: a plain, valid request
				res, err := r.c.CreateBooking(context.Background(), req)
				if k := api.KindOf(err); k != tc.wantKind {
					t.Fatalf("attempt %d: kind %v (%v), want %v", i, k, err, tc.wantKind)
				}
				if res == nil || res.Attempts != tc.posts || res.Adopted != tc.adopted {
					t.Fatalf("attempt %d: result %+v, want %d POST(s), adopted %v", i, res, tc.posts, tc.adopted)
				}
				if n := len(r.byExternalID()[req.ExternalID]); n != tc.booked {
					t.Fatalf("attempt %d: %d bookings, want %d", i, n, tc.booked)
				}
			}
		})
	}
}

// TestCreateAnswerWithoutIDIsNotABooking: a 202 whose JSON lacks the
// booking (`{}`, `null`: valid JSON, but no id, which the contract requires)
// must not count as a created booking: the client cannot track it, and the
// booking it did create is lost to it. Expected: treated like an unreadable
// answer — looked up by external_id and adopted.
func TestCreateAnswerWithoutIDIsNotABooking(t *testing.T) {
	for _, body := range []string{`{}`, `null`, `{"status":"REQUESTED"}`} {
		t.Run(body, func(t *testing.T) {
			clock := sim.NewManualClock(chaosStart)
			s := simtest.Start(t, sim.Options{Seed: 3, Clock: clock}, simtest.Wrap(func(_ *simtest.Server, next http.Handler) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if r.Method != http.MethodPost || !strings.HasSuffix(r.URL.Path, "/bookings") {
						next.ServeHTTP(w, r)
						return
					}
					rec := httptest.NewRecorder()
					next.ServeHTTP(rec, r) // the booking is created…
					for k, v := range rec.Header() {
						w.Header()[k] = v
					}
					w.WriteHeader(rec.Code)
					_, _ = io.WriteString(w, body) // …and answered without it
				})
			}))
			srv := s.Sim
			c := api.New(api.Config{BaseURL: s.Base, APIKey: sim.DefaultKey, Now: clock.Now,
				Sleep: func(context.Context, time.Duration) error { return nil }})
			start := chaosStart.Add(2 * time.Hour)
			req := model.BookingRequest{LocationID: sim.FlagshipLocationID, EVSEUID: "DE*ENB*E123456*1",
				ReservationStart: start, ReservationEnd: start.Add(time.Hour), ExternalID: "no-id-1",
				TokenStrategy: model.DriverToken, CustomerID: "cust_abc123"}
			res, err := c.CreateBooking(context.Background(), req)
			bs := srv.Bookings()
			if len(bs) != 1 {
				t.Fatalf("the simulator holds %d bookings", len(bs))
			}
			if err == nil && res.Booking.ID == bs[0].ID {
				return // adopted
			}
			if err != nil {
				return // not taken for a success, at least
			}
			got := "<nil>"
			if res != nil && res.Booking != nil {
				got = fmt.Sprintf("id %q status %q adopted %v", res.Booking.ID, res.Booking.Status, res.Adopted)
			}
			t.Errorf("202 %s: CreateBooking returned success (%s, err %v); want the booking %s adopted by its external_id, or an error",
				body, got, err, bs[0].ID)
		})
	}
}
