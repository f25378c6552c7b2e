// Package api is chargedesk's client of the Petit Monde Energy Agent API: typed
// requests and answers, typed errors, rate-limit headers, a retry policy for
// reads, a create that never books twice, and a request-log hook.
package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-resty/resty/v2"

	"github.com/petitmonde/chargedesk/model"
)

// DefaultBaseURL is the production Agent API.
const DefaultBaseURL = "https://api.petitmonde.energy/api/v1/client"

// Config sets a client up. Only BaseURL and APIKey are needed.
type Config struct {
	BaseURL string
	APIKey  string
	// Timeout bounds one HTTP attempt (default 15 s).
	Timeout time.Duration
	// Retries is how often a read (GET) is tried again after a 429, a 5xx or a
	// network failure (default 3; negative: never).
	Retries int
	// MaxRetryWait is the longest wait the client takes by itself before a
	// retry; a 429 asking for longer is returned to the caller, who can show a
	// countdown (default 10 s).
	MaxRetryWait time.Duration
	// OnEvent, when set, receives every HTTP attempt (the request log).
	OnEvent func(Event)
	// Transport replaces the HTTP transport (tests, fault injection).
	Transport http.RoundTripper
	// UserAgent is sent as User-Agent.
	UserAgent string
	// ReadOnly refuses creates and cancels with KindReadOnly.
	ReadOnly bool
	// Now is the clock for timestamps and reconciliation windows (default: wall clock).
	Now func() time.Time
	// Sleep waits d or until ctx ends (default: a timer); tests replace it.
	Sleep func(ctx context.Context, d time.Duration) error
	// AllowInsecureHTTP lets the key go over plain http to a host that is
	// not loopback (--insecure-http); otherwise every request is refused.
	AllowInsecureHTTP bool
	// Journal, when set, records every create before it is sent and keeps
	// the record until its outcome is known (see Journal).
	Journal Journal
}

// MaxBodyBytes bounds every answer the client reads: no answer of this API
// comes near it, and a server announcing gigabytes cannot take the memory.
const MaxBodyBytes = 4 << 20

// Client talks to the Agent API. It is safe for concurrent use.
type Client struct {
	cfg    Config
	http   *resty.Client
	redact *Redactor // the key, in every spelling a server could echo it in

	mu      sync.Mutex
	rate    RateLimit
	gateway atomic.Bool // an answer came from a chargedesk gateway
}

// New returns a client for cfg.
func New(cfg Config) *Client {
	if cfg.BaseURL == "" {
		cfg.BaseURL = DefaultBaseURL
	}
	cfg.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	if cfg.Timeout <= 0 {
		cfg.Timeout = 15 * time.Second
	}
	if cfg.Retries == 0 {
		cfg.Retries = 3
	}
	if cfg.Retries < 0 {
		cfg.Retries = 0
	}
	if cfg.MaxRetryWait <= 0 {
		cfg.MaxRetryWait = 10 * time.Second
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Sleep == nil {
		cfg.Sleep = Sleep
	}
	if cfg.UserAgent == "" {
		cfg.UserAgent = "chargedesk"
	}
	rc := resty.New().
		SetBaseURL(cfg.BaseURL).
		SetTimeout(cfg.Timeout).
		SetRetryCount(0). // the client's own policy below decides about retries
		SetHeader("Accept", "application/json").
		SetHeader("User-Agent", cfg.UserAgent).
		SetLogger(quietLogger{}).
		SetResponseBodyLimit(MaxBodyBytes).
		// Follow nothing: a 3xx comes back as it is and becomes an error.
		SetRedirectPolicy(resty.RedirectPolicyFunc(func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }))
	if cfg.APIKey != "" {
		rc.SetHeader("X-API-Key", cfg.APIKey)
	}
	if cfg.Transport != nil {
		rc.SetTransport(cfg.Transport)
	}
	return &Client{cfg: cfg, http: rc, redact: NewRedactor(cfg.APIKey, MaskKey(strings.TrimSpace(cfg.APIKey)))}
}

// BaseURL is where the client sends its requests.
func (c *Client) BaseURL() string { return c.cfg.BaseURL }

// ReadOnly tells whether creates and cancels are refused.
func (c *Client) ReadOnly() bool { return c.cfg.ReadOnly }

// RateLimit returns the rate-limit headers of the newest response.
func (c *Client) RateLimit() RateLimit {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.rate
}

// Search runs GET /search after checking the query with the model's rules.
func (c *Client) Search(ctx context.Context, q model.SearchQuery) (*model.SearchResponse, error) {
	if fe := q.Validate(c.cfg.Now()); len(fe) > 0 {
		return nil, validationError(http.MethodGet, "/search", fe)
	}
	var out model.SearchResponse
	if err := c.get(ctx, "/search", SearchParams(q), &out); err != nil {
		return nil, err
	}
	if out.Results == nil {
		out.Results = []model.Location{}
	}
	return &out, nil
}

// SearchParams is the query string of a search.
func SearchParams(q model.SearchQuery) url.Values {
	v := url.Values{}
	v.Set("lat", formatFloat(q.Lat))
	v.Set("lng", formatFloat(q.Lng))
	if q.RadiusKM != 0 {
		v.Set("radius", formatFloat(q.RadiusKM))
	}
	if q.ConnectorType != "" {
		v.Set("connector_type", string(q.ConnectorType))
	}
	if q.PowerMinKW != 0 {
		v.Set("power_min", formatFloat(q.PowerMinKW))
	}
	if q.Limit != 0 {
		v.Set("limit", strconv.Itoa(q.Limit))
	}
	if !q.Start.IsZero() && !q.End.IsZero() {
		v.Set("start_time", q.Start.UTC().Format(time.RFC3339Nano))
		v.Set("end_time", q.End.UTC().Format(time.RFC3339Nano))
	}
	return v
}

// GetBooking runs GET /bookings/{id}.
func (c *Client) GetBooking(ctx context.Context, id string) (*model.Booking, error) {
	if strings.TrimSpace(id) == "" {
		return nil, validationError(http.MethodGet, "/bookings/{id}", model.FieldErrors{{Field: "id", Msg: "booking id is required"}})
	}
	var out model.Booking
	if err := c.get(ctx, "/bookings/"+url.PathEscape(id), nil, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// ListBookings runs GET /bookings.
func (c *Client) ListBookings(ctx context.Context, f model.BookingFilter) (*model.BookingList, error) {
	v := url.Values{}
	if f.Status != "" {
		v.Set("status", string(f.Status))
	}
	if !f.FromDate.IsZero() {
		v.Set("from_date", f.FromDate.UTC().Format(time.RFC3339Nano))
	}
	if !f.ToDate.IsZero() {
		v.Set("to_date", f.ToDate.UTC().Format(time.RFC3339Nano))
	}
	if f.Limit != 0 {
		v.Set("limit", strconv.Itoa(f.Limit))
	}
	if f.Offset != 0 {
		v.Set("offset", strconv.Itoa(f.Offset))
	}
	var out model.BookingList
	if err := c.get(ctx, "/bookings", v, &out); err != nil {
		return nil, err
	}
	if out.Bookings == nil {
		out.Bookings = []model.Booking{}
	}
	return &out, nil
}

// CancelBooking runs POST /bookings/{id}/cancel. It is not retried blindly:
// after an unknown outcome it reads the booking to see whether the cancel took.
func (c *Client) CancelBooking(ctx context.Context, id, reason string) (*model.Booking, error) {
	if strings.TrimSpace(id) == "" {
		return nil, validationError(http.MethodPost, "/bookings/{id}/cancel", model.FieldErrors{{Field: "id", Msg: "booking id is required"}})
	}
	path := "/bookings/" + url.PathEscape(id) + "/cancel"
	if c.cfg.ReadOnly {
		return nil, readOnlyError(http.MethodPost, path, "cancelling")
	}
	body, _ := json.Marshal(model.CancelRequest{Reason: reason})
	var out model.Booking
	_, err := c.do(ctx, http.MethodPost, path, nil, body, &out)
	if err == nil {
		return &out, nil
	}
	if k := KindOf(err); k == KindNetwork || k == KindServer {
		// Did it take? A read is safe to retry.
		if b, gerr := c.GetBooking(ctx, id); gerr == nil && b.Status == model.Cancelled {
			return b, nil
		}
	}
	return nil, err
}

// Usage runs GET /usage.
func (c *Client) Usage(ctx context.Context) (*model.Usage, error) {
	var out model.Usage
	if err := c.get(ctx, "/usage", nil, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// get runs a GET, retried by the client's policy (RetryPolicy with Max
// cfg.Retries, from 0.5 s): 429 (honouring Retry-After), 5xx, network
// failures and unreadable answers; never waiting longer than
// cfg.MaxRetryWait at once (a longer 429 goes back to the caller, who can
// show a countdown).
func (c *Client) get(ctx context.Context, path string, q url.Values, out any) error {
	policy := RetryPolicy{Base: 500 * time.Millisecond, Cap: 8 * time.Second, Max: c.cfg.Retries}
	for n := 1; ; n++ {
		_, err := c.do(ctx, http.MethodGet, path, q, nil, out)
		if err == nil {
			return nil
		}
		wait, ok := policy.Wait(n, err)
		if !ok || wait > c.cfg.MaxRetryWait {
			return err
		}
		if serr := c.cfg.Sleep(ctx, wait); serr != nil {
			return err
		}
	}
}

// do sends one HTTP request and decodes a 2xx body into out. It returns the
// status code (0 without an answer). Every attempt is one Event; whatever
// the server said is redacted of the key and, once decoded, sanitised before
// anyone else sees it.
func (c *Client) do(ctx context.Context, method, path string, q url.Values, body []byte, out any) (int, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	full := path
	if len(q) > 0 {
		full = path + "?" + q.Encode()
	}
	if err := c.insecure(method, full); err != nil {
		return 0, err
	}
	req := c.http.R().SetContext(ctx)
	if len(q) > 0 {
		req.SetQueryParamsFromValues(q)
	}
	if body != nil {
		req.SetHeader("Content-Type", "application/json").SetBody(body)
	}
	start := c.cfg.Now()
	resp, err := req.Execute(method, path)
	ev := Event{Time: start, Method: method, Path: full, Duration: c.cfg.Now().Sub(start), RateRemaining: -1, RequestBody: clip(body)}
	if err != nil {
		e := c.transportError(ctx, method, full, err)
		ev.Err = e.Message
		c.emit(ev)
		return 0, e
	}
	status := resp.StatusCode()
	if resp.Header().Get(GatewayHeader) != "" {
		c.gateway.Store(true)
	}
	raw := c.redact.Bytes(resp.Body())
	now := c.cfg.Now()
	if rl := parseRateLimit(resp.Header(), now); rl.Known {
		c.mu.Lock()
		c.rate = rl
		c.mu.Unlock()
		ev.RateRemaining, ev.RateLimit = rl.Remaining, rl.Limit
	}
	ev.Status = status
	ev.ResponseBody = clip(raw)
	var e *Error
	switch {
	case status >= 200 && status < 300:
		e = c.decode(raw, out, method, full, status)
	case status >= 300 && status < 400:
		e = c.redirected(resp.Header(), method, full, status)
	default:
		e = c.refused(resp.Header(), raw, method, full, status, now)
	}
	if e != nil {
		ev.Err = e.Message
		if ev.Err == "" {
			ev.Err = http.StatusText(status)
		}
		c.emit(ev)
		return status, e
	}
	c.emit(ev)
	return status, nil
}

// insecure refuses to send the key in the clear: over plain http to a host
// that is not this machine, unless the user said so (--insecure-http).
func (c *Client) insecure(method, full string) *Error {
	if c.cfg.APIKey == "" || c.cfg.AllowInsecureHTTP || !InsecureURL(c.cfg.BaseURL) {
		return nil
	}
	return &Error{Kind: KindInsecure, Method: method, Path: full, Message: "refusing to send the API key over plain http to " +
		c.cfg.BaseURL + ": use https, or pass --insecure-http if this network is trusted"}
}

// InsecureURL tells a plain-http URL whose host is not loopback.
func InsecureURL(base string) bool {
	u, err := url.Parse(base)
	if err != nil || !strings.EqualFold(u.Scheme, "http") {
		return false
	}
	h := u.Hostname()
	if strings.EqualFold(h, "localhost") {
		return false
	}
	ip := net.ParseIP(h)
	return ip == nil || !ip.IsLoopback()
}

// transportError is a failure without an answer.
func (c *Client) transportError(ctx context.Context, method, full string, err error) *Error {
	if errors.Is(err, resty.ErrResponseBodyTooLarge) {
		return &Error{Kind: KindDecode, Method: method, Path: full, TooLarge: true, Err: err,
			Message: fmt.Sprintf("the answer was larger than %d MB, more than any answer of this API should be; it was not read", MaxBodyBytes>>20)}
	}
	e := &Error{Kind: KindNetwork, Method: method, Path: full, Message: c.redact.String(networkText(err)), Err: redactedErr{c.redact.String(err.Error())}}
	if ctx.Err() != nil {
		e.Message = "cancelled: " + ctx.Err().Error()
		e.Err = ctx.Err()
	}
	return e
}

// decode reads a 2xx body into out and cleans the server's text in it.
func (c *Client) decode(raw []byte, out any, method, full string, status int) *Error {
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(raw, out); err != nil {
		return &Error{Kind: KindDecode, Status: status, Method: method, Path: full,
			Message: "the answer could not be read: " + model.SanitizeLine(err.Error()), Err: err}
	}
	sanitizeAnswer(out)
	return nil
}

// redirected is a 3xx: the client follows no redirect (it would resend a
// create, or the key, wherever the server pointed), so it is an error
// naming where it pointed.
func (c *Client) redirected(h http.Header, method, full string, status int) *Error {
	loc := model.SanitizeLine(c.redact.String(h.Get("Location")))
	if loc == "" {
		loc = "(no Location given)"
	}
	return &Error{Kind: KindRedirect, Status: status, Method: method, Path: full,
		Message: fmt.Sprintf("the server redirected to %s; chargedesk follows no redirects (check the base URL)", loc)}
}

// refused is a 4xx or 5xx, with the server's own text.
func (c *Client) refused(h http.Header, raw []byte, method, full string, status int, now time.Time) *Error {
	e := &Error{Kind: kindForStatus(status), Status: status, Method: method, Path: full, Message: model.SanitizeLine(errorText(raw))}
	if status == http.StatusTooManyRequests {
		e.RetryAfter = parseRetryAfter(h.Get("Retry-After"), now)
		if rl := parseRateLimit(h, now); e.RetryAfter == 0 && rl.Known && rl.Reset.After(now) {
			e.RetryAfter = rl.Reset.Sub(now)
		}
	}
	return e
}

// sanitizeAnswer makes the server's text in a decoded answer safe for a
// terminal, once, here, so no screen or command can forget it.
func sanitizeAnswer(out any) {
	switch v := out.(type) {
	case *model.SearchResponse:
		for i := range v.Results {
			v.Results[i] = model.SanitizeLocation(v.Results[i])
		}
		for i := range v.CPOResults {
			r := &v.CPOResults[i]
			r.CPOName, r.CPOPartyID = model.SanitizeLine(r.CPOName), model.SanitizeLine(r.CPOPartyID)
			if r.Error != nil {
				e := model.SanitizeLine(*r.Error)
				r.Error = &e
			}
		}
	case *model.Booking:
		*v = model.SanitizeBooking(*v)
	case *model.BookingList:
		for i := range v.Bookings {
			v.Bookings[i] = model.SanitizeBooking(v.Bookings[i])
		}
	case *model.Usage:
		v.RateLimit.Period = model.SanitizeLine(v.RateLimit.Period)
		if v.Quota != nil {
			v.Quota.Period = model.SanitizeLine(v.Quota.Period)
		}
	}
}

func (c *Client) emit(ev Event) {
	if c.cfg.OnEvent != nil {
		c.cfg.OnEvent(ev)
	}
}

type redactedErr struct{ s string }

func (r redactedErr) Error() string { return r.s }

// errorText pulls the server's `error` text out of a body, falling back to a
// short excerpt of whatever came.
func errorText(raw []byte) string {
	var eb model.ErrorBody
	if err := json.Unmarshal(raw, &eb); err == nil && eb.Error != "" {
		return eb.Error
	}
	s := strings.TrimSpace(string(raw))
	if len(s) > 200 {
		s = strings.ToValidUTF8(s[:200], "") + "…"
	}
	return s
}

func networkText(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		if ue.Timeout() {
			return "no answer in time (timeout)"
		}
		return ue.Err.Error()
	}
	return err.Error()
}

func validationError(method, path string, fe model.FieldErrors) *Error {
	return &Error{Kind: KindValidation, Method: method, Path: path, Message: fe.Error(), Fields: fe, Err: fe}
}

func readOnlyError(method, path, what string) *Error {
	return &Error{Kind: KindReadOnly, Method: method, Path: path,
		Message: what + " is disabled: chargedesk runs in read-only mode (--read-only)"}
}

const maxLoggedBody = 64 << 10

func clip(b []byte) []byte {
	if len(b) > maxLoggedBody {
		out := make([]byte, maxLoggedBody)
		copy(out, b)
		return out
	}
	return bytes.Clone(b)
}

func formatFloat(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// Sleep waits d, or until ctx ends (then it returns ctx.Err()).
func Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// quietLogger keeps resty from writing to the terminal the TUI owns.
type quietLogger struct{}

func (quietLogger) Errorf(string, ...any) {}
func (quietLogger) Warnf(string, ...any)  {}
func (quietLogger) Debugf(string, ...any) {}
