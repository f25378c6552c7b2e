// Package migrate brings a gateway store to the schema this program knows.
//
// The schema is an ordered list of steps, one per version. Each step runs
// in a transaction of its own that also records the version it reaches, so
// a store is always at one version and never between two; a step that
// fails leaves the store at the version before it. Every backend runs the
// same steps in the same order: a step is one SQL file per backend, named
// NNNN_name.sql in that backend's directory (sqlite/ today), and the tests
// hold every backend to the same versions and names. A Dialect says where
// a backend keeps its version.
//
// To change the schema, add the next file (never edit one that shipped: a
// store that ran it would not run it again).
package migrate

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"strconv"
	"strings"
)

//go:embed sqlite/*.sql
var files embed.FS

// Step is one version of the schema: the statements that bring a store at
// Version-1 to Version.
type Step struct {
	Version int
	Name    string
	SQL     string
}

// Dialect is what differs between backends in running the steps: the
// directory of its SQL files, and where it keeps the version. Version and
// SetVersion run inside the step's transaction.
type Dialect interface {
	Name() string
	Version(ctx context.Context, tx *sql.Tx) (int, error)
	SetVersion(ctx context.Context, tx *sql.Tx, version int) error
}

// SQLite keeps the version in the database file's header (PRAGMA
// user_version), which a transaction changes or rolls back with the rest.
// Open the database with transactions that take the write lock at BEGIN
// (modernc's _txlock=immediate), so that two processes migrating one file
// take turns.
var SQLite Dialect = sqliteDialect{}

type sqliteDialect struct{}

func (sqliteDialect) Name() string { return "sqlite" }

func (sqliteDialect) Version(ctx context.Context, tx *sql.Tx) (int, error) {
	var v int
	err := tx.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v)
	return v, err
}

func (sqliteDialect) SetVersion(ctx context.Context, tx *sql.Tx, version int) error {
	_, err := tx.ExecContext(ctx, "PRAGMA user_version = "+strconv.Itoa(version)) // a pragma takes no parameters
	return err
}

// Steps are d's steps, oldest first: versions 1, 2, … without a gap.
func Steps(d Dialect) ([]Step, error) {
	names, err := fs.Glob(files, d.Name()+"/*.sql")
	if err != nil {
		return nil, err
	}
	var steps []Step
	for _, name := range names { // Glob sorts them: 0001_… before 0002_…
		num, label, ok := strings.Cut(strings.TrimSuffix(path.Base(name), ".sql"), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || len(num) != 4 {
			return nil, fmt.Errorf("migrate: %s: want NNNN_name.sql", name)
		}
		if v != len(steps)+1 {
			return nil, fmt.Errorf("migrate: %s: version %d follows version %d", name, v, len(steps))
		}
		body, err := files.ReadFile(name)
		if err != nil {
			return nil, err
		}
		steps = append(steps, Step{Version: v, Name: label, SQL: string(body)})
	}
	return steps, nil
}

// TooNewError is a store at a version this program does not know: a newer
// chargedesk migrated it.
type TooNewError struct{ Version, Known int }

func (e *TooNewError) Error() string {
	return fmt.Sprintf("the store is at schema version %d, and this chargedesk knows versions up to %d: run the newer chargedesk that made it", e.Version, e.Known)
}

// Up brings db to the newest of d's steps. It returns the version the
// store was at and the version it is at now.
func Up(ctx context.Context, db *sql.DB, d Dialect) (from, to int, err error) {
	steps, err := Steps(d)
	if err != nil {
		return 0, 0, err
	}
	return apply(ctx, db, d, steps)
}

// apply runs the steps past the store's version, in order, each in its own
// transaction.
func apply(ctx context.Context, db *sql.DB, d Dialect, steps []Step) (from, to int, err error) {
	from, err = current(ctx, db, d)
	if err != nil {
		return 0, 0, err
	}
	if from > len(steps) {
		return from, from, &TooNewError{Version: from, Known: len(steps)}
	}
	to = from
	for _, st := range steps[from:] {
		if err := run(ctx, db, d, st); err != nil {
			return from, to, err
		}
		to = st.Version
	}
	return from, to, nil
}

// current is the store's version.
func current(ctx context.Context, db *sql.DB, d Dialect) (int, error) {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer func() { _ = tx.Rollback() }()
	return d.Version(ctx, tx)
}

// run brings the store to st.Version in one transaction. Another process
// may have got there first: then it does nothing.
func run(ctx context.Context, db *sql.DB, d Dialect, st Step) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback() }() // after Commit: sql.ErrTxDone, nothing undone
	v, err := d.Version(ctx, tx)
	switch {
	case err != nil:
		return err
	case v >= st.Version:
		return nil
	case v != st.Version-1:
		return fmt.Errorf("migrate: the store is at version %d, version %d (%s) needs %d", v, st.Version, st.Name, st.Version-1)
	}
	if _, err := tx.ExecContext(ctx, st.SQL); err != nil {
		return fmt.Errorf("migrate: version %d (%s): %w", st.Version, st.Name, err)
	}
	if err := d.SetVersion(ctx, tx, st.Version); err != nil {
		return fmt.Errorf("migrate: version %d (%s): recording it: %w", st.Version, st.Name, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("migrate: version %d (%s): %w", st.Version, st.Name, err)
	}
	return nil
}
