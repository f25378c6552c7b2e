// Package pgtest is test support: a throwaway PostgreSQL server for the
// gateway's store tests, started from the machine's own PostgreSQL binaries
// (initdb and pg_ctl in a temporary directory, on a free loopback port), or
// the server CHARGEDESK_TEST_POSTGRES names. Each test gets a database of
// its own, dropped when it ends. When neither is possible the tests skip
// with one line that says how to run them; with CHARGEDESK_REQUIRE_POSTGRES
// set (CI) they fail instead.
//
//	func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }
//
//	func TestSomething(t *testing.T) {
//		url := pgtest.Database(t) // postgres://…/test_…?sslmode=disable
//	}
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// EnvURL names a PostgreSQL server to use instead of starting one: a URL
// whose user may create databases (postgres://user@host:port/db).
const EnvURL = "CHARGEDESK_TEST_POSTGRES"

// EnvRequire makes a missing PostgreSQL a failure instead of a skip.
const EnvRequire = "CHARGEDESK_REQUIRE_POSTGRES"

// Cluster is one PostgreSQL server the tests of this process share.
type Cluster struct {
	// URL reaches the server's maintenance database as a user who may
	// create databases.
	URL string

	dir     string // the data directory when this process made it
	pgCtl   string // pg_ctl, to stop it
	as      *runAs // whom the server runs as (root: postgres; nil: this process's user)
	started bool
}

var shared struct {
	once    sync.Once
	cluster *Cluster
	err     error
}

// Shared is the process's cluster, started on first use (nil and the
// reason when there is none).
func Shared() (*Cluster, error) {
	shared.once.Do(func() {
		if u := strings.TrimSpace(os.Getenv(EnvURL)); u != "" {
			shared.cluster = &Cluster{URL: u}
			return
		}
		shared.cluster, shared.err = Start()
	})
	return shared.cluster, shared.err
}

// Main runs the tests, then stops the shared cluster if one was started:
// call it from TestMain.
func Main(m *testing.M) int {
	code := m.Run()
	if shared.cluster != nil {
		shared.cluster.Stop()
	}
	return code
}

// Require is the shared cluster, or the test skips (fails with
// EnvRequire set) with one line saying how to run it.
func Require(tb testing.TB) *Cluster {
	tb.Helper()
	c, err := Shared()
	if err == nil {
		return c
	}
	msg := fmt.Sprintf("PostgreSQL tests: %v. Install PostgreSQL's server (Debian: apt-get install postgresql) or set %s=postgres://USER@HOST:PORT/postgres", err, EnvURL)
	if os.Getenv(EnvRequire) != "" {
		tb.Fatal(msg)
	}
	tb.Skip(msg)
	return nil
}

// Database makes a fresh, empty database for this test on the shared
// cluster and returns its URL; it is dropped when the test ends.
func Database(tb testing.TB) string {
	tb.Helper()
	c := Require(tb)
	u, err := c.NewDatabase(context.Background())
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if err := c.DropDatabase(context.Background(), u); err != nil {
			tb.Logf("pgtest: %v", err)
		}
	})
	return u
}

// NewDatabase creates a database of a new name and returns its URL.
func (c *Cluster) NewDatabase(ctx context.Context) (string, error) {
	var raw [6]byte
	_, _ = rand.Read(raw[:])
	name := "test_" + hex.EncodeToString(raw[:])
	conn, err := pgx.Connect(ctx, c.URL)
	if err != nil {
		return "", fmt.Errorf("pgtest: %w", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		return "", fmt.Errorf("pgtest: create database: %w", err)
	}
	u, err := url.Parse(c.URL)
	if err != nil {
		return "", err
	}
	u.Path = "/" + name
	return u.String(), nil
}

// DropDatabase drops the database dbURL names, ending its sessions first.
func (c *Cluster) DropDatabase(ctx context.Context, dbURL string) error {
	u, err := url.Parse(dbURL)
	if err != nil {
		return err
	}
	name := strings.TrimPrefix(u.Path, "/")
	conn, err := pgx.Connect(ctx, c.URL)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)")
	return err
}

// Start starts a new cluster in a temporary directory, on a free loopback
// port, from the machine's PostgreSQL binaries. When this process runs as
// root the server runs as the postgres user (PostgreSQL refuses root).
func Start() (*Cluster, error) {
	bin, err := binDir()
	if err != nil {
		return nil, err
	}
	c := &Cluster{pgCtl: filepath.Join(bin, "pg_ctl")}
	if c.as, err = serverUser(); err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "chargedesk-pg-")
	if err != nil {
		return nil, err
	}
	c.dir = dir
	if err := c.as.own(dir); err != nil {
		_ = os.RemoveAll(dir)
		return nil, err
	}
	data := filepath.Join(dir, "data")
	if out, err := c.run(filepath.Join(bin, "initdb"), "-D", data, "-U", "postgres", "--auth=trust", "--no-sync", "-E", "UTF8", "--locale=C"); err != nil {
		_ = os.RemoveAll(dir)
		return nil, fmt.Errorf("initdb: %v: %s", err, lastLine(out))
	}
	port, err := freePort()
	if err != nil {
		_ = os.RemoveAll(dir)
		return nil, err
	}
	// fsync off: a throwaway cluster; the tests are about the store's
	// logic, not this disk. Sockets in the temp dir, TCP on loopback only.
	opts := fmt.Sprintf("-c listen_addresses=127.0.0.1 -c port=%d -c unix_socket_directories=%s -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200", port, dir)
	if out, err := c.run(c.pgCtl, "-D", data, "-l", filepath.Join(dir, "log"), "-o", opts, "-w", "-t", "60", "start"); err != nil {
		log, _ := os.ReadFile(filepath.Join(dir, "log"))
		_ = os.RemoveAll(dir)
		return nil, fmt.Errorf("pg_ctl start: %v: %s %s", err, lastLine(out), lastLine(string(log)))
	}
	c.started = true
	c.URL = fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", port)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for {
		conn, err := pgx.Connect(ctx, c.URL)
		if err == nil {
			_ = conn.Close(ctx)
			return c, nil
		}
		select {
		case <-ctx.Done():
			c.Stop()
			return nil, fmt.Errorf("the server did not answer: %v", err)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// Stop stops a cluster this process started and removes its directory.
func (c *Cluster) Stop() {
	if !c.started {
		return
	}
	_, _ = c.run(c.pgCtl, "-D", filepath.Join(c.dir, "data"), "-m", "immediate", "-w", "stop")
	_ = os.RemoveAll(c.dir)
	c.started = false
}

// run runs a PostgreSQL binary as the server's user.
func (c *Cluster) run(name string, args ...string) (string, error) {
	cmd := exec.Command(name, args...)
	cmd.Dir = c.dir
	cmd.Env = append(os.Environ(), "LC_ALL=C")
	c.as.apply(cmd)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// binDir finds the server's binaries: pg_config --bindir, else the usual
// install paths (Debian's /usr/lib/postgresql/N/bin, newest first), else
// PATH.
func binDir() (string, error) {
	if runtime.GOOS == "windows" {
		return "", errors.New("starting a server is not supported on Windows")
	}
	has := func(dir string) bool {
		_, err := os.Stat(filepath.Join(dir, "initdb"))
		return err == nil
	}
	if out, err := exec.Command("pg_config", "--bindir").Output(); err == nil {
		if dir := strings.TrimSpace(string(out)); has(dir) {
			return dir, nil
		}
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return version(dirs[i]) > version(dirs[j]) })
	dirs = append(dirs, "/usr/local/pgsql/bin", "/opt/homebrew/bin", "/usr/local/bin")
	for _, d := range dirs {
		if has(d) {
			return d, nil
		}
	}
	if p, err := exec.LookPath("initdb"); err == nil {
		return filepath.Dir(p), nil
	}
	return "", errors.New("no PostgreSQL server binaries (initdb, pg_ctl) found")
}

func version(binDir string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return n
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

func lastLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		return s[i+1:]
	}
	return s
}
