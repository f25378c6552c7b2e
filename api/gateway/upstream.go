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
	"time"

	"github.com/petitmonde/chargedesk/api"
	"github.com/petitmonde/chargedesk/model"
)

// maxUpstreamBody bounds an answer of the API (a full page of bookings or
// of search results is far less).
const maxUpstreamBody = 16 << 20

// answer is one upstream answer as the gateway passes it on.
type answer struct {
	status     int
	body       []byte
	retryAfter string
	at         time.Time // when it arrived
}

// upstream sends requests to the API with the key. It follows no redirect
// (the key must not go anywhere else) and takes every key form out of what
// comes back.
type upstream struct {
	base   string // the API's base URL, …/api/v1/client
	key    string
	http   *http.Client
	now    func() time.Time
	budget *budget
}

func newUpstream(base, key string, transport http.RoundTripper, now func() time.Time, b *budget) *upstream {
	if transport == nil {
		transport = http.DefaultTransport
	}
	return &upstream{
		base: strings.TrimRight(base, "/"), key: key, now: now, budget: b,
		http: &http.Client{Transport: transport, Timeout: 30 * time.Second,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }},
	}
}

// errBudget is a request the team's budget refused; wait says for how long.
type errBudget struct{ wait time.Duration }

func (e errBudget) Error() string {
	return fmt.Sprintf("the team's request budget is spent for now; retry in %d s", int(e.wait.Round(time.Second)/time.Second))
}

// do sends one request at priority p. A transport failure is an error; any
// HTTP answer, 4xx and 5xx included, is an answer.
func (u *upstream) do(ctx context.Context, p Priority, method, path, rawQuery string, body []byte) (answer, error) {
	if wait, ok := u.budget.take(p, u.now()); !ok {
		return answer{}, errBudget{wait}
	}
	target := u.base + path
	if rawQuery != "" {
		target += "?" + rawQuery
	}
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, target, rd)
	if err != nil {
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
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxUpstreamBody+1))
	if err != nil {
		return answer{}, errors.New(u.redact(err.Error()))
	}
	if len(raw) > maxUpstreamBody {
		return answer{}, fmt.Errorf("the API's answer is larger than %d MB", maxUpstreamBody>>20)
	}
	u.observe(resp.Header)
	if resp.StatusCode >= 300 && resp.StatusCode < 400 {
		msg := fmt.Sprintf("the API answered %d, a redirect to %s; the gateway follows none", resp.StatusCode, u.redact(resp.Header.Get("Location")))
		return answer{status: http.StatusBadGateway, body: errorBody(msg), at: u.now()}, nil
	}
	return answer{status: resp.StatusCode, body: []byte(u.redact(string(raw))), retryAfter: resp.Header.Get("Retry-After"), at: u.now()}, nil
}

// observe reads the API's rate-limit headers into the budget.
func (u *upstream) observe(h http.Header) {
	rem, err := strconv.Atoi(h.Get("X-RateLimit-Remaining"))
	if err != nil {
		return
	}
	reset, err := time.Parse(time.RFC3339, h.Get("X-RateLimit-Reset"))
	if err != nil {
		reset = u.now().Add(time.Minute)
	}
	u.budget.observe(rem, reset)
}

// redact takes every form of the key out of s, the mask the API client
// writes for it included: an agent sees "[key]", not a character of it.
func (u *upstream) redact(s string) string {
	s = api.RedactWith(s, u.key, "[key]")
	if m := api.MaskKey(u.key); len(m) > len("••••") {
		s = strings.ReplaceAll(s, m, "[key]")
	}
	return s
}

// errorBody is an error answer as the contract writes it.
func errorBody(msg string) []byte {
	b, _ := json.Marshal(model.ErrorBody{Error: msg})
	return b
}
