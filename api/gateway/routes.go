package gateway

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/petitmonde/chargedesk/api/server"
)

// routes is what the gateway serves an authenticated agent: the contract's
// endpoints under ClientPath, and the events stream. Each handler returns
// an answer; reply is the one way out (the key taken out, the team's
// headers).
func (g *Gateway) routes() http.Handler {
	rt := server.NewRouter(http.HandlerFunc(notFound))
	rt.Handle("GET "+ClientPath+"/search", g.answering(g.search))
	rt.Handle("GET "+ClientPath+"/usage", g.answering(func(r *http.Request) answer { return g.usage(r.Context()) }))
	rt.Handle("GET "+ClientPath+"/bookings", g.answering(g.list))
	rt.Handle("POST "+ClientPath+"/bookings", g.answering(func(r *http.Request) answer { return g.create(r, callerOf(r).agent) }))
	rt.Handle("GET "+ClientPath+"/bookings/{id}", g.answering(withBookingID(func(r *http.Request, id string) answer {
		return g.booking(r.Context(), id)
	})))
	rt.Handle("POST "+ClientPath+"/bookings/{id}/cancel", g.answering(withBookingID(func(r *http.Request, id string) answer {
		return g.cancel(r, callerOf(r).agent, id)
	})))
	rt.HandleFunc("GET "+EventsPath, g.events)
	return rt
}

// answering is a handler whose answer reply writes.
func (g *Gateway) answering(h func(*http.Request) answer) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { g.reply(w, r, h(r)) })
}

// withBookingID refuses a path whose {id} is not a booking id, so that no
// id can rewrite the request the gateway sends upstream.
func withBookingID(h func(*http.Request, string) answer) func(*http.Request) answer {
	return func(r *http.Request) answer {
		id := r.PathValue("id")
		if !validBookingID(id) {
			return answer{status: http.StatusNotFound, body: errorBody("Booking not found: not a booking id")}
		}
		return h(r, id)
	}
}

// notFound answers a path the gateway does not serve.
func notFound(w http.ResponseWriter, r *http.Request) {
	msg := "Not found: the gateway serves " + ClientPath + " and " + EventsPath
	if strings.HasPrefix(r.URL.Path, ClientPath+"/") {
		msg = "Not found: " + r.Method + " " + strings.TrimPrefix(r.URL.Path, ClientPath)
	}
	server.WriteError(w, http.StatusNotFound, msg)
}

// marked sets the gateway's Header on every answer, so a client can tell
// it talks to a gateway.
func marked(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set(Header, "1")
		next.ServeHTTP(w, r)
	})
}

// caller is the agent a request comes from, and its token (an events
// stream checks it again at every event).
type caller struct {
	agent, token string
}

type callerKey struct{}

func callerOf(r *http.Request) caller {
	c, _ := r.Context().Value(callerKey{}).(caller)
	return c
}

// authenticated lets through a request with an active agent's token
// (verified from memory: tokens.go), and answers any other 401 (with the
// team's rate-limit headers), before routing: without a token, no path is
// told from another, nothing of the request is read, and the connection
// is closed with the answer, so an unauthenticated client holds nothing
// open.
func (g *Gateway) authenticated(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		token := agentToken(r)
		agent, err := g.agentOf(r.Context(), token)
		if err != nil {
			// Nothing more is read from this client: a body it trickles
			// does not hold the connection, which closes with the answer.
			_ = http.NewResponseController(w).SetReadDeadline(time.Now())
			g.writeRateHeaders(w, "")
			w.Header().Set("Connection", "close")
			writeBody(w, http.StatusUnauthorized, errorBody("Invalid agent token: ask the team lead for one (chargedesk gateway agent add NAME)"))
			return
		}
		g.budget.seen(agent, g.now())
		server.LogAttrs(r.Context(), slog.String("agent", agent))
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), callerKey{}, caller{agent: agent, token: token})))
	})
}

// agentOf is the active agent whose token this is; a store that cannot
// tell is logged (the request is refused).
func (g *Gateway) agentOf(ctx context.Context, token string) (string, error) {
	agent, err := g.tokens.agent(ctx, token)
	if err != nil && !errors.Is(err, ErrUnknownToken) && !errors.Is(err, context.Canceled) {
		g.log.Error("the store cannot check an agent token: the request is refused as unauthenticated", "err", g.redactLog(err.Error()))
	}
	return agent, err
}

// agentIn is the agent a request context is for ("": none, the gateway's
// own request).
func agentIn(ctx context.Context) string {
	c, _ := ctx.Value(callerKey{}).(caller)
	return c.agent
}

// agentToken reads the agent token where the API reads its key.
func agentToken(r *http.Request) string {
	token := strings.TrimSpace(r.Header.Get("X-API-Key"))
	if token == "" {
		token, _ = strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		token = strings.TrimSpace(token)
	}
	return token
}
