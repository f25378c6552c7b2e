// Package contract is test support: it checks HTTP traffic against the
// project's OpenAPI contract (api.OpenAPISpec, i.e. api/openapi.yaml) with
// kin-openapi. The client's, the simulator's and the UI's tests use it; no
// program code imports it.
//
// Transport wraps an http.RoundTripper: every request (parameters, body,
// presence of an API key) and every response (documented status, headers,
// body) is validated, and each violation is reported with t.Errorf naming the
// method, path and what failed. Requests still go through and responses are
// returned unchanged, so a test sees both the violation and the real answer.
//
// Tests that send invalid requests on purpose (lat=200, a missing key, an
// unknown path) opt out of request validation but keep response validation:
// per request with WithoutRequestCheck(ctx) or the SkipRequestHeader header
// (removed before the request is sent), or for a whole transport with the
// SkipRequests option.
package contract

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"sort"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"github.com/petitmonde/chargedesk/api"
)

// DefaultBasePath is the path prefix of the API (the path of the spec's server URL).
const DefaultBasePath = "/api/v1/client"

// SkipRequestHeader, set to any value on a request, turns request validation
// off for that request. The transport removes it before sending.
const SkipRequestHeader = "X-Contract-Skip-Request"

type skipKey struct{}

// WithoutRequestCheck marks a request context: its request is not validated
// (its response still is).
func WithoutRequestCheck(ctx context.Context) context.Context {
	return context.WithValue(ctx, skipKey{}, true)
}

// Option configures a Transport.
type Option func(*config)

type config struct {
	basePath       string
	skipRequests   bool
	requireHeaders bool
}

// WithBasePath sets the path prefix stripped before routing (default DefaultBasePath).
func WithBasePath(p string) Option {
	return func(c *config) { c.basePath = strings.TrimSuffix(p, "/") }
}

// SkipRequests turns request validation off for the whole transport.
func SkipRequests() Option { return func(c *config) { c.skipRequests = true } }

// LenientHeaders stops requiring the headers a response documents (by default
// every header the matched response declares, e.g. X-RateLimit-* and
// Retry-After, must be present; kin-openapi itself only checks their format).
func LenientHeaders() Option { return func(c *config) { c.requireHeaders = false } }

// Load parses and validates the embedded spec and returns a fresh document
// whose servers are replaced by the bare root, so paths route without the
// base path. Each call returns a new document (nothing shared between tests).
func Load() (*openapi3.T, error) {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(api.OpenAPISpec)
	if err != nil {
		return nil, fmt.Errorf("contract: load openapi.yaml: %w", err)
	}
	if err := doc.Validate(loader.Context); err != nil {
		return nil, fmt.Errorf("contract: openapi.yaml is invalid: %w", err)
	}
	doc.Servers = nil
	return doc, nil
}

// Validator checks requests and responses against the spec.
type Validator struct {
	doc    *openapi3.T
	router routers.Router
	cfg    config
}

// NewValidator loads the spec and builds a router.
func NewValidator(opts ...Option) (*Validator, error) {
	cfg := config{basePath: DefaultBasePath, requireHeaders: true}
	for _, o := range opts {
		o(&cfg)
	}
	doc, err := Load()
	if err != nil {
		return nil, err
	}
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		return nil, fmt.Errorf("contract: router: %w", err)
	}
	return &Validator{doc: doc, router: router, cfg: cfg}, nil
}

// Transport returns a RoundTripper validating all traffic through base
// (http.DefaultTransport when nil) and reporting violations with t.Errorf.
func Transport(t testing.TB, base http.RoundTripper, opts ...Option) http.RoundTripper {
	t.Helper()
	v, err := NewValidator(opts...)
	if err != nil {
		t.Fatalf("%v", err)
	}
	if base == nil {
		base = http.DefaultTransport
	}
	return &transport{t: t, v: v, base: base}
}

// Client is an *http.Client using Transport.
func Client(t testing.TB, opts ...Option) *http.Client {
	t.Helper()
	return &http.Client{Transport: Transport(t, nil, opts...)}
}

type transport struct {
	t    testing.TB
	v    *Validator
	base http.RoundTripper
}

func (tr *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	skip := tr.v.cfg.skipRequests || req.Header.Get(SkipRequestHeader) != ""
	if on, _ := req.Context().Value(skipKey{}).(bool); on {
		skip = true
	}
	if req.Header.Get(SkipRequestHeader) != "" {
		req = req.Clone(req.Context())
		req.Header.Del(SkipRequestHeader)
	}
	var body []byte
	if req.Body != nil && req.Body != http.NoBody {
		var err error
		body, err = io.ReadAll(req.Body)
		_ = req.Body.Close()
		if err != nil {
			return nil, err
		}
		req = req.Clone(req.Context())
		req.Body = io.NopCloser(bytes.NewReader(body))
		req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	}
	where := req.Method + " " + req.URL.RequestURI()

	in, rerr := tr.v.CheckRequest(req, body)
	if rerr != nil && !skip {
		tr.t.Errorf("contract: request %s: %v", where, rerr)
	}

	resp, err := tr.base.RoundTrip(req)
	if err != nil {
		return resp, err
	}
	data, err := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(data))
	if err != nil {
		tr.t.Errorf("contract: response %s: reading body: %v", where, err)
		return resp, nil
	}
	for _, e := range tr.v.CheckResponse(in, resp.StatusCode, resp.Header, data) {
		tr.t.Errorf("contract: response %s → %d: %v", where, resp.StatusCode, e)
	}
	return resp, nil
}

// RequestInput is what CheckRequest found: the route of the request, or nil
// when the spec has no such operation.
type RequestInput struct {
	in  *openapi3filter.RequestValidationInput
	req *http.Request
}

// CheckRequest validates one request (body given separately, as already
// read). The returned input is needed by CheckResponse even when the request
// is invalid.
func (v *Validator) CheckRequest(req *http.Request, body []byte) (*RequestInput, error) {
	r := req.Clone(req.Context())
	p := r.URL.Path
	if v.cfg.basePath != "" {
		rest, ok := strings.CutPrefix(p, v.cfg.basePath)
		if !ok || (rest != "" && rest[0] != '/') {
			return &RequestInput{req: req}, fmt.Errorf("path %s is not under the base path %s", p, v.cfg.basePath)
		}
		p = rest
	}
	u := *r.URL
	u.Path, u.RawPath = p, ""
	r.URL = &u
	r.Body = io.NopCloser(bytes.NewReader(body))
	r.GetBody = nil
	route, params, err := v.router.FindRoute(r)
	if err != nil {
		if errors.Is(err, routers.ErrMethodNotAllowed) {
			return &RequestInput{req: req}, fmt.Errorf("the spec has no operation %s %s", req.Method, p)
		}
		return &RequestInput{req: req}, fmt.Errorf("the spec has no path %s", p)
	}
	opts := &openapi3filter.Options{
		MultiError:          true,
		SkipSettingDefaults: true,
		AuthenticationFunc:  authenticate,
	}
	opts.WithCustomSchemaErrorFunc(compactSchemaError)
	in := &openapi3filter.RequestValidationInput{Request: r, PathParams: params, Route: route, Options: opts}
	return &RequestInput{in: in, req: req}, openapi3filter.ValidateRequest(req.Context(), in)
}

// authenticate accepts any non-empty key in the scheme's header: the
// contract requires a key, the server decides whether it is good.
func authenticate(_ context.Context, ai *openapi3filter.AuthenticationInput) error {
	h := ai.RequestValidationInput.Request.Header
	switch s := ai.SecurityScheme; {
	case s.Type == "apiKey" && s.In == "header":
		if strings.TrimSpace(h.Get(s.Name)) == "" {
			return fmt.Errorf("no %s header", s.Name)
		}
	case s.Type == "http" && strings.EqualFold(s.Scheme, "bearer"):
		a := h.Get("Authorization")
		if len(a) < 8 || !strings.EqualFold(a[:7], "bearer ") || strings.TrimSpace(a[7:]) == "" {
			return errors.New("no Authorization: Bearer header")
		}
	}
	return nil
}

// CheckResponse validates a response to a request checked by CheckRequest
// and returns every violation.
func (v *Validator) CheckResponse(ri *RequestInput, status int, header http.Header, body []byte) []error {
	if ri == nil || ri.in == nil {
		// No operation in the spec (e.g. a deliberately unknown path): the
		// answer must still be an error in the contract's shape.
		if status < 400 {
			return []error{fmt.Errorf("status %d for a request the spec does not define", status)}
		}
		return v.checkErrorBody(header, body)
	}
	opts := &openapi3filter.Options{MultiError: true, IncludeResponseStatus: true}
	opts.WithCustomSchemaErrorFunc(compactSchemaError)
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: ri.in,
		Status:                 status,
		Header:                 header,
		Options:                opts,
	}
	in.SetBodyBytes(body)
	var errs []error
	if err := openapi3filter.ValidateResponse(context.Background(), in); err != nil {
		errs = append(errs, err)
	}
	ref := ri.in.Route.Operation.Responses.Status(status)
	if v.cfg.requireHeaders && ref != nil && ref.Value != nil {
		names := make([]string, 0, len(ref.Value.Headers))
		for name := range ref.Value.Headers {
			names = append(names, name)
		}
		sort.Strings(names)
		for _, name := range names {
			if header.Get(name) == "" {
				errs = append(errs, fmt.Errorf("header %s is documented for this response but missing", name))
			}
		}
	}
	if status >= 400 && ref == nil {
		// Undocumented error status (already reported): still check the shape.
		errs = append(errs, v.checkErrorBody(header, body)...)
	} else if status >= 400 {
		errs = append(errs, nonEmptyError(body)...)
	}
	return errs
}

// compactSchemaError words a schema violation on one line: where, what, and
// the offending value (shortened).
func compactSchemaError(err *openapi3.SchemaError) string {
	var b strings.Builder
	if p := err.JSONPointer(); len(p) > 0 {
		fmt.Fprintf(&b, "at /%s: ", strings.Join(p, "/"))
	}
	switch {
	case err.Origin != nil:
		b.WriteString(err.Origin.Error())
	case err.Reason != "":
		b.WriteString(err.Reason)
	default:
		fmt.Fprintf(&b, "does not match the schema's %q", err.SchemaField)
	}
	if v, e := json.Marshal(err.Value); e == nil {
		s := string(v)
		if len(s) > 120 {
			s = s[:117] + "..."
		}
		fmt.Fprintf(&b, " (value %s)", s)
	}
	return b.String()
}

// nonEmptyError requires the error text to say something.
func nonEmptyError(body []byte) []error {
	var m map[string]any
	if json.Unmarshal(body, &m) == nil {
		if s, ok := m["error"].(string); ok && strings.TrimSpace(s) == "" {
			return []error{errors.New(`error body has an empty "error" text`)}
		}
	}
	return nil
}

// checkErrorBody requires a JSON body matching the Error schema.
func (v *Validator) checkErrorBody(header http.Header, body []byte) []error {
	mt, _, _ := mime.ParseMediaType(header.Get("Content-Type"))
	if mt != "application/json" {
		return []error{fmt.Errorf("error body has Content-Type %q, want application/json", header.Get("Content-Type"))}
	}
	var val any
	if err := json.Unmarshal(body, &val); err != nil {
		return []error{fmt.Errorf("error body is not JSON: %v", err)}
	}
	ref := v.doc.Components.Schemas["Error"]
	if ref == nil || ref.Value == nil {
		return []error{errors.New("the spec has no Error schema")}
	}
	if err := ref.Value.VisitJSON(val, openapi3.SetSchemaErrorMessageCustomizer(compactSchemaError)); err != nil {
		return []error{fmt.Errorf("error body does not match the Error schema: %v", err)}
	}
	return nonEmptyError(body)
}
