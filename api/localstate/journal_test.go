package localstate_test

import (
	"errors"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/petitmonde/chargedesk/api"
	"github.com/petitmonde/chargedesk/api/localstate"
	"github.com/petitmonde/chargedesk/model"
)

var jt0 = time.Date(2026, 12, 1, 13, 2, 0, 0, time.UTC)

func jreq(ext string) model.BookingRequest {
	return model.BookingRequest{LocationID: "DE-ENB-E123456", EVSEUID: "DE*ENB*E123456*1", ExternalID: ext,
		ReservationStart: jt0.Add(time.Hour), ReservationEnd: jt0.Add(2 * time.Hour), TokenStrategy: model.AdHoc}
}

func TestJournalRecordsUntilTheOutcomeIsKnown(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	j := localstate.OpenJournal(dir, "http://127.0.0.1:8787/api/v1/client", "k-secret-0123456789")
	e, err := j.Begin(jreq("cd-a"), jt0)
	if err != nil {
		t.Fatal(err)
	}
	files, _ := os.ReadDir(dir)
	if len(files) != 1 {
		t.Fatalf("%d files after Begin", len(files))
	}
	data, _ := os.ReadFile(dir + "/" + files[0].Name())
	if st, _ := os.Stat(dir + "/" + files[0].Name()); runtime.GOOS != "windows" && st.Mode().Perm() != 0o600 {
		t.Errorf("mode %v", st.Mode().Perm()) // on Windows, the folder's access list decides
	}
	if len(data) == 0 || strings.Contains(string(data), "k-secret") {
		t.Fatalf("the record is empty or holds the key: %s", data)
	}
	// Held: a second process with the same id is refused, and nobody
	// resolves it behind the sender's back.
	other := localstate.OpenJournal(dir, "http://127.0.0.1:8787/api/v1/client", "k-secret-0123456789")
	if _, err := other.Begin(jreq("cd-a"), jt0); !errors.Is(err, api.ErrInFlight) {
		t.Fatalf("a second Begin of the same id: %v", err)
	}
	if p, _ := other.Pending(); len(p) != 0 {
		t.Fatalf("an attempt in flight is pending: %+v", p)
	}
	e.Done()
	if files, _ := os.ReadDir(dir); len(files) != 0 {
		t.Fatalf("%d files after Done", len(files))
	}
}

func TestJournalKeepsAnUnknownOutcomeForTheNextStart(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	j := localstate.OpenJournal(dir, "https://api.petitmonde.energy/api/v1/client", "key-A-0123456789")
	e, err := j.Begin(jreq("cd-b"), jt0)
	if err != nil {
		t.Fatal(err)
	}
	e.Keep()
	p, err := j.Pending()
	if err != nil || len(p) != 1 || p[0].ExternalID != "cd-b" || !p[0].Since.Equal(jt0) || p[0].Request.EVSEUID != "DE*ENB*E123456*1" {
		t.Fatalf("pending %+v %v", p, err)
	}
	if since, ok := j.Since("cd-b"); !ok || !since.Equal(jt0) {
		t.Errorf("since %v %v", since, ok)
	}
	// Another account or API does not resolve it.
	for _, o := range []*localstate.Journal{
		localstate.OpenJournal(dir, "https://api.petitmonde.energy/api/v1/client", "key-B-0123456789"),
		localstate.OpenJournal(dir, "http://127.0.0.1:8787/api/v1/client", "key-A-0123456789"),
	} {
		if p, _ := o.Pending(); len(p) != 0 {
			t.Errorf("another target sees %+v", p)
		}
	}
	// The next attempt with that id takes the record over (a rerun).
	e2, err := j.Begin(jreq("cd-b"), jt0.Add(time.Minute))
	if err != nil {
		t.Fatalf("a rerun after a crash: %v", err)
	}
	e2.Done()
	if p, _ := j.Pending(); len(p) != 0 {
		t.Fatalf("pending after the rerun: %+v", p)
	}
	if err := j.Resolved("cd-b"); err != nil {
		t.Fatal(err)
	}
}
