package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"unicode"
)

// CheckKey trims a key as it was read (from the variable or profile named
// by source) and refuses one that is not printable ASCII, naming the source:
// a control character or a stray space in a key is a copy-paste accident that
// would otherwise travel in every header and dodge redaction.
func CheckKey(key, source string) (string, error) {
	k := strings.TrimSpace(key)
	for i, r := range k {
		if r > unicode.MaxASCII || !unicode.IsPrint(r) || r == ' ' {
			return "", fmt.Errorf("the API key from %s has a character that is not printable ASCII (position %d): paste it again without spaces or line breaks", source, i+1)
		}
	}
	return k, nil
}

// Redact replaces the key in s with a mask, in every form a server could
// echo it in: as it is, trimmed, JSON-escaped, URL-encoded, and with its
// bytes percent-encoded (all of them or all but letters and digits, in
// upper or lower case hex).
func Redact(s, key string) string {
	return RedactWith(s, key, MaskKey(strings.TrimSpace(key)))
}

// RedactWith is Redact with mask in place of every form of the key.
func RedactWith(s, key, mask string) string {
	return newRedactor(key, mask).string(s)
}

// redactor masks one key: its forms are spelled out once, so masking an
// answer costs a search per form and nothing more (a client redacts every
// answer it reads).
type redactor struct {
	forms []string // longest first; none for a key too short to look for
	raw   [][]byte // forms as bytes, for bodies
	mask  string
}

func newRedactor(key, mask string) redactor {
	if len(strings.TrimSpace(key)) < 4 {
		return redactor{}
	}
	r := redactor{forms: keyForms(key), mask: mask}
	for _, f := range r.forms {
		r.raw = append(r.raw, []byte(f))
	}
	return r
}

func (r redactor) string(s string) string {
	for _, form := range r.forms {
		if strings.Contains(s, form) {
			s = strings.ReplaceAll(s, form, r.mask)
		}
	}
	return s
}

// bytes is string for a body: b itself when no form of the key is in it.
func (r redactor) bytes(b []byte) []byte {
	for _, form := range r.raw {
		if bytes.Contains(b, form) {
			b = bytes.ReplaceAll(b, form, []byte(r.mask))
		}
	}
	return b
}

// percentEncoded is s with its bytes percent-encoded in hex layout (%%%02X
// or %%%02x): every byte, or (all false) only those that are not ASCII
// letters or digits.
func percentEncoded(s, layout string, all bool) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !all && (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			b.WriteByte(c)
			continue
		}
		fmt.Fprintf(&b, layout, c)
	}
	return b.String()
}

// keyForms are the spellings of key to look for (none empty), longest
// first so a form that contains another is masked whole.
func keyForms(key string) []string {
	trimmed := strings.TrimSpace(key)
	js, _ := json.Marshal(trimmed)
	forms := []string{key, trimmed, strings.Trim(string(js), `"`), url.QueryEscape(trimmed), url.PathEscape(trimmed),
		percentEncoded(trimmed, "%%%02X", true), percentEncoded(trimmed, "%%%02x", true),
		percentEncoded(trimmed, "%%%02X", false), percentEncoded(trimmed, "%%%02x", false)}
	out := forms[:0]
	seen := map[string]bool{}
	for _, f := range forms {
		if !seen[f] {
			seen[f] = true
			out = append(out, f)
		}
	}
	for i := 1; i < len(out); i++ { // insertion sort, longest first
		for j := i; j > 0 && len(out[j]) > len(out[j-1]); j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

// MaskKey shows that a key is set without showing it: its last two characters.
func MaskKey(key string) string {
	if key == "" {
		return "(none)"
	}
	if len(key) <= 8 {
		return "••••"
	}
	return "••••" + key[len(key)-2:]
}
