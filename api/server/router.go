package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"path"
	"slices"
	"strings"

	"github.com/petitmonde/chargedesk/model"
)

// Router routes requests with the standard library's ServeMux patterns
// ("GET /api/v1/client/bookings/{id}"), and answers what it does not route
// in the contract's error shape ({"error": "…"}, application/json):
//   - a known path with a wrong method: 405 with Allow, the methods its
//     patterns name (HEAD is never routed: the contract has none, and
//     ServeMux would otherwise hand a HEAD to the GET pattern);
//   - an unknown path, or one that is not clean (//, /./, /../, which
//     ServeMux would redirect): the server's own not-found answer.
//
// A routed request's pattern goes into its access-log line as "route".
type Router struct {
	mux      *http.ServeMux
	notFound http.Handler
	methods  map[string][]string // path pattern → its methods, as registered
}

// NewRouter is a router whose unknown paths notFound answers.
func NewRouter(notFound http.Handler) *Router {
	return &Router{mux: http.NewServeMux(), notFound: notFound, methods: map[string][]string{}}
}

// Handle routes pattern, "METHOD /path", to h. It panics on a pattern
// without a method, a HEAD, or one ServeMux refuses (a conflict): a
// programming error, found by any test that builds the server.
func (rt *Router) Handle(pattern string, h http.Handler) {
	method, p, ok := strings.Cut(pattern, " ")
	if !ok || method == "" || method == http.MethodHead || strings.HasSuffix(p, "/") {
		panic(fmt.Sprintf("server: route %q: want \"METHOD /path\", not HEAD, the path not ending in /", pattern))
	}
	rt.mux.Handle(pattern, h)
	rt.methods[p] = append(rt.methods[p], method)
}

// HandleFunc is Handle for a function.
func (rt *Router) HandleFunc(pattern string, h func(http.ResponseWriter, *http.Request)) {
	rt.Handle(pattern, http.HandlerFunc(h))
}

// ServeHTTP routes r.
func (rt *Router) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !clean(r.URL.EscapedPath()) {
		rt.notFound.ServeHTTP(w, r)
		return
	}
	h, pattern := rt.mux.Handler(r)
	if pattern == "" {
		// ServeMux's own 404 or 405: its answer says which, and Allow.
		probe := &discard{header: http.Header{}}
		h.ServeHTTP(probe, r)
		if probe.status == http.StatusMethodNotAllowed {
			rt.methodNotAllowed(w, r, strings.Split(probe.header.Get("Allow"), ", "))
			return
		}
		rt.notFound.ServeHTTP(w, r)
		return
	}
	if r.Method == http.MethodHead { // matched a GET pattern
		_, p, _ := strings.Cut(pattern, " ")
		rt.methodNotAllowed(w, r, rt.methods[p])
		return
	}
	LogAttrs(r.Context(), slog.String("route", pattern))
	rt.mux.ServeHTTP(w, r)
}

// methodNotAllowed answers 405 with the methods allowed on r's path.
func (rt *Router) methodNotAllowed(w http.ResponseWriter, r *http.Request, allowed []string) {
	allowed = slices.DeleteFunc(slices.Clone(allowed), func(m string) bool { return m == http.MethodHead })
	slices.Sort(allowed)
	w.Header().Set("Allow", strings.Join(allowed, ", "))
	WriteError(w, http.StatusMethodNotAllowed, fmt.Sprintf("Method %s not allowed on %s: use %s",
		r.Method, r.URL.Path, strings.Join(allowed, " or ")))
}

// clean tells whether an escaped path is as ServeMux would route it
// without a redirect: no empty, . or .. segment.
func clean(p string) bool {
	c := path.Clean(p)
	if strings.HasSuffix(p, "/") && c != "/" {
		c += "/"
	}
	return c == p
}

// WriteError writes the contract's error answer: {"error": msg}.
func WriteError(w http.ResponseWriter, status int, msg string) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(model.ErrorBody{Error: msg})
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// discard is a ResponseWriter that keeps the status and headers only.
type discard struct {
	header http.Header
	status int
}

func (d *discard) Header() http.Header         { return d.header }
func (d *discard) WriteHeader(status int)      { d.status = status }
func (d *discard) Write(p []byte) (int, error) { return len(p), nil }
