package cli

import (
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/petitmonde/chargedesk/api"
	"github.com/petitmonde/chargedesk/model"
)

// failure is an error as --json reports it on stderr.
type failure struct {
	Error      string       `json:"error"`
	Kind       string       `json:"kind"`
	Status     int          `json:"status"`
	RetryAfter int          `json:"retry_after_s,omitempty"`
	Fields     []fieldIssue `json:"fields,omitempty"`
	// Candidates are the places an ambiguous --place could be.
	Candidates []string `json:"candidates,omitempty"`
}

type fieldIssue struct {
	Field   string `json:"field"`
	Flag    string `json:"flag,omitempty"`
	Message string `json:"message"`
}

// report writes a failure (one JSON line, or the text and an optional hint)
// and returns code.
func (inv *invocation) report(f failure, code int, hint string) int {
	f.Error = inv.redact(f.Error)
	if inv.json {
		b, _ := json.Marshal(f)
		inv.errLine(string(b))
		return code
	}
	inv.errLine(inv.prefix() + ": " + f.Error)
	if hint != "" {
		inv.errLine(hint)
	}
	return code
}

// usageError reports a bad command line (exit 2). msg may come from cobra,
// with the user's typing in it: it is cleaned line by line.
func (inv *invocation) usageError(msg string) int {
	lines := strings.Split(strings.TrimRight(msg, "\n"), "\n")
	for i, l := range lines {
		lines[i] = model.SanitizeLine(strings.ReplaceAll(l, "\t", "  "))
	}
	hint := "Run '" + inv.prefix() + " -h' for its flags."
	if inv.name == "" || inv.name == "help" {
		hint = "Run 'chargedesk help' for the commands."
	}
	return inv.report(failure{Error: strings.Join(lines, "\n"), Kind: "usage"}, exitUsage, hint)
}

// invalid reports values chargedesk refuses before sending (exit 3), in the
// TUI's words.
func (inv *invocation) invalid(fe model.FieldErrors) int {
	return inv.fail(&api.Error{Kind: api.KindValidation, Message: fe.Error(), Fields: fe, Err: fe})
}

// exitCode maps a failure to the documented exit code.
func exitCode(err error) int {
	if errors.Is(err, errInterrupted) {
		return exitInterrupted
	}
	switch api.KindOf(err) {
	case api.KindValidation, api.KindBadRequest:
		return exitInvalid
	case api.KindNotFound:
		return exitNotFound
	case api.KindConflict:
		return exitConflict
	case api.KindRateLimited:
		return exitRateLimited
	case api.KindNetwork, api.KindServer, api.KindDecode, api.KindUnknownOutcome, api.KindRedirect:
		return exitUnavailable
	case api.KindInsecure:
		return exitUsage
	case api.KindInFlight:
		return exitConflict
	case api.KindUnauthorized, api.KindForbidden:
		return exitAuth
	case api.KindReadOnly:
		return exitReadOnly
	}
	return exitError
}

// fail reports an error of the client (or a local one) with the provider's
// advice for its class and returns the exit code.
func (inv *invocation) fail(err error) int {
	code := exitCode(err)
	if errors.Is(err, errInterrupted) {
		return inv.report(failure{Error: err.Error(), Kind: "interrupted"}, code, "")
	}
	e, ok := api.AsError(err)
	if !ok {
		return inv.report(failure{Error: err.Error(), Kind: "error"}, code, "")
	}
	f := inv.failureOf(e)
	if e.Kind == api.KindNetwork && inv.ctx.Err() != nil {
		code, f.Kind = exitInterrupted, "interrupted"
	}
	if inv.json {
		return inv.report(f, code, "")
	}
	title, hint := inv.describe(e, code)
	f.Error = title + ": " + f.Error
	if e.Kind == api.KindValidation && len(f.Fields) > 0 {
		lines := []string{title + ":"}
		for _, fi := range f.Fields {
			label := fi.Flag
			if label == "" {
				label = fi.Field
			}
			lines = append(lines, "  "+label+": "+trimFieldPrefix(fi.Field, fi.Message))
		}
		f.Error = strings.Join(lines, "\n")
	}
	return inv.report(f, code, hint)
}

// failureOf is the --json form of an API error: the server's text cleaned,
// each refused field with the flag that set it.
func (inv *invocation) failureOf(e *api.Error) failure {
	msg := model.SanitizeLine(e.Message)
	if msg == "" {
		msg = model.SanitizeLine(e.Error())
	}
	f := failure{Error: msg, Kind: e.Kind.Name(), Status: e.Status}
	if e.Kind == api.KindRateLimited && e.RetryAfter > 0 {
		f.RetryAfter = int((e.RetryAfter + time.Second - 1) / time.Second)
	}
	for _, fe := range e.Fields {
		f.Fields = append(f.Fields, fieldIssue{Field: fe.Field, Flag: inv.flagOf(fe.Field), Message: model.SanitizeLine(fe.Msg)})
	}
	return f
}

// flagOf names the command-line flag behind an API field.
func (inv *invocation) flagOf(field string) string {
	switch field {
	case "reservation_end":
		if inv.given("end") {
			return "--end"
		}
		return "--duration"
	case "connector_id", "connector_type":
		return "--connector"
	}
	return fieldFlags[field]
}

var fieldFlags = map[string]string{
	"place": "--place", "lat": "--place", "lng": "--place", "radius": "--radius", "power_min": "--power-min",
	"limit": "--limit", "start_time": "--from", "end_time": "--duration", "window": "--duration",
	"location_id": "--location", "evse_uid": "--evse", "reservation_start": "--start", "duration": "--duration",
	"token_strategy": "--strategy", "customer_id": "--customer", "token_id": "--token-id",
	"fleet_group_id": "--fleet-group", "token_uid": "--token-uid", "external_id": "--external-id",
	"id": "ID", "status": "--status", "from_date": "--from", "to_date": "--to", "reason": "--reason",
}

// trimFieldPrefix drops the field name the TUI's texts start with (they
// stand next to their field there), as the flag is named before them here.
func trimFieldPrefix(field, msg string) string {
	for _, p := range []string{field + ": ", fieldLabels[field]} {
		if p != "" && strings.HasPrefix(msg, p) {
			return msg[len(p):]
		}
	}
	return msg
}

var fieldLabels = map[string]string{"power_min": "min. power: ", "start_time": "window from: ", "end_time": "duration: "}
