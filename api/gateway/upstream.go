package gateway

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/petitmonde/chargedesk/api"
	"github.com/petitmonde/chargedesk/model"
)

// maxUpstreamBody bounds an answer of the API (a full page of bookings or
// of search results is far less).
const maxUpstreamBody = 16 << 20

// maxUpstreamConns bounds the connections to the API: every request the
// gateway sends (reads, the watch, creates and their look-ups) shares one
// transport, and no more than this many answers are read at once, which
// also bounds the memory that reading them takes.
const maxUpstreamConns = 8

// answer is one answer as the gateway passes it on.
type answer struct {
	status     int
	body       []byte
	retryAfter string
	at         time.Time // when it arrived
	// clean says body is redacted already: an upstream answer is redacted
	// once, as it arrives, and then served as it is to every agent who
	// reads it (reply redacts every other answer).
	clean bool
	// What reply adds to a 200 as it writes it (see splice.go): cached_at
	// (a search from the cache), booked_by on the booking id, or on each
	// booking of a list at its insert.
	cachedAt bool
	id       string
	inserts  []insert
}

// upstream sends requests to the API with the key, through the gateway's
// one transport. It follows no redirect (the key must not go anywhere
// else) and takes every spelling of the key out of what comes back.
type upstream struct {
	base    string // the API's base URL, …/api/v1/client
	key     string
	http    *http.Client
	now     func() time.Time
	budget  *budget
	circuit *circuit
	redactor
}

// redactor masks the key, in every spelling, and the mask the API client
// writes for it, as "[key]": an agent sees no character of it.
type redactor struct {
	key  *api.Redactor
	mask string // api.MaskKey of the key, when it shows a character
}

func newRedactor(key string) redactor {
	r := redactor{key: api.NewRedactor(key, "[key]")}
	if m := api.MaskKey(strings.TrimSpace(key)); len(m) > len("••••") {
		r.mask = m
	}
	return r
}

func (r redactor) redact(s string) string {
	s = r.key.String(s)
	if r.mask != "" {
		s = strings.ReplaceAll(s, r.mask, "[key]")
	}
	return s
}

func (r redactor) redactBytes(b []byte) []byte {
	b = r.key.Bytes(b)
	if r.mask != "" && bytes.Contains(b, []byte(r.mask)) {
		b = bytes.ReplaceAll(b, []byte(r.mask), []byte("[key]"))
	}
	return b
}

func newUpstream(base, key string, transport http.RoundTripper, now func() time.Time, b *budget, c *circuit) *upstream {
	return &upstream{
		base: strings.TrimRight(base, "/"), key: key, now: now, budget: b, circuit: c, redactor: newRedactor(key),
		http: &http.Client{Transport: transport, Timeout: 30 * time.Second,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }},
	}
}

// errBudget is a request the team's budget (or the agent's share of it)
// refused; wait says for how long.
type errBudget struct {
	wait time.Duration
	why  string // whose budget: the team's, or the agent's share
}

func (e errBudget) Error() string {
	why := e.why
	if why == "" {
		why = "the team's request budget is spent for now"
	}
	return fmt.Sprintf("%s; retry in %d s", why, int(e.wait.Round(time.Second)/time.Second))
}

// errCircuit is a request not sent because the API is failing (see
// circuit.go); wait is until the next try.
type errCircuit struct{ wait time.Duration }

func (e errCircuit) Error() string {
	return fmt.Sprintf("the API is failing or refusing requests (429 or 5xx): the gateway sends nothing for %d s, then tries again; nothing was sent",
		seconds(e.wait))
}

// seconds is d in whole seconds, rounded up, at least 1.
func seconds(d time.Duration) int { return max(1, int((d+time.Second-1)/time.Second)) }

// do sends one request at priority p, for the agent of ctx (none: the
// gateway's own). A transport failure is an error; any HTTP answer, 4xx
// and 5xx included, is an answer. The budget and the circuit are asked
// first: a request they hold is not sent.
func (u *upstream) do(ctx context.Context, p Priority, method, path, rawQuery string, body []byte) (answer, error) {
	probe, err := u.circuit.allow(u.now())
	if err != nil {
		return answer{}, err
	}
	if wait, why, ok := u.budget.take(p, agentIn(ctx), u.now()); !ok {
		u.circuit.abandon(probe)
		return answer{}, errBudget{wait, why}
	}
	target := u.base + path
	if rawQuery != "" {
		target += "?" + rawQuery
	}
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(prepaid(ctx, method), method, target, rd)
	if err != nil {
		u.circuit.abandon(probe)
		return answer{}, err
	}
	req.Header.Set("X-API-Key", u.key)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "chargedesk-gateway")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := u.http.Do(req)
	if err != nil {
		return answer{}, errors.New(u.redact(err.Error()))
	}
	defer resp.Body.Close()
	raw, err := readBody(resp)
	if err != nil {
		return answer{}, errors.New(u.redact(err.Error()))
	}
	if resp.StatusCode >= 300 && resp.StatusCode < 400 {
		msg := fmt.Sprintf("the API answered %d, a redirect to %s; the gateway follows none", resp.StatusCode, u.redact(resp.Header.Get("Location")))
		return answer{status: http.StatusBadGateway, body: errorBody(msg), at: u.now()}, nil
	}
	a := answer{status: resp.StatusCode, body: u.redactBytes(raw), clean: true, retryAfter: resp.Header.Get("Retry-After"), at: u.now()}
	if hold := u.circuit.open(a.at); hold > 0 && parseRetryAfter(a.retryAfter, a.at) == 0 {
		a.retryAfter = strconv.Itoa(seconds(hold)) // when the gateway asks the API again
	}
	return a, nil
}

// readBody reads an answer whole, up to maxUpstreamBody, into one buffer
// of its announced size when it announces one.
func readBody(resp *http.Response) ([]byte, error) {
	if resp.ContentLength > maxUpstreamBody {
		return nil, fmt.Errorf("the API's answer is larger than %d MB", maxUpstreamBody>>20)
	}
	var buf bytes.Buffer
	if resp.ContentLength > 0 {
		buf.Grow(int(resp.ContentLength) + bytes.MinRead)
	}
	if _, err := buf.ReadFrom(io.LimitReader(resp.Body, maxUpstreamBody+1)); err != nil {
		return nil, err
	}
	if buf.Len() > maxUpstreamBody {
		return nil, fmt.Errorf("the API's answer is larger than %d MB", maxUpstreamBody>>20)
	}
	return buf.Bytes(), nil
}

// errorBody is an error answer as the contract writes it.
func errorBody(msg string) []byte {
	b, _ := json.Marshal(model.ErrorBody{Error: msg})
	return b
}

// metered is the transport under everything the gateway sends upstream:
// the answers tell the circuit how the API is doing and the budget what
// the API's rate-limit headers say, and every request not paid for before
// it was sent (a create's look-ups) is counted in the budget as it goes.
type metered struct {
	next    http.RoundTripper
	budget  *budget
	circuit *circuit
	now     func() time.Time
}

// newTransport is the gateway's one transport: base, or a pool of at most
// maxUpstreamConns connections to the API.
func newTransport(base http.RoundTripper) http.RoundTripper {
	if base != nil {
		return base
	}
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxConnsPerHost = maxUpstreamConns
	t.MaxIdleConnsPerHost = maxUpstreamConns
	return t
}

func (m *metered) RoundTrip(r *http.Request) (*http.Response, error) {
	if !paidFor(r.Context(), r.Method) {
		m.budget.spent(m.now())
	}
	resp, err := m.next.RoundTrip(r)
	now := m.now()
	switch {
	case err != nil && r.Context().Err() != nil:
		// The caller went away: nothing learnt about the API.
		m.circuit.record(now, 0, "", false)
	case err != nil:
		m.circuit.record(now, 0, "", true)
	default:
		m.circuit.record(now, resp.StatusCode, resp.Header.Get("Retry-After"), false)
		m.observe(resp.Header, now)
	}
	return resp, err
}

// observe reads the API's rate-limit headers into the budget.
func (m *metered) observe(h http.Header, now time.Time) {
	rem, err := strconv.Atoi(h.Get("X-RateLimit-Remaining"))
	if err != nil {
		return
	}
	reset, err := time.Parse(time.RFC3339, h.Get("X-RateLimit-Reset"))
	if err != nil {
		reset = now.Add(time.Minute)
	}
	m.budget.observe(rem, reset)
}

// prepaidKey marks a request context whose first request of a method was
// paid for before it was sent (take), so the transport does not count it
// again.
type prepaidKey struct{}

type prepaidMark struct {
	method string
	used   atomic.Bool // the paid request went
}

// prepaid marks ctx: its first method request is paid for.
func prepaid(ctx context.Context, method string) context.Context {
	return context.WithValue(ctx, prepaidKey{}, &prepaidMark{method: method})
}

// paidFor tells (once) whether a request of method on ctx was paid for.
func paidFor(ctx context.Context, method string) bool {
	m, ok := ctx.Value(prepaidKey{}).(*prepaidMark)
	return ok && m.method == method && m.used.CompareAndSwap(false, true)
}
