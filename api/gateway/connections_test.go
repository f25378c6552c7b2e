package gateway_test

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/petitmonde/chargedesk/api"
	"github.com/petitmonde/chargedesk/api/gateway"
	"github.com/petitmonde/chargedesk/api/server"
	"github.com/petitmonde/chargedesk/api/sim"
	"github.com/petitmonde/chargedesk/api/sim/simtest"
)

// listen serves g as chargedesk gateway does (server.Listen, its timeouts).
func listen(t *testing.T, g http.Handler) string {
	t.Helper()
	srv, err := server.Listen(server.Config{Addr: "127.0.0.1:0", Handler: g})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Stop)
	return strings.TrimPrefix(srv.URL(), "http://")
}

// closedAfter sends what on a new connection, reads one answer, and says
// whether the server then closed the connection (within the guard: a
// connection still open after it is a failure).
func closedAfter(addr, what string) (int, error) {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		return 0, err
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.WriteString(c, what); err != nil {
		return 0, err
	}
	br := bufio.NewReader(c)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		return 0, err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if _, err := br.ReadByte(); !errors.Is(err, io.EOF) {
		return resp.StatusCode, errors.New("the connection is still open after the answer: " + err.Error())
	}
	return resp.StatusCode, nil
}

// A connection without a valid token is closed with its 401: 200 that
// would sit idle after it and 20 that trickle a body the server does not
// want are all closed at once by the server (they all used to be open
// 130 s later). An agent's body over 64 kB is refused with 413.
func TestUnauthenticatedConnectionsAreClosed(t *testing.T) {
	r := newRig(t, sim.Options{})
	addr := listen(t, r.gw)
	idle := "GET " + gateway.ClientPath + "/usage HTTP/1.1\r\nHost: gw\r\nX-API-Key: cdg_0000\r\n\r\n"
	trickle := "POST " + gateway.ClientPath + "/bookings HTTP/1.1\r\nHost: gw\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{\"loc"
	var wg sync.WaitGroup
	errs := make(chan error, 220)
	for i := range 220 {
		what := idle
		if i%11 == 0 {
			what = trickle
		}
		wg.Go(func() {
			status, err := closedAfter(addr, what)
			if err == nil && status != http.StatusUnauthorized {
				err = errors.New("answered " + http.StatusText(status))
			}
			if err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	n := 0
	for err := range errs {
		if n++; n <= 3 {
			t.Error(err)
		}
	}
	if n > 0 {
		t.Errorf("%d of 220 unauthenticated connections were not closed with their 401", n)
	}

	tok, _ := r.store.AddAgent(context.Background(), "anna", t0)
	big := strings.Repeat("x", 1<<20)
	status, err := closedAfter(addr, "POST "+gateway.ClientPath+"/bookings/b1/cancel HTTP/1.1\r\nHost: gw\r\nX-API-Key: "+tok+
		"\r\nContent-Type: application/json\r\nContent-Length: 1048576\r\n\r\n"+big)
	if status != http.StatusRequestEntityTooLarge || err != nil {
		t.Errorf("a 1 MB body: %d, %v; want 413 and the connection closed", status, err)
	}
}

// Everything the gateway sends upstream shares one transport: 60 creates
// from 10 agents at once (each with its look-ups, if any, and the agents'
// reads) reach the API over at most 8 connections (each create used to
// build its own client, connection and handshake).
func TestCreatesShareTheGatewaysConnections(t *testing.T) {
	var mu sync.Mutex
	peers := map[string]bool{}
	up := simtest.Start(t, sim.Options{Seed: 1}, simtest.Unlimited(), simtest.Wrap(func(_ *simtest.Server, next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			peers[r.RemoteAddr] = true
			mu.Unlock()
			next.ServeHTTP(w, r)
		})
	}))
	_, st, url, _ := plainGateway(t, up, gateway.Config{Limit: 100000})
	var wg sync.WaitGroup
	for a := range 10 {
		tok, err := st.AddAgent(context.Background(), "agent"+string(rune('a'+a)), up.Clock.Now())
		if err != nil {
			t.Fatal(err)
		}
		c := api.New(api.Config{BaseURL: url + gateway.ClientPath, APIKey: tok, Now: up.Clock.Now, Retries: -1})
		wg.Go(func() {
			for i := range 6 {
				req := simtest.BookingRequest(up.Clock.Now(), time.Duration(1+a*6+i)*3*time.Hour, time.Hour)
				if _, err := c.CreateBooking(context.Background(), req); err != nil {
					t.Errorf("agent %d create %d: %v", a, i, err)
				}
				if _, err := c.Usage(context.Background()); err != nil {
					t.Errorf("agent %d usage: %v", a, err)
				}
			}
		})
	}
	wg.Wait()
	mu.Lock()
	defer mu.Unlock()
	t.Logf("60 creates through the gateway: %d POSTs reached the API over %d connections", up.Count(http.MethodPost, "/bookings"), len(peers))
	if len(peers) > 8 {
		t.Errorf("the gateway's requests came over %d connections, want at most 8", len(peers))
	}
}
