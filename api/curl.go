package api

import (
	"strings"
)

// CurlCommand is a shell command that reproduces a logged call against
// baseURL, for the API's support. The key is written as $PETITMONDE_API_KEY,
// never as itself.
func CurlCommand(baseURL string, ev Event) string {
	var b strings.Builder
	b.WriteString("curl -sS")
	if ev.Method != "" && ev.Method != "GET" {
		b.WriteString(" -X " + ev.Method)
	}
	b.WriteString(" " + shellQuote(strings.TrimRight(baseURL, "/")+ev.Path))
	b.WriteString(` -H "X-API-Key: $` + EnvAPIKey + `"`)
	b.WriteString(" -H 'Accept: application/json'")
	if len(ev.RequestBody) > 0 {
		b.WriteString(" -H 'Content-Type: application/json'")
		b.WriteString(" --data-raw " + shellQuote(string(ev.RequestBody)))
	}
	return b.String()
}

// shellQuote wraps s in single quotes for a POSIX shell.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
