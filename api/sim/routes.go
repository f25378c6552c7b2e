package sim

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/petitmonde/chargedesk/api/server"
)

// routes is the contract's endpoints, each behind authentication and the
// rate limits (admitted): an unknown path or a wrong method with a valid
// key is a counted 404 or 405.
func (s *Server) routes() http.Handler {
	rt := server.NewRouter(http.HandlerFunc(notFound))
	rt.Handle("GET "+BasePath+"/search", s.endpoint(func(w http.ResponseWriter, r *http.Request, c caller) {
		s.search(w, r, c.now)
	}))
	rt.Handle("GET "+BasePath+"/usage", s.endpoint(func(w http.ResponseWriter, _ *http.Request, c caller) {
		s.usageBody(w, c.usage, c.now)
	}))
	rt.Handle("GET "+BasePath+"/bookings", s.endpoint(func(w http.ResponseWriter, r *http.Request, c caller) {
		s.listBookings(w, r, c.key, c.now)
	}))
	rt.Handle("POST "+BasePath+"/bookings", s.endpoint(func(w http.ResponseWriter, r *http.Request, c caller) {
		s.createBooking(w, r, c.key, c.now)
	}))
	rt.Handle("GET "+BasePath+"/bookings/{id}", s.endpoint(func(w http.ResponseWriter, r *http.Request, c caller) {
		s.getBooking(w, r.PathValue("id"), c.key, c.now)
	}))
	rt.Handle("POST "+BasePath+"/bookings/{id}/cancel", s.endpoint(func(w http.ResponseWriter, r *http.Request, c caller) {
		s.cancelBooking(w, r, r.PathValue("id"), c.key, c.now)
	}))
	return s.admitted(rt)
}

// notFound answers a path the contract does not have.
func notFound(w http.ResponseWriter, r *http.Request) {
	if !strings.HasPrefix(r.URL.Path, BasePath+"/") {
		writeError(w, http.StatusNotFound, fmt.Sprintf("No such endpoint: %s (the API lives under %s)", r.URL.Path, BasePath))
		return
	}
	writeError(w, http.StatusNotFound, fmt.Sprintf("No such endpoint: %s", r.URL.Path))
}

// caller is who an admitted request comes from, as its handler needs it:
// the key, its usage, and the time the request is served at.
type caller struct {
	key   string
	usage *keyUsage
	now   time.Time
}

type callerKey struct{}

// endpoint is a handler of an admitted request.
func (s *Server) endpoint(h func(http.ResponseWriter, *http.Request, caller)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h(w, r, r.Context().Value(callerKey{}).(caller))
	})
}

// admitted is the authentication and rate-limit middleware: a request
// without a valid key gets 401 (403 for the suspended key), one over the
// limits 429; every answer carries the rate-limit headers. It runs under
// the server's lock (handle).
func (s *Server) admitted(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		now := s.now()
		s.bookings.syncTo(now) // before anything reads a status

		key, given := apiKey(r)
		if !given {
			s.freshHeaders(w, now)
			writeError(w, http.StatusUnauthorized, ErrMissingKey)
			return
		}
		if key != s.opts.Key && (s.opts.SuspendedKey == "" || key != s.opts.SuspendedKey) {
			s.freshHeaders(w, now)
			writeError(w, http.StatusUnauthorized, ErrInvalidKey)
			return
		}
		u := s.usageOf(key)
		if key == s.opts.SuspendedKey {
			u.headers(w, now, s.opts.RateLimit)
			writeError(w, http.StatusForbidden, ErrSuspended)
			return
		}
		if !s.admit(w, u, now) {
			return
		}
		u.headers(w, now, s.opts.RateLimit)
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), callerKey{}, caller{key: key, usage: u, now: now})))
	})
}

// redact takes the simulator's keys out of what it logs.
func (s *Server) redact(text string) string {
	for _, k := range []string{s.opts.Key, s.opts.SuspendedKey} {
		if k != "" {
			text = strings.ReplaceAll(text, k, "[key]")
		}
	}
	return text
}

// WithGeocoder is the simulator as `chargedesk serve` and demo mode serve
// it: the API under BasePath, and Geocoder under GeocoderPath.
func (s *Server) WithGeocoder() http.Handler {
	mux := http.NewServeMux()
	mux.Handle(GeocoderPath+"/", server.AccessLog(s.opts.Logger, nil, http.StripPrefix(GeocoderPath, Geocoder())))
	mux.Handle("/", s)
	return mux
}
