package localstate_test

import (
	"bufio"
	"errors"
	"io"
	"os"
	"os/exec"
	"testing"

	"github.com/petitmonde/chargedesk/api"
	"github.com/petitmonde/chargedesk/api/localstate"
)

const (
	holderEnv    = "CHARGEDESK_TEST_JOURNAL_HOLDER" // the journal's folder, in the helper process
	holderTarget = "http://127.0.0.1:8787/api/v1/client"
	holderKey    = "k-holder-0123456789"
)

// TestJournalHolderProcess is not a test: it is the other process of
// TestACrashedHoldersLockIsReleased, which runs this binary again with
// holderEnv set. It begins an attempt, says so, and holds it until its
// standard input closes or it is killed.
func TestJournalHolderProcess(t *testing.T) {
	dir := os.Getenv(holderEnv)
	if dir == "" {
		t.Skip("the helper process of TestACrashedHoldersLockIsReleased")
	}
	if _, err := localstate.OpenJournal(dir, holderTarget, holderKey).Begin(jreq("cd-held"), jt0); err != nil {
		os.Stdout.WriteString("error " + err.Error() + "\n")
		os.Exit(1)
	}
	os.Stdout.WriteString("held\n")
	_, _ = io.Copy(io.Discard, os.Stdin)
	os.Exit(0)
}

// One process per attempt, across processes: while another process sends
// an attempt, this one may neither send it nor take it for unresolved;
// when that process dies without a word (killed: SIGKILL on Unix,
// TerminateProcess on Windows), the operating system releases its lock,
// and the attempt is there for the next start to look up.
func TestACrashedHoldersLockIsReleased(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestJournalHolderProcess$")
	cmd.Env = append(os.Environ(), holderEnv+"="+dir)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	defer stdin.Close()
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if line != "held\n" {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		t.Fatalf("the holder said %q (%v)", line, err)
	}

	j := localstate.OpenJournal(dir, holderTarget, holderKey)
	if _, err := j.Begin(jreq("cd-held"), jt0); !errors.Is(err, api.ErrInFlight) {
		t.Fatalf("Begin while another process holds the attempt: %v", err)
	}
	if p, err := j.Pending(); err != nil || len(p) != 0 {
		t.Fatalf("an attempt held by a live process is pending: %+v %v", p, err)
	}
	// The record can be read while it is held (on Windows the lock is
	// past the data, so it does not stop readers).
	if since, ok := j.Since("cd-held"); !ok || !since.Equal(jt0) {
		t.Errorf("Since of a held attempt: %v %v", since, ok)
	}

	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	p, err := j.Pending()
	if err != nil || len(p) != 1 || p[0].ExternalID != "cd-held" {
		t.Fatalf("after the holder was killed, pending %+v %v; want its attempt", p, err)
	}
	e, err := j.Begin(jreq("cd-held"), jt0)
	if err != nil {
		t.Fatalf("Begin after the holder was killed: %v", err)
	}
	e.Done()
}
