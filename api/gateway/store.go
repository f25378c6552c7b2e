package gateway

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	_ "modernc.org/sqlite" // the pure-Go SQLite driver: no C toolchain needed

	"github.com/petitmonde/chargedesk/api"
	"github.com/petitmonde/chargedesk/model"
)

// Store is the gateway's embedded state, one SQLite file in WAL mode with
// full syncs: agents (token hashes only), create attempts (the journal
// that keeps a create from going upstream twice) and the audit. Every write
// is committed before the request it records goes on, so all of it
// survives kill -9.
type Store struct {
	db *sql.DB
}

const schema = `
CREATE TABLE IF NOT EXISTS agents (
	name       TEXT PRIMARY KEY,
	token_hash TEXT NOT NULL UNIQUE,
	created_at TEXT NOT NULL,
	revoked_at TEXT
);
CREATE TABLE IF NOT EXISTS attempts (
	external_id TEXT PRIMARY KEY,
	agent       TEXT NOT NULL,
	request     TEXT NOT NULL,
	since       TEXT NOT NULL,
	state       TEXT NOT NULL,          -- sending | made | refused
	status      INTEGER NOT NULL DEFAULT 0,
	body        TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS audit (
	id          INTEGER PRIMARY KEY AUTOINCREMENT,
	at          TEXT NOT NULL,
	agent       TEXT NOT NULL,
	action      TEXT NOT NULL,          -- create | cancel
	external_id TEXT NOT NULL DEFAULT '',
	booking_id  TEXT NOT NULL DEFAULT '',
	request     TEXT NOT NULL DEFAULT '',
	status      INTEGER NOT NULL DEFAULT 0,
	outcome     TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS audit_at ON audit (at);
CREATE TABLE IF NOT EXISTS bookings (
	id       TEXT PRIMARY KEY,
	agent    TEXT NOT NULL
);
`

// OpenStore opens (creating when needed) the store at path.
func OpenStore(path string) (*Store, error) {
	if strings.TrimSpace(path) == "" {
		return nil, errors.New("gateway: --store needs a file path")
	}
	// Its directory and the file are the owner's only: the audit holds
	// drivers' references.
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("gateway: store %s: %w", path, err)
	}
	if f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o600); err == nil {
		_ = f.Close()
	}
	dsn := "file:" + path + "?_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_pragma=busy_timeout(5000)&_pragma=foreign_keys(ON)"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("gateway: store %s: %w", path, err)
	}
	db.SetMaxOpenConns(1) // one writer; SQLite serialises them anyway
	if _, err := db.Exec(schema); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("gateway: store %s: %w", path, err)
	}
	return &Store{db: db}, nil
}

// Close closes the store.
func (s *Store) Close() error { return s.db.Close() }

// stampLayout is fixed-width, so that stored times sort as text.
const stampLayout = "2006-01-02T15:04:05.000000000Z"

func stamp(t time.Time) string { return t.UTC().Format(stampLayout) }

func unstamp(s string) time.Time {
	t, err := time.Parse(stampLayout, s)
	if err != nil {
		return time.Time{}
	}
	return t
}

// Agent is one agent of the team.
type Agent struct {
	Name    string    `json:"name"`
	Created time.Time `json:"created_at"`
	Revoked time.Time `json:"revoked_at,omitzero"`
}

// TokenPrefix starts every agent token, so that one is told from an API key
// at a glance (and refused by the real API).
const TokenPrefix = "cdg_"

var agentName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$`)

// ErrAgentExists and ErrNoAgent are AddAgent's and RevokeAgent's refusals.
var (
	ErrAgentExists = errors.New("an agent of that name exists (revoke it first to give it a new token)")
	ErrNoAgent     = errors.New("no active agent of that name")
)

// AddAgent makes an agent and returns its token: the only time it is seen.
// The store keeps its SHA-256.
func (s *Store) AddAgent(name string, now time.Time) (string, error) {
	if !agentName.MatchString(name) {
		return "", fmt.Errorf("agent name %q: 1 to 64 letters, digits and . _ @ -, starting with a letter or digit", name)
	}
	var raw [24]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return "", err
	}
	token := TokenPrefix + hex.EncodeToString(raw[:])
	var revoked sql.NullString
	err := s.db.QueryRow(`SELECT revoked_at FROM agents WHERE name = ?`, name).Scan(&revoked)
	switch {
	case err == nil && !revoked.Valid:
		return "", ErrAgentExists
	case err == nil:
		_, err = s.db.Exec(`UPDATE agents SET token_hash = ?, created_at = ?, revoked_at = NULL WHERE name = ?`, hashToken(token), stamp(now), name)
	case errors.Is(err, sql.ErrNoRows):
		_, err = s.db.Exec(`INSERT INTO agents (name, token_hash, created_at) VALUES (?, ?, ?)`, name, hashToken(token), stamp(now))
	}
	if err != nil {
		return "", err
	}
	return token, nil
}

// RevokeAgent revokes the agent's token: its next request gets 401.
func (s *Store) RevokeAgent(name string, now time.Time) error {
	res, err := s.db.Exec(`UPDATE agents SET revoked_at = ? WHERE name = ? AND revoked_at IS NULL`, stamp(now), name)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNoAgent
	}
	return nil
}

// Agents lists the agents, revoked ones too, by name.
func (s *Store) Agents() ([]Agent, error) {
	rows, err := s.db.Query(`SELECT name, created_at, COALESCE(revoked_at, '') FROM agents ORDER BY name`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Agent
	for rows.Next() {
		var a Agent
		var created, revoked string
		if err := rows.Scan(&a.Name, &created, &revoked); err != nil {
			return nil, err
		}
		a.Created, a.Revoked = unstamp(created), unstamp(revoked)
		out = append(out, a)
	}
	return out, rows.Err()
}

// Authenticate is the name of the active agent whose token this is.
func (s *Store) Authenticate(token string) (string, bool) {
	if !strings.HasPrefix(token, TokenPrefix) {
		return "", false
	}
	var name string
	err := s.db.QueryRow(`SELECT name FROM agents WHERE token_hash = ? AND revoked_at IS NULL`, hashToken(token)).Scan(&name)
	return name, err == nil
}

func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// attempt is one create as the journal keeps it.
type attempt struct {
	ExternalID string
	Agent      string
	Request    model.BookingRequest
	Since      time.Time
	State      string // sending | made | refused
	Status     int    // the answer given to the agent (made, refused)
	Body       []byte
}

func (s *Store) attempt(externalID string) (attempt, bool, error) {
	var a attempt
	var req, since, body string
	err := s.db.QueryRow(`SELECT external_id, agent, request, since, state, status, body FROM attempts WHERE external_id = ?`, externalID).
		Scan(&a.ExternalID, &a.Agent, &req, &since, &a.State, &a.Status, &body)
	if errors.Is(err, sql.ErrNoRows) {
		return a, false, nil
	}
	if err != nil {
		return a, false, err
	}
	a.Since, a.Body = unstamp(since), []byte(body)
	err = json.Unmarshal([]byte(req), &a.Request)
	return a, true, err
}

// pending lists the attempts whose outcome is not known (a gateway stopped
// while sending them), oldest first.
func (s *Store) pending() ([]attempt, error) {
	rows, err := s.db.Query(`SELECT external_id FROM attempts WHERE state = 'sending' ORDER BY since`)
	if err != nil {
		return nil, err
	}
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	var out []attempt
	for _, id := range ids {
		if a, ok, err := s.attempt(id); err == nil && ok {
			out = append(out, a)
		}
	}
	return out, nil
}

// finish records the answer a create got (state made or refused), or
// forgets an attempt that made no booking (state ""), so that the same
// external id may be sent again.
func (s *Store) finish(externalID, state string, status int, body []byte) error {
	if state == "" {
		_, err := s.db.Exec(`DELETE FROM attempts WHERE external_id = ?`, externalID)
		return err
	}
	_, err := s.db.Exec(`UPDATE attempts SET state = ?, status = ?, body = ? WHERE external_id = ?`, state, status, string(body), externalID)
	return err
}

// journal is the store as the API client's create journal, for one agent's
// create: Begin records the attempt before the POST goes upstream.
type journal struct {
	s     *Store
	agent string
}

func (j journal) Begin(req model.BookingRequest, since time.Time) (api.JournalEntry, error) {
	body, err := json.Marshal(req)
	if err != nil {
		return nil, err
	}
	_, err = j.s.db.Exec(`INSERT INTO attempts (external_id, agent, request, since, state) VALUES (?, ?, ?, ?, 'sending')
		ON CONFLICT (external_id) DO UPDATE SET request = excluded.request, state = 'sending'`,
		req.ExternalID, j.agent, string(body), stamp(since))
	if err != nil {
		return nil, err
	}
	return noopEntry{}, nil
}

// noopEntry: the create handler records the outcome itself (finish), with
// the answer an agent's retry gets.
type noopEntry struct{}

func (noopEntry) Done() {}
func (noopEntry) Keep() {}

// AuditEntry is one create or cancel an agent made through the gateway.
type AuditEntry struct {
	ID         int64     `json:"id"`
	At         time.Time `json:"at"`
	Agent      string    `json:"agent"`
	Action     string    `json:"action"`
	ExternalID string    `json:"external_id,omitempty"`
	BookingID  string    `json:"booking_id,omitempty"`
	Request    string    `json:"request,omitempty"`
	Status     int       `json:"status"`
	Outcome    string    `json:"outcome"`
}

// audit records an action before it goes upstream (outcome "sending") and
// returns its id, for settle.
func (s *Store) audit(e AuditEntry) (int64, error) {
	res, err := s.db.Exec(`INSERT INTO audit (at, agent, action, external_id, booking_id, request, status, outcome) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		stamp(e.At), e.Agent, e.Action, e.ExternalID, e.BookingID, e.Request, e.Status, e.Outcome)
	if err != nil {
		return 0, err
	}
	return res.LastInsertId()
}

// settle writes what became of an audited action.
func (s *Store) settle(id int64, bookingID string, status int, outcome string) error {
	_, err := s.db.Exec(`UPDATE audit SET booking_id = CASE WHEN ? = '' THEN booking_id ELSE ? END, status = ?, outcome = ? WHERE id = ?`,
		bookingID, bookingID, status, outcome, id)
	return err
}

// AuditFilter selects audit entries: since a time, of one agent (zero
// values: all).
type AuditFilter struct {
	Since time.Time
	Agent string
}

// Audit lists the entries the filter selects, oldest first.
func (s *Store) Audit(ctx context.Context, f AuditFilter) ([]AuditEntry, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, at, agent, action, external_id, booking_id, request, status, outcome FROM audit
		WHERE at >= ? AND (? = '' OR agent = ?) ORDER BY id`, stamp(f.Since), f.Agent, f.Agent)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []AuditEntry
	for rows.Next() {
		var e AuditEntry
		var at string
		if err := rows.Scan(&e.ID, &at, &e.Agent, &e.Action, &e.ExternalID, &e.BookingID, &e.Request, &e.Status, &e.Outcome); err != nil {
			return nil, err
		}
		e.At = unstamp(at)
		out = append(out, e)
	}
	return out, rows.Err()
}

// bookedBy records which agent made a booking; bookers lists them.
func (s *Store) bookedBy(id, agent string) error {
	_, err := s.db.Exec(`INSERT INTO bookings (id, agent) VALUES (?, ?) ON CONFLICT (id) DO NOTHING`, id, agent)
	return err
}

func (s *Store) booker(id string) string {
	var agent string
	_ = s.db.QueryRow(`SELECT agent FROM bookings WHERE id = ?`, id).Scan(&agent)
	return agent
}
