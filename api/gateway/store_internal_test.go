package gateway

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/petitmonde/chargedesk/api/gateway/migrate"
	"github.com/petitmonde/chargedesk/model"
)

// testdata/store-first-version.db is a store the gateway made before its
// schema had versions (user_version 0): the real binary of that version ran
// `gateway agent add anna`, `agent add ben`, `agent revoke ben`, then a
// gateway in front of `chargedesk serve` where anna booked (external id
// fixture-made-1) and cancelled that booking. fixtureToken is anna's token.
const (
	fixtureStore   = "testdata/store-first-version.db"
	fixtureToken   = "cdg_5233361c5e70dcf2dc1fbd5e1859814c8d9d30082b9db017"
	fixtureBooking = "a02f37e0-4f82-4779-a1e2-7e2fc9e94bf3"
)

// copyFixture copies the first version's store where a test may change it.
func copyFixture(t *testing.T) string {
	t.Helper()
	raw, err := os.ReadFile(fixtureStore)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "gateway.db")
	if err := os.WriteFile(path, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// schemaOf is the tables and indexes of a store as SQLite keeps them.
func schemaOf(t *testing.T, s *Store) string {
	t.Helper()
	rows, err := s.db.QueryContext(t.Context(), `SELECT type, name, COALESCE(sql, '') FROM sqlite_master ORDER BY type, name`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var b strings.Builder
	for rows.Next() {
		var typ, name, sql string
		if err := rows.Scan(&typ, &name, &sql); err != nil {
			t.Fatal(err)
		}
		b.WriteString(typ + " " + name + ": " + sql + "\n")
	}
	return b.String()
}

// A store made by the first version is recognised as version 1 and
// migrated to the newest: everything it held is there and works (anna's
// token, ben's revocation, the audit, the journal's answer to a retry, who
// made the booking), and its schema is a new store's.
func TestAStoreOfTheFirstVersionIsMigrated(t *testing.T) {
	ctx := t.Context()
	path := copyFixture(t)
	st, err := OpenStore(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	steps, err := migrate.Steps(migrate.SQLite)
	if err != nil {
		t.Fatal(err)
	}
	if from, now := st.Schema(); from != 0 || now != len(steps) {
		t.Errorf("opened at version %d, now %d; want 0 (no version yet), now %d", from, now, len(steps))
	}
	if name, err := st.Authenticate(ctx, fixtureToken); err != nil || name != "anna" {
		t.Errorf("anna's token after the migration: %q %v", name, err)
	}
	agents, err := st.Agents(ctx)
	if err != nil || len(agents) != 2 || agents[0].Name != "anna" || !agents[0].Revoked.IsZero() || agents[1].Name != "ben" || agents[1].Revoked.IsZero() {
		t.Errorf("agents %+v %v", agents, err)
	}
	audit, err := st.Audit(ctx, AuditFilter{})
	if err != nil || len(audit) != 2 || audit[0].Outcome != "made: REQUESTED" || audit[1].Outcome != "cancelled: CANCELLED" || audit[0].BookingID != fixtureBooking {
		t.Errorf("audit %+v %v", audit, err)
	}
	if by, err := st.booker(ctx, fixtureBooking); err != nil || by != "anna" {
		t.Errorf("booked by %q %v", by, err)
	}

	// anna's retry of her create is answered from the migrated journal:
	// the upstream is unreachable, and nothing is sent.
	g := New(Config{UpstreamURL: "http://127.0.0.1:1/api/v1/client", Key: "k", Store: st,
		Clock: fixedClock(time.Date(2026, 12, 8, 0, 50, 0, 0, time.UTC))})
	body := `{"location_id":"DE-ENB-E123456","evse_uid":"DE*ENB*E123456*1","connector_id":"1","reservation_start":"2026-12-08T03:00:00Z",` +
		`"reservation_end":"2026-12-08T04:00:00Z","external_id":"fixture-made-1","token_strategy":"driver_token","customer_id":"cust_abc123"}`
	req := httptest.NewRequest(http.MethodPost, ClientPath+"/bookings", strings.NewReader(body))
	req.Header.Set("X-API-Key", fixtureToken)
	w := httptest.NewRecorder()
	g.ServeHTTP(w, req)
	if w.Code != http.StatusAccepted || !strings.Contains(w.Body.String(), fixtureBooking) {
		t.Errorf("the retry: %d %s", w.Code, w.Body)
	}

	fresh, err := OpenStore(ctx, filepath.Join(t.TempDir(), "new.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer fresh.Close()
	if got, want := schemaOf(t, st), schemaOf(t, fresh); got != want {
		t.Errorf("the migrated store's schema:\n%s\na new store's:\n%s", got, want)
	}

	// Opened again, there is nothing to do.
	st.Close()
	again, err := OpenStore(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	if from, now := again.Schema(); from != len(steps) || now != len(steps) {
		t.Errorf("reopened at %d → %d, want %d → %d", from, now, len(steps), len(steps))
	}
}

// A store a newer chargedesk migrated is refused, untouched, with a message
// that says so.
func TestAStoreOfANewerVersionIsRefused(t *testing.T) {
	path := copyFixture(t)
	st, err := OpenStore(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.db.ExecContext(t.Context(), "PRAGMA user_version = 99"); err != nil {
		t.Fatal(err)
	}
	st.Close()
	_, err = OpenStore(t.Context(), path)
	if err == nil || !strings.Contains(err.Error(), "version 99") || !strings.Contains(err.Error(), "newer chargedesk") {
		t.Fatalf("a store at version 99: %v", err)
	}
}

// fixedClock is a clock that stands still.
type fixedClock time.Time

func (c fixedClock) Now() time.Time { return time.Time(c) }

var _ model.Clock = fixedClock{}
