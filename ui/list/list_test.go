package list_test

import (
	"fmt"
	"strings"
	"testing"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/petitmonde/chargedesk/ui/list"
)

var keys = list.KeyMap{
	Up:       key.NewBinding(key.WithKeys("up")),
	Down:     key.NewBinding(key.WithKeys("down")),
	PageUp:   key.NewBinding(key.WithKeys("pgup")),
	PageDown: key.NewBinding(key.WithKeys("pgdown")),
	Home:     key.NewBinding(key.WithKeys("home")),
	End:      key.NewBinding(key.WithKeys("end")),
	Filter:   key.NewBinding(key.WithKeys("/")),
	Apply:    key.NewBinding(key.WithKeys("enter")),
	Clear:    key.NewBinding(key.WithKeys("esc")),
}

func press(m *list.Model, names ...string) list.Event {
	codes := map[string]rune{"up": tea.KeyUp, "down": tea.KeyDown, "pgup": tea.KeyPgUp, "pgdown": tea.KeyPgDown,
		"home": tea.KeyHome, "end": tea.KeyEnd, "enter": tea.KeyEnter, "esc": tea.KeyEscape}
	var ev list.Event
	for _, n := range names {
		msg := tea.KeyPressMsg{Code: []rune(n)[0], Text: n}
		if c, ok := codes[n]; ok {
			msg = tea.KeyPressMsg{Code: c}
		}
		ev, _ = m.Update(msg)
	}
	return ev
}

func rows(m *list.Model) []string {
	out := m.View(func(i int, sel bool) string {
		if sel {
			return fmt.Sprintf("[%d]\n", i)
		}
		return fmt.Sprintf("%d\n", i)
	})
	return strings.Fields(out)
}

func TestCursorPagingAndWindow(t *testing.T) {
	m := list.New(keys, 2)
	m.SetHeight(10) // five two-line rows
	m.SetLen(100)
	if got := rows(&m); len(got) != 5 || got[0] != "[0]" {
		t.Fatalf("first screen %v", got)
	}
	press(&m, "pgdown")
	if m.Cursor() != 5 || m.Offset() != 1 {
		t.Fatalf("page down: cursor %d offset %d", m.Cursor(), m.Offset())
	}
	press(&m, "end")
	if got := rows(&m); m.Cursor() != 99 || got[len(got)-1] != "[99]" || len(got) != 5 {
		t.Fatalf("end: cursor %d rows %v", m.Cursor(), got)
	}
	if ev := press(&m, "down"); ev != list.PastEnd || m.Cursor() != 99 {
		t.Fatalf("down at the end: %v, cursor %d", ev, m.Cursor())
	}
	press(&m, "home", "up")
	if m.Cursor() != 0 || m.Offset() != 0 {
		t.Fatalf("home then up: cursor %d offset %d", m.Cursor(), m.Offset())
	}
	m.SetLen(3) // the items shrank (a filter): the cursor stays in range
	press(&m, "end")
	m.SetLen(1)
	if m.Cursor() != 0 {
		t.Fatalf("cursor %d after the list shrank to 1", m.Cursor())
	}
	m.SetLen(0)
	if m.Cursor() != -1 || len(rows(&m)) != 0 {
		t.Fatalf("empty list: cursor %d rows %v", m.Cursor(), rows(&m))
	}
}

func TestOnlySelectableRows(t *testing.T) {
	m := list.New(keys, 1)
	m.SetHeight(3)
	m.SetLen(6)
	m.SetSelectable(func(i int) bool { return i == 2 || i == 4 })
	if m.Cursor() != 2 {
		t.Fatalf("first selectable: %d", m.Cursor())
	}
	press(&m, "down")
	if m.Cursor() != 4 {
		t.Fatalf("down skips to %d, want 4", m.Cursor())
	}
	if ev := press(&m, "down"); ev != list.PastEnd || m.Cursor() != 4 {
		t.Fatalf("down past the last selectable: %v %d", ev, m.Cursor())
	}
	press(&m, "up", "up")
	if m.Cursor() != 2 {
		t.Fatalf("up stops at the first selectable: %d", m.Cursor())
	}
	m.SetSelectable(func(int) bool { return false })
	if m.Cursor() != -1 {
		t.Fatalf("nothing selectable, cursor %d", m.Cursor())
	}
}

func TestFilterField(t *testing.T) {
	m := list.New(keys, 1)
	m.WithFilter(textinput.New())
	m.SetHeight(5)
	m.SetLen(10)
	if ev := press(&m, "/"); ev != list.Handled || !m.Filtering() {
		t.Fatalf("/ did not open the filter: %v", ev)
	}
	if ev := press(&m, "A"); ev != list.FilterChanged || m.Filter() != "a" || m.RawFilter() != "A" {
		t.Fatalf("typing: %v %q", ev, m.Filter())
	}
	if ev := press(&m, "down"); ev != list.Moved || m.Cursor() != 1 {
		t.Fatalf("movement while filtering: %v %d", ev, m.Cursor())
	}
	if ev := press(&m, "enter"); ev != list.FilterClosed || m.Filtering() || m.RawFilter() != "A" || !m.CapturesEsc() {
		t.Fatalf("enter keeps the text: %v %q", ev, m.RawFilter())
	}
	if ev := press(&m, "esc"); ev != list.FilterChanged || m.RawFilter() != "" || m.CapturesEsc() {
		t.Fatalf("esc clears a set filter: %v %q", ev, m.RawFilter())
	}
	if ev := press(&m, "esc"); ev != list.None {
		t.Fatalf("esc with no filter is not the list's: %v", ev)
	}
	plain := list.New(keys, 1)
	plain.SetLen(3)
	if ev := press(&plain, "/"); ev != list.None {
		t.Fatalf("a list without a filter took /: %v", ev)
	}
}
