package server_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/petitmonde/chargedesk/api/server"
	"github.com/petitmonde/chargedesk/model"
)

// logBuffer is a log destination a test reads while a server writes it.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

// lines are the JSON records logged so far.
func (l *logBuffer) lines(t *testing.T) []map[string]any {
	t.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(l.buf.String()), "\n") {
		if line == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("a log line that is not JSON: %q", line)
		}
		out = append(out, m)
	}
	return out
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

func jsonLogger(w io.Writer) *slog.Logger {
	log, err := server.NewLogger(w, "json")
	if err != nil {
		panic(err)
	}
	return log
}

// router is a router of two paths, wrapped as the servers wrap theirs.
func router(log *slog.Logger) http.Handler {
	rt := server.NewRouter(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		server.WriteError(w, http.StatusNotFound, "No such endpoint: "+r.URL.Path)
	}))
	ok := func(w http.ResponseWriter, r *http.Request) {
		server.LogAttrs(r.Context(), slog.String("agent", "anna"))
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"id":"`+r.PathValue("id")+`"}`)
	}
	rt.HandleFunc("GET /v1/things", ok)
	rt.HandleFunc("POST /v1/things", ok)
	rt.HandleFunc("GET /v1/things/{id}", ok)
	rt.HandleFunc("POST /v1/things/{id}/cancel", ok)
	rt.HandleFunc("GET /v1/panic", func(http.ResponseWriter, *http.Request) { panic("broken with secret-key-123 inside") })
	redact := func(s string) string { return strings.ReplaceAll(s, "secret-key-123", "[key]") }
	return server.AccessLog(log, redact, server.Recover(log, redact, rt))
}

type answer struct {
	status int
	header http.Header
	err    string
}

func send(t *testing.T, h http.Handler, method, target string) answer {
	t.Helper()
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(method, target, nil))
	var eb model.ErrorBody
	if w.Code >= 400 {
		if ct := w.Header().Get("Content-Type"); ct != "application/json" {
			t.Errorf("%s %s → %d with Content-Type %q", method, target, w.Code, ct)
		}
		if err := json.Unmarshal(w.Body.Bytes(), &eb); err != nil || eb.Error == "" {
			t.Errorf("%s %s → %d %q: not the contract's error shape", method, target, w.Code, w.Body)
		}
	}
	return answer{w.Code, w.Header(), eb.Error}
}

// A known path with a wrong method is 405 with Allow (no HEAD: no route
// answers it); an unknown or unclean path is the server's 404; both in the
// contract's error shape.
func TestTheRouterAnswersWhatItDoesNotRoute(t *testing.T) {
	h := router(nil)
	cases := []struct {
		method, target string
		status         int
		allow, text    string
	}{
		{"DELETE", "/v1/things", 405, "GET, POST", "Method DELETE not allowed on /v1/things: use GET or POST"},
		{"POST", "/v1/things/abc", 405, "GET", "use GET"},
		{"GET", "/v1/things/abc/cancel", 405, "POST", "use POST"},
		{"HEAD", "/v1/things/abc", 405, "GET", ""},
		{"HEAD", "/v1/things", 405, "GET, POST", ""},
		{"GET", "/v1/nothing", 404, "", "No such endpoint: /v1/nothing"},
		{"GET", "/v1/things/", 404, "", "No such endpoint"},
		{"GET", "/v1/things/a/b", 404, "", "No such endpoint"},
		{"GET", "/v1//things", 404, "", "No such endpoint"},
		{"GET", "/v1/things/./x", 404, "", "No such endpoint"},
		{"POST", "/v1/things/../things/x/cancel", 404, "", "No such endpoint"},
		{"GET", "/v1/things/x", 200, "", ""},
		{"POST", "/v1/things/%2E%2E/cancel", 200, "", ""}, // an id of "..": the handler's to refuse
	}
	for _, c := range cases {
		a := send(t, h, c.method, c.target)
		if a.status != c.status || a.header.Get("Allow") != c.allow || (c.method != "HEAD" && !strings.Contains(a.err, c.text)) {
			t.Errorf("%s %s → %d Allow %q %q; want %d Allow %q %q", c.method, c.target, a.status, a.header.Get("Allow"), a.err, c.status, c.allow, c.text)
		}
	}
}

// One line per request: method, path (never the query), status, duration,
// the route and what the handlers added; secrets taken out of the path.
// A panic is a 500 in the contract's shape, logged with its stack.
func TestTheAccessLog(t *testing.T) {
	var logs logBuffer
	h := router(jsonLogger(&logs))
	send(t, h, "GET", "/v1/things/b1?token=secret-key-123&q=1")
	send(t, h, "DELETE", "/v1/things")
	send(t, h, "GET", "/v1/secret-key-123")
	if a := send(t, h, "GET", "/v1/panic"); a.status != 500 || !strings.Contains(a.err, "Internal error") {
		t.Errorf("a panic: %d %q", a.status, a.err)
	}
	lines := logs.lines(t)
	if strings.Contains(logs.String(), "secret-key-123") || strings.Contains(logs.String(), "q=1") {
		t.Errorf("the log holds a secret or a query:\n%s", logs.String())
	}
	want := []struct {
		path   string
		status float64
		route  string
	}{
		{"/v1/things/b1", 200, "GET /v1/things/{id}"},
		{"/v1/things", 405, ""},
		{"/v1/[key]", 404, ""},
		{"/v1/panic", 0, ""}, // the panic's own line
		{"/v1/panic", 500, "GET /v1/panic"},
	}
	if len(lines) != len(want) {
		t.Fatalf("%d lines, want %d:\n%s", len(lines), len(want), logs.String())
	}
	for i, w := range want {
		l := lines[i]
		if i == 3 {
			if l["level"] != "ERROR" || !strings.Contains(l["panic"].(string), "broken with [key] inside") || !strings.Contains(l["stack"].(string), "goroutine") {
				t.Errorf("the panic's line: %v", l)
			}
			continue
		}
		route, _ := l["route"].(string)
		if l["msg"] != "request" || l["path"] != w.path || l["status"] != w.status || route != w.route || l["duration_ms"] == nil || l["method"] == nil {
			t.Errorf("line %d: %v, want path %s status %v route %q", i, l, w.path, w.status, w.route)
		}
	}
	if lines[0]["agent"] != "anna" {
		t.Errorf("the handler's agent is not in its line: %v", lines[0])
	}
}

// A deliberate abort (http.ErrAbortHandler) is not a panic to recover.
func TestRecoverLetsAnAbortThrough(t *testing.T) {
	h := server.Recover(nil, nil, http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic(http.ErrAbortHandler) }))
	defer func() {
		if v := recover(); v != http.ErrAbortHandler {
			t.Errorf("recovered %v, want http.ErrAbortHandler passed on", v)
		}
	}()
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil))
}

func TestNewLoggerFormats(t *testing.T) {
	for _, f := range server.LogFormats {
		if _, err := server.NewLogger(io.Discard, f); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
	if _, err := server.NewLogger(io.Discard, "xml"); err == nil || !strings.Contains(err.Error(), "text or json") {
		t.Errorf("xml: %v", err)
	}
}

// Listen serves until Stop; Stop lets a request in flight finish, and a
// request after it finds nothing listening.
func TestListenServesAndStopsGracefully(t *testing.T) {
	inHandler, release := make(chan struct{}), make(chan struct{})
	srv, err := server.Listen(server.Config{Addr: "127.0.0.1:0", Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/slow" {
			close(inHandler)
			<-release
		}
		_, _ = io.WriteString(w, "done")
	})})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(srv.URL(), "http://127.0.0.1:") {
		t.Fatalf("URL %q", srv.URL())
	}
	got := make(chan string, 1)
	go func() {
		resp, err := http.Get(srv.URL() + "/slow")
		if err != nil {
			got <- err.Error()
			return
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		got <- string(b)
	}()
	<-inHandler
	stopped := make(chan struct{})
	go func() { srv.Stop(); close(stopped) }()
	select {
	case <-stopped:
		t.Fatal("Stop returned with a request in flight")
	case s := <-got:
		t.Fatalf("the request in flight ended before its handler did: %s", s)
	default:
	}
	close(release)
	if s := <-got; s != "done" {
		t.Errorf("the request in flight got %q", s)
	}
	<-stopped
	if _, err := http.Get(srv.URL() + "/"); err == nil {
		t.Error("a request after Stop was answered")
	}
}

// Wait returns when its context ends, and Listen refuses what it cannot
// serve before it listens.
func TestWaitAndRefusals(t *testing.T) {
	srv, err := server.Listen(server.Config{Addr: "127.0.0.1:0", Handler: http.NotFoundHandler()})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := srv.Wait(ctx); err != nil {
		t.Errorf("Wait after its context ended: %v", err)
	}
	srv.Stop()

	bad := filepath.Join(t.TempDir(), "cert.pem")
	if err := os.WriteFile(bad, []byte("not a certificate"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := server.Listen(server.Config{Addr: "127.0.0.1:0", TLSCert: bad, TLSKey: bad, Handler: http.NotFoundHandler()}); err == nil || !strings.Contains(err.Error(), "TLS certificate") {
		t.Errorf("a bad certificate: %v", err)
	}
	if _, err := server.Listen(server.Config{Addr: "127.0.0.1:0", TLSCert: bad, Handler: http.NotFoundHandler()}); err == nil {
		t.Error("a certificate without its key was accepted")
	}
	if _, err := server.Listen(server.Config{Addr: "256.0.0.1:0", Handler: http.NotFoundHandler()}); err == nil {
		t.Error("an address that cannot be listened on was accepted")
	}
}

// LimitBody bounds a body's size (413 from the handler's read, the
// connection closed) and the time it takes to arrive: a client that
// stalls halfway gets its answer when the time is up, and the connection
// is closed. A body that comes whole is read as it is.
func TestLimitBody(t *testing.T) {
	h := server.LimitBody(1<<10, 100*time.Millisecond, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, err := io.ReadAll(r.Body)
		var tooLarge *http.MaxBytesError
		switch {
		case errors.As(err, &tooLarge):
			server.WriteError(w, http.StatusRequestEntityTooLarge, "too large")
		case err != nil:
			server.WriteError(w, http.StatusRequestTimeout, "too slow: "+err.Error())
		default:
			_, _ = w.Write(b)
		}
	}))
	srv, err := server.Listen(server.Config{Addr: "127.0.0.1:0", Handler: h})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Stop()
	addr := strings.TrimPrefix(srv.URL(), "http://")
	send := func(what string, waitClose bool) (int, string, bool) {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		_ = c.SetDeadline(time.Now().Add(10 * time.Second))
		_, _ = io.WriteString(c, what)
		br := bufio.NewReader(c)
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if !waitClose {
			return resp.StatusCode, string(b), false
		}
		_, err = br.ReadByte()
		return resp.StatusCode, string(b), errors.Is(err, io.EOF)
	}
	if st, body, _ := send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello", false); st != 200 || body != "hello" {
		t.Errorf("a whole body: %d %q", st, body)
	}
	if st, _, closed := send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 4096\r\n\r\n"+strings.Repeat("x", 4096), true); st != 413 || !closed {
		t.Errorf("a body over the limit: %d, closed %v", st, closed)
	}
	if st, body, closed := send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nhal", true); st != 408 || !closed {
		t.Errorf("a body that stalls: %d %q, closed %v", st, body, closed)
	}
}
