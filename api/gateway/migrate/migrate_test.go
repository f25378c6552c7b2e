package migrate

import (
	"database/sql"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	_ "modernc.org/sqlite"
)

func openSQLite(t *testing.T) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+filepath.Join(t.TempDir(), "m.db")+"?_txlock=immediate")
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	t.Cleanup(func() { _ = db.Close() })
	return db
}

func versionOf(t *testing.T, db *sql.DB) int {
	t.Helper()
	var v int
	if err := db.QueryRow("PRAGMA user_version").Scan(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

func hasTable(t *testing.T, db *sql.DB, name string) bool {
	t.Helper()
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?`, name).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n == 1
}

// The shipped steps are versions 1, 2, … in order, without a gap, each
// with SQL; every backend has the same versions under the same names.
func TestTheStepsAreOrdered(t *testing.T) {
	dialects := []Dialect{SQLite}
	var first []Step
	for i, d := range dialects {
		steps, err := Steps(d)
		if err != nil {
			t.Fatalf("%s: %v", d.Name(), err)
		}
		if len(steps) == 0 {
			t.Fatalf("%s: no steps", d.Name())
		}
		for j, st := range steps {
			if st.Version != j+1 || st.Name == "" || strings.TrimSpace(st.SQL) == "" {
				t.Errorf("%s: step %d is %+v", d.Name(), j, st)
			}
			if i > 0 && (j >= len(first) || first[j].Name != st.Name) {
				t.Errorf("%s: step %d (%s) is not %s's", d.Name(), st.Version, st.Name, dialects[0].Name())
			}
		}
		if i == 0 {
			first = steps
		} else if len(steps) != len(first) {
			t.Errorf("%s has %d steps, %s %d", d.Name(), len(steps), dialects[0].Name(), len(first))
		}
	}
}

// Steps run in order, once each, each in its own transaction: a step that
// fails leaves the store at the version before it, with nothing of the
// failed step; the next run takes up from there.
func TestEachStepIsOneTransaction(t *testing.T) {
	ctx := t.Context()
	db := openSQLite(t)
	steps := []Step{
		{Version: 1, Name: "one", SQL: `CREATE TABLE one (x TEXT); INSERT INTO one VALUES ('a');`},
		{Version: 2, Name: "two", SQL: `CREATE TABLE two (x TEXT);`},
		{Version: 3, Name: "three", SQL: `CREATE TABLE three (x TEXT); INSERT INTO nowhere VALUES (1);`},
	}
	from, to, err := apply(ctx, db, SQLite, steps)
	if err == nil || !strings.Contains(err.Error(), "version 3 (three)") {
		t.Fatalf("a failing step 3: %v", err)
	}
	if from != 0 || to != 2 || versionOf(t, db) != 2 {
		t.Errorf("from %d to %d, stored %d; want 0, 2, 2", from, to, versionOf(t, db))
	}
	if !hasTable(t, db, "one") || !hasTable(t, db, "two") || hasTable(t, db, "three") {
		t.Error("step 3's table outlived its failure, or an earlier step's did not")
	}

	steps[2].SQL = `CREATE TABLE three (x TEXT);`
	if from, to, err := apply(ctx, db, SQLite, steps); err != nil || from != 2 || to != 3 || !hasTable(t, db, "three") {
		t.Fatalf("fixed step 3: %d → %d, %v", from, to, err)
	}
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM one`).Scan(&n); err != nil || n != 1 {
		t.Errorf("step 1 ran %d times (%v), want once", n, err)
	}
	if from, to, err := apply(ctx, db, SQLite, steps); err != nil || from != 3 || to != 3 {
		t.Errorf("nothing to do: %d → %d, %v", from, to, err)
	}
	var tooNew *TooNewError
	if _, _, err := apply(ctx, db, SQLite, steps[:2]); !errors.As(err, &tooNew) || tooNew.Version != 3 || tooNew.Known != 2 {
		t.Errorf("a store ahead of the program: %v", err)
	}
}
