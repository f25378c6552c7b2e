// Package server is how chargedesk runs an HTTP server: the simulator
// (`chargedesk serve`, demo mode) and the gateway (`chargedesk gateway`)
// listen, serve and shut down through Listen, route with Router (the
// standard library's ServeMux, answering 404 and 405 in the contract's
// JSON error shape), and share the access log and panic recovery
// (middleware.go). It knows nothing of either server.
package server

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"
)

// Timeouts of every server: a client has ReadHeaderTimeout to send its
// request's headers; an idle keep-alive connection is closed after
// IdleTimeout. There is no read or write timeout on the whole request: a
// read deadline would also end event streams (their handlers bound what
// they read instead). A stop lets the requests in flight finish for
// ShutdownGrace, then closes what is left.
const (
	ReadHeaderTimeout = 10 * time.Second
	IdleTimeout       = 2 * time.Minute
	ShutdownGrace     = 10 * time.Second
	MaxHeaderBytes    = 64 << 10
)

// Config is what a server serves, and where.
type Config struct {
	// Addr is HOST:PORT (port 0: any free one).
	Addr string
	// TLSCert and TLSKey are the certificate and private key files: both
	// set, the server speaks https; both empty, http.
	TLSCert, TLSKey string
	Handler         http.Handler
	// Log gets the server's own errors (a failed TLS handshake, …); nil:
	// nothing.
	Log *slog.Logger
}

// Server is a running server. Wait and Stop are for the one goroutine
// that runs it.
type Server struct {
	srv  *http.Server
	ln   net.Listener
	url  string
	errc chan error // what Serve ended with, sent once
	done bool       // errc was read
}

// Listen listens on c.Addr and serves c.Handler in the background until
// Stop. A certificate that cannot be loaded fails here, before anything
// listens.
func Listen(c Config) (*Server, error) {
	if (c.TLSCert == "") != (c.TLSKey == "") {
		return nil, errors.New("a TLS certificate needs its key, and a key its certificate")
	}
	log := c.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	srv := &http.Server{
		Handler:           c.Handler,
		ReadHeaderTimeout: ReadHeaderTimeout,
		IdleTimeout:       IdleTimeout,
		MaxHeaderBytes:    MaxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	scheme := "http"
	if c.TLSCert != "" {
		cert, err := tls.LoadX509KeyPair(c.TLSCert, c.TLSKey)
		if err != nil {
			return nil, fmt.Errorf("TLS certificate %s and key %s: %w", c.TLSCert, c.TLSKey, err)
		}
		srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
		scheme = "https"
	}
	ln, err := net.Listen("tcp", c.Addr)
	if err != nil {
		return nil, err
	}
	s := &Server{srv: srv, ln: ln, url: scheme + "://" + ln.Addr().String(), errc: make(chan error, 1)}
	go func() {
		if srv.TLSConfig != nil {
			s.errc <- srv.ServeTLS(ln, "", "")
		} else {
			s.errc <- srv.Serve(ln)
		}
	}()
	return s, nil
}

// URL is the server's root: scheme, host and port, no path.
func (s *Server) URL() string { return s.url }

// Wait blocks until ctx ends (nil) or the server stops serving by itself
// (its error). Stop it after.
func (s *Server) Wait(ctx context.Context) error {
	select {
	case <-ctx.Done():
		return nil
	case err := <-s.errc:
		s.done = true
		return err
	}
}

// Stop stops listening and lets the requests in flight finish for
// ShutdownGrace; then it closes every connection left (a long request, an
// event stream whose handler did not end). It returns when the server has
// stopped.
func (s *Server) Stop() {
	ctx, cancel := context.WithTimeout(context.Background(), ShutdownGrace)
	defer cancel()
	if err := s.srv.Shutdown(ctx); err != nil {
		_ = s.srv.Close()
	}
	if !s.done {
		s.done = true
		<-s.errc
	}
}
