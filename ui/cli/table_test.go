package cli

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/vt"

	"github.com/petitmonde/chargedesk/api"
	"github.com/petitmonde/chargedesk/model"
)

// Location names from anywhere: CJK (two cells a character), emoji (two),
// combining marks (none), and one too long for its column.
var wideNames = []string{
	"東京駅 八重洲口 充電ステーション",
	"Café 🔌 Ladepunkt am Hauptbahnhof",
	"Zu\u0308rich Bahnhofstrasse (combining)",
	"北京首都国际机场 第三航站楼 停车场 快速充电站 东区",
}

// screenColumn is the terminal column where text starts on row y of what
// the emulator shows, or -1.
func screenColumn(emu *vt.Emulator, y int, text string) int {
	for x := 0; x < emu.Width(); x++ {
		var b strings.Builder
		for i := x; i < emu.Width() && b.Len() < len(text); i++ {
			if c := emu.CellAt(i, y); c != nil {
				b.WriteString(c.Content)
			}
		}
		if b.String() == text {
			return x
		}
	}
	return -1
}

// The search table lines up wide text: on a terminal, every row's CPO and
// BOOKABLE columns start where their headers do.
func TestSearchTableAlignsWideText(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var locs []model.Location
		for i, name := range wideNames {
			locs = append(locs, model.Location{LocationID: "DE-WID-E00000" + string(rune('1'+i)), Name: name,
				Address: name, City: "München", CPOName: "CPO-" + string(rune('A'+i)), SupportsReservation: true,
				DistanceKM: float64(i), EVSEs: []model.EVSE{{EVSEUID: "E1", Status: model.EVSEAvailable}}})
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(model.SearchResponse{Total: len(locs), Results: locs})
	}))
	defer srv.Close()
	e := isolatedEnv(t)
	e.setenv(api.EnvAPIKey, cmdKey)
	e.base = srv.URL
	code, out, errs := e.run("search", "--place", "München")
	wantCode(t, code, exitOK, out, errs)

	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")[1:] // after the heading
	emu := vt.NewEmulator(240, len(lines)+1)
	_, _ = emu.WriteString(strings.Join(lines, "\r\n"))
	cpo, bookable := screenColumn(emu, 0, "CPO"), screenColumn(emu, 0, "BOOKABLE")
	if cpo < 0 || bookable < 0 {
		t.Fatalf("no header:\n%s", out)
	}
	for y := 1; y < len(lines); y++ {
		if x := screenColumn(emu, y, "CPO-"+string(rune('A'+y-1))); x != cpo {
			t.Errorf("row %d: CPO at column %d, header at %d:\n%s", y, x, cpo, out)
		}
		if x := screenColumn(emu, y, "yes"); x != bookable {
			t.Errorf("row %d: BOOKABLE at column %d, header at %d:\n%s", y, x, bookable, out)
		}
	}
	if !strings.Contains(out, "…") {
		t.Errorf("the long name was not cut:\n%s", out)
	}
}

func TestCellCutsByTerminalWidth(t *testing.T) {
	t.Parallel()
	for _, name := range wideNames {
		for _, n := range []int{5, 12, 36} {
			got := cell(name, n)
			if w := ansi.StringWidth(got); w > n {
				t.Errorf("cell(%q, %d) = %q, %d cells wide", name, n, got, w)
			}
			if ansi.StringWidth(name) > n && !strings.HasSuffix(got, "…") {
				t.Errorf("cell(%q, %d) = %q, not marked as cut", name, n, got)
			}
		}
	}
	if got := cell("\x1b[31m\t", 10); got != "—" {
		t.Errorf("empty after sanitising: %q", got)
	}
}
