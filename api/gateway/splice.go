package gateway

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/petitmonde/chargedesk/model"
)

// What the gateway adds to an answer of the API (booked_by on a booking,
// cached_at on a search answered from the cache) is spliced into its bytes
// as they are written, before the closing brace of the object it belongs
// to: an answer held once is served to every agent without a decode or a
// copy.

// insert is where a booking's booked_by goes: the offset of the closing
// brace of its object, and its id.
type insert struct {
	at int
	id string
}

// field is one member spliced in before offset at, as `,"name":value`.
type field struct {
	at   int
	text []byte
}

// member is `,"name":"value"`.
func member(name, value string) []byte {
	v, _ := json.Marshal(value)
	return append([]byte(`,"`+name+`":`), v...)
}

// objectEnd is the offset of the closing brace of body when body is one
// JSON object with at least one member, or -1.
func objectEnd(body []byte) int {
	i := len(body) - 1
	for i >= 0 && isSpace(body[i]) {
		i--
	}
	j := 0
	for j < len(body) && isSpace(body[j]) {
		j++
	}
	if i <= j || body[i] != '}' || body[j] != '{' {
		return -1
	}
	for j++; j < i && isSpace(body[j]); j++ {
	}
	if j == i {
		return -1 // {}: no member to follow
	}
	return i
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// indexBookings reads a list of bookings once, as it arrives: the bookings
// (for the watch), each one's bytes as the API sent them, and where each
// one's booked_by goes.
func indexBookings(body []byte) ([]insert, []model.Booking, [][]byte) {
	var l struct {
		Bookings []json.RawMessage `json:"bookings"`
	}
	if json.Unmarshal(body, &l) != nil {
		return nil, nil, nil
	}
	var ins []insert
	var bs []model.Booking
	var raws [][]byte
	from := 0
	for _, raw := range l.Bookings {
		var b model.Booking
		if json.Unmarshal(raw, &b) != nil || b.ID == "" {
			continue
		}
		bs, raws = append(bs, b), append(raws, raw)
		// The object's bytes are the body's, in order: the first copy of
		// them past the previous one is this one.
		at := bytes.Index(body[from:], raw)
		if at < 0 {
			continue
		}
		at += from
		from = at + len(raw)
		if end := objectEnd(raw); end >= 0 {
			ins = append(ins, insert{at: at + end, id: b.ID})
		}
	}
	return ins, bs, raws
}

// writeSpliced writes status and body with fields spliced in (in order of
// offset), as one Content-Length.
func writeSpliced(w http.ResponseWriter, status int, body []byte, fields []field) {
	n := len(body)
	for _, f := range fields {
		n += len(f.text)
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(n))
	w.WriteHeader(status)
	at := 0
	for _, f := range fields {
		if _, err := w.Write(body[at:f.at]); err != nil {
			return
		}
		if _, err := w.Write(f.text); err != nil {
			return
		}
		at = f.at
	}
	_, _ = w.Write(body[at:])
}
