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
	"sync/atomic"
	"time"

	_ "modernc.org/sqlite" // the pure-Go SQLite driver: no C toolchain needed

	"github.com/petitmonde/chargedesk/api"
	"github.com/petitmonde/chargedesk/api/gateway/migrate"
	"github.com/petitmonde/chargedesk/model"
)

// Store is the gateway's embedded state, one SQLite file in WAL mode with
// full syncs: agents (token hashes only), create attempts (the journal
// that keeps a create from going upstream twice) and the audit. Every write
// is committed before the request it records goes on, so all of it
// survives kill -9. Its schema is versioned (package migrate); every method
// takes the context of the request it serves.
type Store struct {
	db           *sql.DB
	from, schema int // the schema version found at open, and now
	// agentsChanged counts the agents added and revoked through this
	// Store, for the gateway's token index (store_index.go).
	agentsChanged atomic.Int64
}

// OpenStore opens (creating when needed) the store at path, and migrates it
// to the schema this program knows.
func OpenStore(ctx context.Context, path string) (*Store, error) {
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
	// A transaction takes the write lock at BEGIN (_txlock=immediate): two
	// processes migrating one file take turns instead of failing.
	dsn := "file:" + path + "?_txlock=immediate&_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_pragma=busy_timeout(5000)&_pragma=foreign_keys(ON)"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("gateway: store %s: %w", path, err)
	}
	db.SetMaxOpenConns(1) // one writer; SQLite serialises them anyway
	from, to, err := migrate.Up(ctx, db, migrate.SQLite)
	if err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("gateway: store %s: %w", path, err)
	}
	return &Store{db: db, from: from, schema: to}, nil
}

// Schema is the store's schema version when it was opened and now (they
// differ when opening it migrated it).
func (s *Store) Schema() (from, now int) { return s.from, s.schema }

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
func (s *Store) AddAgent(ctx context.Context, name string, now time.Time) (string, error) {
	if !agentName.MatchString(name) {
		return "", fmt.Errorf("agent name %q: 1 to 64 letters, digits and . _ @ -, starting with a letter or digit", name)
	}
	var raw [24]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return "", err
	}
	token := TokenPrefix + hex.EncodeToString(raw[:])
	tx, err := s.db.BeginTx(ctx, nil) // the look-up and the write at once: two adds of one name cannot both pass
	if err != nil {
		return "", err
	}
	defer func() { _ = tx.Rollback() }()
	var revoked sql.NullString
	err = tx.QueryRowContext(ctx, `SELECT revoked_at FROM agents WHERE name = ?`, name).Scan(&revoked)
	switch {
	case err == nil && !revoked.Valid:
		return "", ErrAgentExists
	case err == nil:
		_, err = tx.ExecContext(ctx, `UPDATE agents SET token_hash = ?, created_at = ?, revoked_at = NULL WHERE name = ?`, hashToken(token), stamp(now), name)
	case errors.Is(err, sql.ErrNoRows):
		_, err = tx.ExecContext(ctx, `INSERT INTO agents (name, token_hash, created_at) VALUES (?, ?, ?)`, name, hashToken(token), stamp(now))
	}
	if err != nil {
		return "", err
	}
	if err := tx.Commit(); err != nil {
		return "", err
	}
	s.agentsChanged.Add(1)
	return token, nil
}

// RevokeAgent revokes the agent's token: its next request gets 401.
func (s *Store) RevokeAgent(ctx context.Context, name string, now time.Time) error {
	res, err := s.db.ExecContext(ctx, `UPDATE agents SET revoked_at = ? WHERE name = ? AND revoked_at IS NULL`, stamp(now), name)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNoAgent
	}
	s.agentsChanged.Add(1)
	return nil
}

// Agents lists the agents, revoked ones too, by name.
func (s *Store) Agents(ctx context.Context) ([]Agent, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT name, created_at, COALESCE(revoked_at, '') FROM agents ORDER BY name`)
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

// ErrUnknownToken is Authenticate's answer for a token of no active agent.
var ErrUnknownToken = errors.New("no active agent has this token")

// Authenticate is the name of the active agent whose token this is:
// ErrUnknownToken when there is none, another error when the store cannot
// tell.
func (s *Store) Authenticate(ctx context.Context, token string) (string, error) {
	if !strings.HasPrefix(token, TokenPrefix) {
		return "", ErrUnknownToken
	}
	var name string
	err := s.db.QueryRowContext(ctx, `SELECT name FROM agents WHERE token_hash = ? AND revoked_at IS NULL`, hashToken(token)).Scan(&name)
	if errors.Is(err, sql.ErrNoRows) {
		return "", ErrUnknownToken
	}
	return name, err
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

const attemptColumns = `external_id, agent, request, since, state, status, body`

// scanAttempt reads one row of attemptColumns.
func scanAttempt(row interface{ Scan(...any) error }) (attempt, error) {
	var a attempt
	var req, since, body string
	if err := row.Scan(&a.ExternalID, &a.Agent, &req, &since, &a.State, &a.Status, &body); err != nil {
		return a, err
	}
	a.Since, a.Body = unstamp(since), []byte(body)
	if err := json.Unmarshal([]byte(req), &a.Request); err != nil {
		return a, fmt.Errorf("the journal's request of external id %s does not decode: %w", a.ExternalID, err)
	}
	return a, nil
}

func (s *Store) attempt(ctx context.Context, externalID string) (attempt, bool, error) {
	a, err := scanAttempt(s.db.QueryRowContext(ctx, `SELECT `+attemptColumns+` FROM attempts WHERE external_id = ?`, externalID))
	if errors.Is(err, sql.ErrNoRows) {
		return a, false, nil
	}
	return a, err == nil, err
}

// pending lists the attempts whose outcome is not known (a gateway stopped
// while sending them), oldest first. An attempt that cannot be read is left
// out and named in the error, with the others still listed.
func (s *Store) pending(ctx context.Context) ([]attempt, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+attemptColumns+` FROM attempts WHERE state = 'sending' ORDER BY since`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []attempt
	var errs []error
	for rows.Next() {
		a, err := scanAttempt(rows)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		out = append(out, a)
	}
	return out, errors.Join(append(errs, rows.Err())...)
}

// finish records the answer a create got (state made or refused), or
// forgets an attempt that made no booking (state ""), so that the same
// external id may be sent again.
func (s *Store) finish(ctx context.Context, externalID, state string, status int, body []byte) error {
	if state == "" {
		_, err := s.db.ExecContext(ctx, `DELETE FROM attempts WHERE external_id = ?`, externalID)
		return err
	}
	_, err := s.db.ExecContext(ctx, `UPDATE attempts SET state = ?, status = ?, body = ? WHERE external_id = ?`, state, status, string(body), externalID)
	return err
}

// begin records an attempt before its POST goes upstream (state sending).
func (s *Store) begin(ctx context.Context, agent string, req model.BookingRequest, since time.Time) error {
	body, err := json.Marshal(req)
	if err != nil {
		return err
	}
	_, err = s.db.ExecContext(ctx, `INSERT INTO attempts (external_id, agent, request, since, state) VALUES (?, ?, ?, ?, 'sending')
		ON CONFLICT (external_id) DO UPDATE SET request = excluded.request, state = 'sending'`,
		req.ExternalID, agent, string(body), stamp(since))
	return err
}

// journal is the store as the API client's create journal, for one agent's
// create: Begin records the attempt before the POST goes upstream. ctx is
// the create's (the client's Journal interface takes none).
type journal struct {
	ctx   context.Context
	s     *Store
	agent string
}

func (j journal) Begin(req model.BookingRequest, since time.Time) (api.JournalEntry, error) {
	if err := j.s.begin(j.ctx, j.agent, req, since); err != nil {
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
func (s *Store) audit(ctx context.Context, e AuditEntry) (int64, error) {
	res, err := s.db.ExecContext(ctx, `INSERT INTO audit (at, agent, action, external_id, booking_id, request, status, outcome) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		stamp(e.At), e.Agent, e.Action, e.ExternalID, e.BookingID, e.Request, e.Status, e.Outcome)
	if err != nil {
		return 0, err
	}
	return res.LastInsertId()
}

// settle writes what became of an audited action.
func (s *Store) settle(ctx context.Context, id int64, bookingID string, status int, outcome string) error {
	_, err := s.db.ExecContext(ctx, `UPDATE audit SET booking_id = CASE WHEN ? = '' THEN booking_id ELSE ? END, status = ?, outcome = ? WHERE id = ?`,
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

// bookedBy records which agent made a booking; booker reads it ("" when no
// agent made it through the gateway).
func (s *Store) bookedBy(ctx context.Context, id, agent string) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO bookings (id, agent) VALUES (?, ?) ON CONFLICT (id) DO NOTHING`, id, agent)
	return err
}

func (s *Store) booker(ctx context.Context, id string) (string, error) {
	var agent string
	err := s.db.QueryRowContext(ctx, `SELECT agent FROM bookings WHERE id = ?`, id).Scan(&agent)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return agent, err
}
