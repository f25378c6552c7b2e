package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/petitmonde/chargedesk/api"
	"github.com/petitmonde/chargedesk/model"
)

// invocation is one run of a command: where its output goes, the keys it
// must never print, whether the caller asked for JSON and, once connected,
// the client.
type invocation struct {
	env   Env
	cmd   *cobra.Command
	name  string // "search", …; "" for the root command
	json  bool
	keys  []string
	ctx   context.Context
	flags connFlags // what to connect to
	conn  *conn
}

func newInvocation(cmd *cobra.Command, env Env) *invocation {
	inv := &invocation{env: env, cmd: cmd, ctx: cmd.Context(), keys: []string{env.Getenv(api.EnvAPIKey)}}
	if cmd.HasParent() {
		inv.name = strings.TrimPrefix(cmd.CommandPath(), cmd.Root().Name()+" ") // "search", "gateway agent add"
	}
	if inv.ctx == nil {
		inv.ctx = context.Background()
	}
	if f := cmd.Flags().Lookup("json"); f != nil {
		inv.json = f.Value.String() == "true"
	}
	return inv
}

// errInterrupted ends a command stopped by Ctrl-C.
var errInterrupted = errors.New("interrupted")

// prefix starts every line the command writes to stderr.
func (inv *invocation) prefix() string {
	if inv.name == "" {
		return "chargedesk"
	}
	return "chargedesk " + inv.name
}

// connect builds the client for the command's flags and says on stderr when
// it runs on the demo simulator. It returns an exit code, or -1 when connected.
func (inv *invocation) connect() int {
	f := inv.flags
	cn, err := connect(inv.env, f, nil, func(text string) { inv.errLine("chargedesk: " + text) })
	inv.keys = append(inv.keys, cn.keys...)
	var se *setupError
	if errors.As(err, &se) {
		return inv.report(failure{Error: se.Error(), Kind: se.kind}, se.exit, "")
	}
	inv.conn = cn
	for _, w := range cn.warnings {
		inv.errLine("chargedesk: warning: " + w)
	}
	switch {
	case cn.demo && f.demo:
		inv.errLine("chargedesk: --demo: using the embedded demo simulator; nothing is booked for real")
	case cn.demo:
		inv.errLine("chargedesk: no API key configured: using the embedded demo simulator; nothing is booked for real")
	case cn.insecure:
		inv.errLine("chargedesk: --insecure-http: the API key goes over plain http to " + cn.res.Host())
	}
	inv.resolvePending()
	return -1
}

// resolvePending settles, by look-up and before anything else is sent, the
// creates that a crashed or killed run left in the journal, and says what
// became of each.
func (inv *invocation) resolvePending() {
	j := inv.conn.journal
	if j == nil {
		return
	}
	pending, _ := j.Pending()
	for _, a := range pending {
		what := fmt.Sprintf("chargedesk: an attempt from %s (external id %s)", berlinTime(a.When(), "2006-01-02 15:04"), a.ExternalID)
		b, err := inv.client().LookUpAttempt(inv.ctx, a.Request, a.Since)
		switch {
		case err != nil && api.KindOf(err) != api.KindConflict:
			inv.errLine(what + " could not be checked (" + model.SanitizeLine(api.ShortError(err)) + "); it is checked again next time")
			continue
		case b != nil:
			inv.errLine(fmt.Sprintf("%s was made: booking %s, %s", what, b.ID, b.Status))
		default:
			inv.errLine(what + " made no booking; nothing was booked")
		}
		_ = j.Resolved(a.ExternalID)
	}
}

// close stops what connect started.
func (inv *invocation) close() {
	if inv.conn != nil {
		inv.conn.close()
	}
}

func (inv *invocation) client() *api.Client { return inv.conn.client }

// now reads the commands' clock.
func (inv *invocation) now() time.Time { return inv.env.Clock.Now() }

// given tells whether the flag was set on the command line.
func (inv *invocation) given(name string) bool { return inv.cmd.Flags().Changed(name) }

// redact removes every configured key from s.
func (inv *invocation) redact(s string) string { return redactAll(s, inv.keys) }

// out writes s to stdout, keys redacted.
func (inv *invocation) out(s string) { _, _ = io.WriteString(inv.env.Stdout, inv.redact(s)) }

// errLine writes one line to stderr, keys redacted.
func (inv *invocation) errLine(s string) { _, _ = io.WriteString(inv.env.Stderr, inv.redact(s)+"\n") }

// note is a human-mode remark on stderr (silent with --json).
func (inv *invocation) note(s string) {
	if !inv.json {
		inv.errLine(inv.prefix() + ": " + s)
	}
}

// emitJSON writes v as JSON to stdout: indented, or one line (the JSON lines
// of --wait).
func (inv *invocation) emitJSON(v any, line bool) {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if !line {
		enc.SetIndent("", "  ")
	}
	if err := enc.Encode(v); err != nil {
		inv.errLine("chargedesk: " + err.Error())
		return
	}
	inv.out(b.String())
}

// scrub returns v with every configured key masked in its texts, by way of
// its JSON: server data is cleaned of the key before it is formatted (a
// truncated table cell would hide a key from redaction at output).
func scrub[T any](inv *invocation, v T) T {
	b, err := json.Marshal(v)
	if err != nil {
		return v
	}
	clean := inv.redact(string(b))
	if clean == string(b) {
		return v
	}
	var out T
	if err := json.Unmarshal([]byte(clean), &out); err != nil {
		return v
	}
	return out
}

// cleanBooking makes a booking from the server safe to print: no key, no
// escape sequences.
func (inv *invocation) cleanBooking(b model.Booking) model.Booking {
	return model.SanitizeBooking(scrub(inv, b))
}

// wantsJSON tells --json before the flags are parsed, so that a usage error
// is reported in the form the caller asked for.
func wantsJSON(args []string) bool {
	for _, a := range args {
		switch a {
		case "--":
			return false
		case "--json", "--json=true", "--json=1":
			return true
		}
	}
	return false
}
