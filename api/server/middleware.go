package server

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"runtime/debug"
	"sync"
	"time"
	"unicode/utf8"
)

// LogFormats are the formats NewLogger knows: --log-format's values.
var LogFormats = []string{"text", "json"}

// NewLogger is a logger writing to w in format, text or json.
func NewLogger(w io.Writer, format string) (*slog.Logger, error) {
	switch format {
	case "text":
		return slog.New(slog.NewTextHandler(w, nil)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, nil)), nil
	}
	return nil, fmt.Errorf("%q is not a log format: text or json", format)
}

// Redact takes every secret (a key, a token) out of a text a server logs;
// nil takes nothing out.
type Redact func(string) string

func (f Redact) apply(s string) string {
	if f == nil {
		return s
	}
	return f(s)
}

// maxLoggedPath bounds the path an access-log line holds.
const maxLoggedPath = 256

// AccessLog logs one line per request when it is answered: method, path
// (never the query, which may hold anything), status, duration_ms, and what
// the handlers added with LogAttrs (route, agent). redact takes secrets
// out of the path. A nil or disabled logger adds nothing to a request.
func AccessLog(log *slog.Logger, redact Redact, next http.Handler) http.Handler {
	if log == nil || !log.Enabled(context.Background(), slog.LevelInfo) {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := record(w)
		f := &fields{}
		r = r.WithContext(context.WithValue(r.Context(), fieldsKey{}, f))
		defer func() {
			attrs := []slog.Attr{slog.String("method", r.Method), slog.String("path", loggedPath(redact.apply(r.URL.Path))),
				slog.Int("status", rec.status), durationMS(time.Since(start))}
			if rec.hijacked {
				attrs = append(attrs, slog.Bool("hijacked", true))
			}
			attrs = append(attrs, f.get()...)
			log.LogAttrs(context.WithoutCancel(r.Context()), slog.LevelInfo, "request", attrs...)
		}()
		next.ServeHTTP(rec, r)
	})
}

// durationMS is how long a request took, in milliseconds to the
// microsecond: one number in text and in JSON alike.
func durationMS(d time.Duration) slog.Attr {
	return slog.Float64("duration_ms", float64(d.Microseconds())/1000)
}

func loggedPath(p string) string {
	if len(p) <= maxLoggedPath {
		return p
	}
	cut := maxLoggedPath
	for cut > 0 && !utf8.RuneStart(p[cut]) {
		cut--
	}
	return p[:cut] + "…"
}

// LogAttrs adds attrs to the access-log line of the request ctx belongs
// to (nothing without an access log).
func LogAttrs(ctx context.Context, attrs ...slog.Attr) {
	if f, ok := ctx.Value(fieldsKey{}).(*fields); ok {
		f.add(attrs)
	}
}

type fieldsKey struct{}

// fields are what a request's handlers add to its access-log line.
type fields struct {
	mu    sync.Mutex
	attrs []slog.Attr
}

func (f *fields) add(attrs []slog.Attr) {
	f.mu.Lock()
	f.attrs = append(f.attrs, attrs...)
	f.mu.Unlock()
}

func (f *fields) get() []slog.Attr {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.attrs
}

// Recover answers a request whose handler panicked with 500 in the
// contract's error shape (when nothing was sent yet) and logs the panic
// with its stack, so that one bad request neither kills the server nor
// goes unseen. http.ErrAbortHandler (a deliberate abort) passes through.
func Recover(log *slog.Logger, redact Redact, next http.Handler) http.Handler {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := record(w)
		defer func() {
			v := recover()
			if v == nil {
				return
			}
			if err, ok := v.(error); ok && errors.Is(err, http.ErrAbortHandler) {
				panic(v)
			}
			log.LogAttrs(context.WithoutCancel(r.Context()), slog.LevelError, "panic serving a request",
				slog.String("method", r.Method), slog.String("path", loggedPath(redact.apply(r.URL.Path))),
				slog.String("panic", redact.apply(fmt.Sprint(v))), slog.String("stack", string(debug.Stack())))
			if rec.status == 0 && !rec.hijacked {
				WriteError(rec, http.StatusInternalServerError, "Internal error: the server failed on this request (it is logged); nothing more is known")
			}
		}()
		next.ServeHTTP(rec, r)
	})
}

// recorder is a ResponseWriter that remembers the status sent and whether
// the connection was taken over; it flushes and hijacks as the writer it
// wraps does.
type recorder struct {
	http.ResponseWriter
	status   int // 0: nothing sent yet
	hijacked bool
}

// record wraps w, once.
func record(w http.ResponseWriter) *recorder {
	if rec, ok := w.(*recorder); ok {
		return rec
	}
	return &recorder{ResponseWriter: w}
}

func (rec *recorder) WriteHeader(status int) {
	if rec.status == 0 && status >= 200 {
		rec.status = status
	}
	rec.ResponseWriter.WriteHeader(status)
}

func (rec *recorder) Write(p []byte) (int, error) {
	if rec.status == 0 {
		rec.status = http.StatusOK
	}
	return rec.ResponseWriter.Write(p)
}

// Flush sends what is buffered (an event stream's event).
func (rec *recorder) Flush() { _ = http.NewResponseController(rec.ResponseWriter).Flush() }

// Hijack hands the connection over (the simulator's dropped connections).
func (rec *recorder) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	conn, rw, err := http.NewResponseController(rec.ResponseWriter).Hijack()
	if err == nil {
		rec.hijacked = true
	}
	return conn, rw, err
}

// Unwrap is the wrapped writer, for http.ResponseController.
func (rec *recorder) Unwrap() http.ResponseWriter { return rec.ResponseWriter }

// LimitBody bounds what a request may send: at most max bytes of body (a
// read past it fails with *http.MaxBytesError, and the connection is
// closed after the answer), sent within timeout of the handler's start. The
// read deadline is lifted once the body is read to its end, so that a
// long answer (an event stream) is not cut by it.
func LimitBody(max int64, timeout time.Duration, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Body == nil || r.Body == http.NoBody {
			next.ServeHTTP(w, r)
			return
		}
		rc := http.NewResponseController(w)
		if rc.SetReadDeadline(time.Now().Add(timeout)) == nil {
			r.Body = &deadlineBody{ReadCloser: r.Body, lift: func() { _ = rc.SetReadDeadline(time.Time{}) }}
		}
		r.Body = http.MaxBytesReader(w, r.Body, max)
		next.ServeHTTP(w, r)
	})
}

// deadlineBody lifts the read deadline when the body is read to its end.
type deadlineBody struct {
	io.ReadCloser
	lift   func()
	lifted bool
}

func (b *deadlineBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err == io.EOF && !b.lifted {
		b.lifted = true
		b.lift()
	}
	return n, err
}
