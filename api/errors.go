package api

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/petitmonde/chargedesk/model"
)

// Kind is the class of an API failure; each class gets its own handling in
// the UI (see the error table of the provider's guide).
type Kind int

// The failure classes.
const (
	KindUnknown        Kind = iota
	KindValidation          // refused by the client before sending (model rules)
	KindBadRequest          // 400
	KindUnauthorized        // 401
	KindForbidden           // 403
	KindNotFound            // 404
	KindConflict            // 409
	KindRateLimited         // 429
	KindServer              // 5xx
	KindNetwork             // no answer: refused, reset, timeout
	KindDecode              // an answer that could not be read
	KindUnknownOutcome      // a create whose fate could not be established
	KindReadOnly            // refused by the client: read-only mode
	KindRedirect            // a 3xx: the client follows no redirects
	KindInsecure            // refused by the client: the key would go over plain http
	KindInFlight            // refused by the client: the same booking is being sent by another process
)

func (k Kind) String() string {
	switch k {
	case KindValidation:
		return "validation"
	case KindBadRequest:
		return "bad request"
	case KindUnauthorized:
		return "unauthorized"
	case KindForbidden:
		return "forbidden"
	case KindNotFound:
		return "not found"
	case KindConflict:
		return "conflict"
	case KindRateLimited:
		return "rate limited"
	case KindServer:
		return "server error"
	case KindNetwork:
		return "network"
	case KindDecode:
		return "unreadable answer"
	case KindUnknownOutcome:
		return "unknown outcome"
	case KindReadOnly:
		return "read-only"
	case KindRedirect:
		return "redirect"
	case KindInsecure:
		return "insecure"
	case KindInFlight:
		return "in flight"
	}
	return "error"
}

// Name is the class's machine name, as the CLI's --json errors and logs
// spell it: validation, bad_request, unauthorized, forbidden, not_found,
// conflict, rate_limited, server, network, decode, unknown_outcome,
// read_only, error.
func (k Kind) Name() string {
	switch k {
	case KindUnknown:
		return "error"
	case KindServer:
		return "server"
	case KindDecode:
		return "decode"
	}
	return strings.NewReplacer(" ", "_", "-", "_").Replace(k.String())
}

// Error is every failure the client returns. Message is the server's own
// `error` text when there is one. It never contains the API key.
type Error struct {
	Kind       Kind
	Status     int           // HTTP status, 0 when there was no answer
	Message    string        // what the server (or the client) said
	RetryAfter time.Duration // from Retry-After on 429, else 0
	Method     string
	Path       string
	Fields     model.FieldErrors // KindValidation: every broken rule
	TooLarge   bool              // KindDecode: the answer was over MaxBodyBytes, not read
	Err        error             // the underlying cause, if any
}

func (e *Error) Error() string {
	where := ""
	if e.Method != "" {
		where = e.Method + " " + e.Path + ": "
	}
	switch {
	case e.Status != 0 && e.Message != "":
		return fmt.Sprintf("%s%d %s: %s", where, e.Status, http.StatusText(e.Status), e.Message)
	case e.Status != 0:
		return fmt.Sprintf("%s%d %s", where, e.Status, http.StatusText(e.Status))
	case e.Message != "":
		return where + e.Message
	case e.Err != nil:
		return where + e.Err.Error()
	}
	return where + e.Kind.String()
}

func (e *Error) Unwrap() error { return e.Err }

// Retryable tells whether the same request may succeed later unchanged.
func (e *Error) Retryable() bool {
	switch e.Kind {
	case KindRateLimited, KindServer, KindNetwork:
		return true
	}
	return false
}

// KindOf returns the class of err (KindUnknown for foreign errors).
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return KindUnknown
}

// AsError returns err as *Error when it is one.
func AsError(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

// IsBadRequest tells a 400.
func IsBadRequest(err error) bool { return KindOf(err) == KindBadRequest }

// IsUnauthorized tells a 401.
func IsUnauthorized(err error) bool { return KindOf(err) == KindUnauthorized }

// IsForbidden tells a 403.
func IsForbidden(err error) bool { return KindOf(err) == KindForbidden }

// IsNotFound tells a 404.
func IsNotFound(err error) bool { return KindOf(err) == KindNotFound }

// IsConflict tells a 409.
func IsConflict(err error) bool { return KindOf(err) == KindConflict }

// IsRateLimited tells a 429.
func IsRateLimited(err error) bool { return KindOf(err) == KindRateLimited }

// IsServer tells a 5xx.
func IsServer(err error) bool { return KindOf(err) == KindServer }

// IsNetwork tells a failure without an answer.
func IsNetwork(err error) bool { return KindOf(err) == KindNetwork }

// RetryAfterOf returns the wait a 429 asked for (0 otherwise).
func RetryAfterOf(err error) time.Duration {
	if e, ok := AsError(err); ok {
		return e.RetryAfter
	}
	return 0
}

func kindForStatus(status int) Kind {
	switch {
	case status == http.StatusBadRequest:
		return KindBadRequest
	case status == http.StatusUnauthorized:
		return KindUnauthorized
	case status == http.StatusForbidden:
		return KindForbidden
	case status == http.StatusNotFound:
		return KindNotFound
	case status == http.StatusConflict:
		return KindConflict
	case status == http.StatusTooManyRequests:
		return KindRateLimited
	case status >= 500:
		return KindServer
	}
	return KindUnknown
}
