// Package list is chargedesk's one scrolling list: a cursor over n rows, the
// window of rows that fit, page and end keys, and an optional filter field.
// It draws only the rows in view, so a list of 10,000 costs what one screen
// of them does. It knows nothing of what a row is: the screen keeps its items
// (filtered and sorted as it likes), tells the list how many there are, and
// renders a row when the list asks for it.
package list

import (
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
)

// KeyMap is the list's part of the program's keymap.
type KeyMap struct {
	Up, Down, PageUp, PageDown, Home, End key.Binding
	// Filter opens the filter field; Apply closes it keeping the text;
	// Clear closes it and drops the text (also when it is closed but set).
	Filter, Apply, Clear key.Binding
}

// Event tells the screen what a message did to the list.
type Event int

// Events of Update.
const (
	None          Event = iota // not the list's message
	Moved                      // the cursor moved (or stayed at an end)
	PastEnd                    // Down at the last row: a screen may load more
	FilterChanged              // the filter text changed: rebuild the items, then SetLen
	FilterClosed               // the filter field closed (its text kept)
	Handled                    // used by the list, nothing for the screen to do
)

// Model is the list's state. The zero value is not ready: use New.
type Model struct {
	keys       KeyMap
	n          int
	cursor     int
	offset     int
	lines      int // lines the rows may take
	rowLines   int // lines per row
	selectable func(i int) bool

	filter    textinput.Model
	hasFilter bool
	filtering bool
}

// New is a list whose rows are rowLines lines high (at least 1).
func New(keys KeyMap, rowLines int) Model {
	return Model{keys: keys, rowLines: max(1, rowLines)}
}

// WithFilter gives the list a filter field (opened with KeyMap.Filter).
func (m *Model) WithFilter(input textinput.Model) {
	m.filter = input
	m.hasFilter = true
}

// SetSelectable limits the cursor to the rows f accepts (nil: every row).
func (m *Model) SetSelectable(f func(i int) bool) {
	m.selectable = f
	m.Select(m.cursor)
}

// SetLen tells the list how many rows there are now, keeping the cursor in range.
func (m *Model) SetLen(n int) {
	m.n = max(0, n)
	m.Select(m.cursor)
}

// SetHeight is how many lines the rows may take.
func (m *Model) SetHeight(lines int) {
	m.lines = lines
	m.scroll()
}

// Len is the number of rows.
func (m *Model) Len() int { return m.n }

// Cursor is the selected row (-1 when none can be selected).
func (m *Model) Cursor() int {
	if m.n == 0 || (m.selectable != nil && !m.selectable(m.cursor)) {
		return -1
	}
	return m.cursor
}

// Rows is how many rows fit.
func (m *Model) Rows() int { return max(1, m.lines/m.rowLines) }

// Offset is the first row in view.
func (m *Model) Offset() int { return m.offset }

// Select puts the cursor on row i, or the nearest selectable row after it
// (before it at the end).
func (m *Model) Select(i int) {
	if m.n == 0 {
		m.cursor, m.offset = 0, 0
		return
	}
	i = min(max(i, 0), m.n-1)
	if m.selectable != nil && !m.selectable(i) {
		if j := m.find(i, 1); j >= 0 {
			i = j
		} else if j := m.find(i, -1); j >= 0 {
			i = j
		}
	}
	m.cursor = i
	m.scroll()
}

// find is the first selectable row from i in direction d, or -1.
func (m *Model) find(i, d int) int {
	for ; i >= 0 && i < m.n; i += d {
		if m.selectable == nil || m.selectable(i) {
			return i
		}
	}
	return -1
}

// move goes by d rows, landing on a selectable one; it stays put when there
// is none that way.
func (m *Model) move(d int) {
	if m.n == 0 {
		return
	}
	target := min(max(m.cursor+d, 0), m.n-1)
	dir := 1
	if d < 0 {
		dir = -1
	}
	j := m.find(target, dir)
	if j < 0 {
		j = m.find(target, -dir)
	}
	if j >= 0 && (m.selectable == nil || m.selectable(j)) {
		m.cursor = j
	}
	m.scroll()
}

func (m *Model) scroll() {
	rows := m.Rows()
	if m.cursor < m.offset {
		m.offset = m.cursor
	}
	if m.cursor >= m.offset+rows {
		m.offset = m.cursor - rows + 1
	}
	m.offset = max(0, min(m.offset, max(0, m.n-rows)))
}

// Filter is the filter text, trimmed and lower-cased.
func (m *Model) Filter() string { return strings.ToLower(strings.TrimSpace(m.filter.Value())) }

// RawFilter is the filter text as typed.
func (m *Model) RawFilter() string { return m.filter.Value() }

// Filtering tells whether the filter field has focus (keys go to it).
func (m *Model) Filtering() bool { return m.filtering }

// CapturesEsc tells whether esc belongs to the list now: it closes the open
// filter, or clears a filter still set.
func (m *Model) CapturesEsc() bool { return m.filtering || m.filter.Value() != "" }

// SetInputStyles restyles the filter field (after a theme change).
func (m *Model) SetInputStyles(s textinput.Styles) { m.filter.SetStyles(s) }

// SetWidth sets the filter field's width.
func (m *Model) SetWidth(w int) { m.filter.SetWidth(max(10, w)) }

// Update takes a key or a paste. Movement keys work while the filter has
// focus, so the agent can type and pick without leaving the field.
func (m *Model) Update(msg tea.Msg) (Event, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.PasteMsg:
		if m.filtering {
			return m.typeInFilter(msg)
		}
	case tea.KeyPressMsg:
		if ev, cmd, ok := m.filterKey(msg); ok {
			return ev, cmd
		}
		return m.moveKey(msg), nil
	}
	return None, nil
}

func (m *Model) filterKey(msg tea.KeyPressMsg) (Event, tea.Cmd, bool) {
	if !m.hasFilter {
		return None, nil, false
	}
	switch {
	case m.filtering && key.Matches(msg, m.keys.Apply):
		m.filtering = false
		m.filter.Blur()
		return FilterClosed, nil, true
	case key.Matches(msg, m.keys.Clear) && m.CapturesEsc():
		m.filtering = false
		m.filter.Blur()
		m.filter.SetValue("")
		return FilterChanged, nil, true
	case !m.filtering && key.Matches(msg, m.keys.Filter):
		m.filtering = true
		return Handled, m.filter.Focus(), true
	case m.filtering && !key.Matches(msg, m.keys.Up, m.keys.Down, m.keys.PageUp, m.keys.PageDown):
		ev, cmd := m.typeInFilter(msg)
		return ev, cmd, true
	}
	return None, nil, false
}

func (m *Model) typeInFilter(msg tea.Msg) (Event, tea.Cmd) {
	before := m.filter.Value()
	var cmd tea.Cmd
	m.filter, cmd = m.filter.Update(msg)
	if m.filter.Value() != before {
		return FilterChanged, cmd
	}
	return Handled, cmd
}

func (m *Model) moveKey(msg tea.KeyPressMsg) Event {
	switch {
	case key.Matches(msg, m.keys.Up):
		m.move(-1)
	case key.Matches(msg, m.keys.Down):
		if m.n > 0 && m.find(m.cursor+1, 1) < 0 {
			return PastEnd
		}
		m.move(1)
	case key.Matches(msg, m.keys.PageUp):
		m.move(-m.Rows())
	case key.Matches(msg, m.keys.PageDown):
		m.move(m.Rows())
	case key.Matches(msg, m.keys.Home):
		m.Select(0)
	case key.Matches(msg, m.keys.End):
		if j := m.find(m.n-1, -1); j >= 0 {
			m.cursor = j
			m.scroll()
		}
	default:
		return None
	}
	return Moved
}

// View draws the rows in view; row renders row i (selected: under the
// cursor). Each row ends with a newline.
func (m *Model) View(row func(i int, selected bool) string) string {
	var b strings.Builder
	cur := m.Cursor()
	end := min(m.n, m.offset+m.Rows())
	for i := m.offset; i < end; i++ {
		b.WriteString(row(i, i == cur))
	}
	return b.String()
}

// FilterView draws the filter field.
func (m *Model) FilterView() string { return m.filter.View() }
