package api

import (
	"encoding/json"
	"time"
)

// Event is one HTTP attempt, for the request log pane and the log file. It
// never carries the API key: the key travels only in a header, which events
// do not record.
type Event struct {
	Time          time.Time     `json:"time"`
	Method        string        `json:"method"`
	Path          string        `json:"path"` // path and query, relative to the base URL
	Status        int           `json:"status"`
	Duration      time.Duration `json:"duration_ns"`
	RateRemaining int           `json:"rate_remaining"` // -1 when the headers were absent
	RateLimit     int           `json:"rate_limit,omitempty"`
	Err           string        `json:"error,omitempty"`
	RequestBody   []byte        `json:"-"`
	ResponseBody  []byte        `json:"-"`
}

// MarshalJSON writes bodies as embedded JSON when they are JSON, as text otherwise.
func (e Event) MarshalJSON() ([]byte, error) {
	type plain Event
	out := struct {
		plain
		DurationMS   float64         `json:"duration_ms"`
		RequestBody  json.RawMessage `json:"request_body,omitempty"`
		ResponseBody json.RawMessage `json:"response_body,omitempty"`
	}{plain: plain(e), DurationMS: float64(e.Duration) / float64(time.Millisecond)}
	out.RequestBody = rawOrString(e.RequestBody)
	out.ResponseBody = rawOrString(e.ResponseBody)
	return json.Marshal(out)
}

func rawOrString(b []byte) json.RawMessage {
	if len(b) == 0 {
		return nil
	}
	if json.Valid(b) {
		return json.RawMessage(b)
	}
	s, _ := json.Marshal(string(b))
	return s
}
