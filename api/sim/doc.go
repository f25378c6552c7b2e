// Package sim is the embedded simulator of the Petit Monde Energy Agent API:
// an http.Handler serving the whole contract (api/openapi.yaml) under
// BasePath (/api/v1/client), with seeded German locations, a CPO lifecycle
// engine on an injectable clock, rate limits and deterministic scenario
// triggers. Demo mode, `chargedesk serve` and the tests use it.
//
//	srv := httptest.NewServer(sim.New(sim.Options{Seed: 1, Clock: sim.NewManualClock(t0)}))
//
// It starts no goroutines: every request reads the clock, and a booking's
// state follows from the schedule planned at create. One mutex guards all
// state. The JSON bodies are the model package's types.
//
// The bookings are indexed (store.go) so that no request costs the whole
// history: per key in creation order, per EVSE, per (key, external_id). For
// listing by status, each booking's status is kept as of the last request,
// and each request first applies the transitions that fell due since
// (store_status.go). When the clock goes back instead, every status is
// recomputed from scratch: slower, never wrong.
//
// # Decisions where the contract is silent
//
// Authentication and limits
//   - A key is read from X-API-Key, else from "Authorization: Bearer <key>".
//     No key → 401 "Missing API key: …"; an unknown key → 401 "Invalid API
//     key"; Options.SuspendedKey → 403 "Account suspended: …".
//   - Every response carries X-RateLimit-Limit, -Remaining and -Reset. A 401
//     reports a full, unused window (the caller is nobody); a 403 reports the
//     key's window without counting the request.
//   - The per-minute limit is a sliding 60 s window of admitted requests per
//     key. Reset is when the oldest counted request leaves the window (now +
//     60 s when none), rounded up to the second, RFC 3339 UTC. Retry-After is
//     whole seconds, rounded up, at least 1. A 429 is not counted. Every other
//     admitted request counts, 400s and 404s included; GET /usage counts too
//     and reports the state after counting itself.
//   - The monthly quota counts admitted requests per calendar month (UTC).
//     When used up: 429, Retry-After up to 00:00 UTC on the 1st of next month,
//     and a body saying the monthly quota is used up. It is checked before the
//     per-minute limit.
//   - Authentication comes before routing: an unknown path with a valid key
//     is a counted 404; a wrong method a counted 405 with an Allow header
//     (HEAD too: the contract has no HEAD operation). A path with an empty,
//     . or .. segment is a 404, not a redirect. Both answers are the
//     contract's {"error": "…"} (api/server's Router).
//
// Search
//   - lat and lng are required. Numbers that do not parse (or are NaN/Inf)
//     are 400s naming the parameter; range rules are the model's
//     (model.SearchQuery.Validate) plus: radius=0 and limit=0 given
//     explicitly are 400s (the model reads 0 as "default"), and an empty
//     connector_type is a 400. All broken rules of one request are joined
//     with "; " in one error text.
//   - connector_type and power_min filter at connector level: a location
//     matches when some EVSE has a connector of that type with at least that
//     power. The result keeps ALL of the location's EVSEs (the location as the
//     CPO describes it), not only the matching ones.
//   - With start_time/end_time, only locations with supports_reservation true
//     that have an AVAILABLE EVSE, matching the connector filters, with no
//     active booking (REQUESTED, PENDING, CONFIRMED, ATTENDING) overlapping
//     the window. The window need not lie in the future. Date-times are
//     RFC 3339; an offset whose "+" arrived unencoded (as a space) is accepted.
//   - distance_km is rounded to 2 decimals; ties sort by location_id. total
//     is the number of matches before limit. cpo_results lists every CPO of
//     the network (also those with count 0), count = its matches before
//     limit, duration_ms a deterministic 60–900 ms per (seed, CPO, query);
//     error is null (no CPO fails in the simulator).
//
// Bookings
//   - The body is decoded leniently (unknown fields ignored) but strictly
//     (not JSON, a non-object, wrong types or trailing data → 400 "Invalid
//     JSON body: …"). Rules are model.BookingRequest.Validate at the clock's
//     now (the 15-minute lead time is real time, never sped up).
//   - Checks run in this order: body, rules, location (404), EVSE of that
//     location (404), connector_id of that EVSE when given (404), the
//     location's supports_reservation (400), EVSE status AVAILABLE (409),
//     an overlapping active booking of the EVSE across all keys (409), the
//     fleet group's spending limit (400 for OverLimitFleetGroup).
//   - EVSE statuses are static: bookings never change them; availability
//     for a window is the overlap check.
//   - token_strategy omitted → ad_hoc. ad_hoc bookings carry ad_hoc_token
//     with a seeded 14-hex-digit token_uid, valid from AdHocTokenMargin
//     before the window to AdHocTokenMargin after it. pipelet token_uid is
//     echoed upper-case.
//   - ids are UUID v4 from the seeded RNG; same seed and the same sequence of
//     creates give the same ids and the same delays.
//   - Bookings are visible only to the key that created them (404 otherwise).
//   - GET /bookings: from_date/to_date bound created_at inclusively; limit
//     1..100 (default 50); offset ≥ 0; newest first (ties: later create
//     first); total counts all matches. The status filter applies to the
//     status as of now.
//
// Lifecycle (constants exported in lifecycle.go)
//   - The CPO's answer runs in real clock time, NOT divided by Speed, so the
//     demo shows REQUESTED → PENDING (0.5–2 s) → CONFIRMED (1–10 s after
//     create; cpo_reservation_id "<PARTY>-R-XXXXXX" and client_price = the
//     location's estimate are set then).
//   - Reservation times are lifecycle times: L(t) = created + (t − created)
//     × Speed, per booking. ATTENDING when L ≥ reservation_start + U(0, 3
//     min); COMPLETED when L ≥ reservation_start + U(40 %, 95 %) of the
//     window (never past reservation_end), client_price = estimate ×
//     U(0.85, 1.20). When a step is already due when the one before happens
//     (e.g. the start is reached in lifecycle time before the CPO confirms),
//     it follows FollowUpDelay (1 s real) later: CONFIRMED, then ATTENDING
//     right after.
//   - status_updated_at (and updated_at) is the scheduled time of the last
//     transition, not the time of the read.
//   - Triggers, by customer_id prefix: cust_expire (REQUESTED, then EXPIRED
//     at the confirmation timeout), cust_noshow (CONFIRMED, then NO_SHOW at
//     reservation_start + NoShowGrace (15 min, lifecycle time),
//     client_price = NoShowFee 5.00), cust_reject (PENDING, then CANCELLED
//     "Rejected by CPO: …" 2–4 s later), cust_slow (PENDING for 25 s, then
//     CONFIRMED, within the default timeout). Any other id: the normal path.
//   - The confirmation timeout, how long the API waits for the CPO before a
//     booking EXPIRES, is Options.ConfirmTimeout (default ConfirmTimeout =
//     30 s, real clock time). It decides cust_expire and late confirmations
//     (Faults.CPO) only: the CPO's own answer times are not cut short, so
//     below 25 s it does not expire cust_slow, nor below 10 s a normal
//     booking whose CPO answers later. A short one is for tests that need
//     EXPIRED without waiting 30 s.
//   - Cancel: allowed from REQUESTED and PENDING (free, no client_price) and
//     CONFIRMED: client_price = LateCancelFee 3.50 when L(now) is within
//     LateCancelWindow (1 h) of reservation_start or past it, else 0.00.
//     cancellation_reason = the body's reason, or "Cancelled by client".
//     Other statuses → 400 "Booking cannot be cancelled in status X".
//
// Data
//   - The country (country.go): sites near every town of the gazetteer
//     (model/places), one per peoplePerSite inhabitants on average (a
//     fraction drawn by the seed), within townRadiusKM of the centre, which
//     grows with the population; about 13,000 locations for a seed, from 9
//     CPOs (CPOs). A site's city is the town whose area covers it best, its
//     name the nearest part of a city within 2.5 km (else the town), its
//     postal code the nearest one. IDs DE-<PARTY>-E<6 digits>, EVSEs
//     DE*<PARTY>*E…*n, connector ids "1".."3".
//   - The network of a seed is built on the first request that needs it
//     (Prepare builds it at once) and shared by every Server of that seed
//     in the process; a grid index (grid.go) makes a search cost what the
//     locations near its point cost, not the country.
//   - Booking ids are random version 4 UUIDs (Options.IDs for fixed ones);
//     the seed fixes each booking's delays and fate, not its id.
//   - Geocoder answers Nominatim's /search for `serve` and demo mode: the
//     streets of geoStreets as addresses, other text as the gazetteer
//     resolves it.
//   - Fixed in every seed: FlagshipLocationID (EnBW Schnellladepark
//     Marienplatz, the closest result of the guide's Munich search, EVSEs 1
//     and 2 AVAILABLE with 300 kW CCS) and the Allego ids the docs' examples
//     use (ExampleLocationBerlin, ExampleLocationHamburg, EVSE 1 AVAILABLE).
//
// # Fault injection (Options.Faults, faults.go)
//
// The zero Faults injects nothing and the simulator behaves as above. A spec
// string for `chargedesk serve` is read by ParseFaults ("flaky",
// "chaos,drop-after=10%", "latency=80ms/1s,5xx=0.05,only=POST /bookings");
// Faults.String writes one back. FaultStats counts what was injected.
//
//   - Scope: Faults.Only limits request faults (latency and bursts too) to
//     requests matching "[METHOD ]PATH" patterns relative to BasePath ("*"
//     one segment, a final "**" any rest). Faults apply before
//     authentication: a gateway in front of the API misbehaves for everyone.
//   - Draws: each matching request gets its own random source, seeded by
//     Faults.Seed (0 → Options.Seed), the request's method, path, query and
//     body, and how often that exact request was seen before. The same
//     requests in the same order meet the same faults; concurrent identical
//     requests may swap theirs. Booking ids and the lifecycle's random draws
//     are the same with and without faults (CPO faults then move steps).
//   - Shares are exclusive: one draw u per request picks at most one of, in
//     this order, RateLimited, ServerError, DropBefore, DropAfter,
//     ServerErrorAfter, Malformed, Truncated (their sum ≤ 1; New clamps).
//   - Latency (Fixed + U(0, Jitter) + log-normal(Median, P99), capped at
//     Max) is real time, spent before processing; a client that gives up
//     meanwhile leaves the request unprocessed (FaultStats.Abandoned). With
//     Latency.After it is spent after processing instead: a slow answer to a
//     request that took effect. The simulator never starts processing a
//     request after its client gave up, so it cannot reproduce the one case
//     that defeats the look-up (a create processed after the client's
//     look-up found nothing); a real API can.
//   - RateLimited: 429 "Rate limit exceeded. Retry after N seconds." with
//     Retry-After N (Faults.RetryAfter, default 2 s), X-RateLimit-Remaining
//     0, not processed and not counted. Burst: every request in the first
//     Length of each Every (on the simulator clock, from the Unix epoch) gets
//     the same 429 with Retry-After = what is left of the window.
//   - ServerError: 500, 502 or 503 (by the draw) with a JSON error body and
//     no rate-limit headers, not processed. ServerErrorAfter: the same
//     answer, after the request WAS processed.
//   - DropBefore: the connection is hijacked and closed (half of them with
//     an RST, SO_LINGER 0) before processing: no answer, no effect.
//     DropAfter: processed first — a POST /bookings IS created — then closed
//     without a byte of answer: the double-booking trap. Without a Hijacker
//     (HTTP/2, httptest.ResponseRecorder) a drop panics with
//     http.ErrAbortHandler.
//   - Malformed (2xx answers only; others pass unchanged, uncounted): an HTML
//     page, trailing garbage after the JSON, a byte-order mark before it, or a
//     broken token inside. Truncated (2xx only): the JSON cut at a drawn byte,
//     either as a complete short answer (Content-Length of the cut body: a
//     decode error) or announced whole and broken off (a read error).
//   - Every injected answer carries FaultHeader (X-Sim-Fault) naming it.
//   - CPO faults act per booking at create, by a seeded hash of its id, on
//     bookings that would be CONFIRMED. LateConfirm: PENDING until
//     LateConfirmAfter (default 28 s: past the point where an agent may have
//     given up, before the default timeout), then CONFIRMED; later steps
//     move so they still follow. LateConfirmAfter ≥ Options.ConfirmTimeout:
//     the API gives up first — EXPIRED at the timeout, the CPO's late answer
//     is dropped. Cancel: CONFIRMED,
//     then CANCELLED "Cancelled by CPO: …" with client_price 0.00 at
//     U(CancelAfterMin, CancelAfterMax) (default 5–30 s) after CONFIRMED, no
//     later than the step that would have followed. A client cancel before
//     it wins. Both run in real clock time (not divided by Speed).
//
// # Hostile data (Options.Hostile, hostile.go)
//
// Results 2 to 10 of the guide's Munich search (48.1351, 11.5820, 25 km,
// CCS, ≥ 50 kW) get names that attack a terminal: ESC[2J and ESC[H, cursor
// moves, OSC 52 clipboard writes, OSC 0/2 titles, OSC 8 hyperlinks, 8-bit C1
// CSI/OSC (U+009B, U+009D), BEL/BS/CR/TAB/VT/FF/DEL, bidi overrides and
// isolates, a name of 300+ characters, and a very wide one (CJK, ZWJ emoji,
// flags, combining marks). Five of them get hostile CPO names, one a hostile
// address; the first is made bookable, so its names reach bookings
// (location_name, cpo_name). CPO rejection and cancellation reasons turn
// hostile too. The flagship (result 1) stays clean. All are valid JSON
// strings without NUL; HostileTexts lists them for screen assertions.
package sim
