package ui

import (
	"fmt"
	"strings"

	"charm.land/lipgloss/v2"

	"github.com/petitmonde/chargedesk/styles"
)

// suggestion is one row a text field offers for what is being typed: the
// value a pick puts in the field and a note drawn after it.
type suggestion struct{ value, note string }

// suggestions is a text field's list of what its text could mean, made
// anew on every edit. ↑/↓ move through it and enter picks; with nothing
// highlighted the text stands as typed.
type suggestions struct {
	make  func(typed string) []suggestion // nil: the field suggests nothing
	items []suggestion
	sel   int // the highlighted row, -1: none
}

// suggestionRows is how many rows of the list are drawn at once.
const suggestionRows = 5

func (s *suggestions) refresh(typed string) {
	s.items, s.sel = nil, -1
	if s.make != nil && strings.TrimSpace(typed) != "" {
		s.items = s.make(typed)
	}
}

func (s *suggestions) clear() { s.items, s.sel = nil, -1 }

func (s *suggestions) open() bool { return len(s.items) > 0 }

// move highlights the next (d > 0) or previous row; ↑ from the first
// returns to the text as typed.
func (s *suggestions) move(d int) {
	s.sel = max(-1, min(len(s.items)-1, s.sel+d))
}

// picked is the highlighted value, if a row is highlighted.
func (s *suggestions) picked() (string, bool) {
	if s.sel < 0 || s.sel >= len(s.items) {
		return "", false
	}
	return s.items[s.sel].value, true
}

// view draws the rows around the highlighted one, indented under the
// field's value, each cut to width.
func (s *suggestions) view(st styles.Styles, indent, width int) string {
	first := 0
	if s.sel >= suggestionRows {
		first = s.sel - suggestionRows + 1
	}
	last := min(len(s.items), first+suggestionRows)
	var b strings.Builder
	pad := strings.Repeat(" ", indent)
	for i := first; i < last; i++ {
		it := s.items[i]
		text := trunc(it.value, max(10, width-indent-4))
		note := ""
		if it.note != "" && lipgloss.Width(text)+lipgloss.Width(it.note)+indent+6 < width {
			note = "  " + st.Subtle.Render(it.note)
		}
		if i == s.sel {
			b.WriteString(pad + st.Focused.Render("› ") + st.Selected.Render(text) + note + "\n")
		} else {
			b.WriteString(pad + "  " + text + note + "\n")
		}
	}
	if more := len(s.items) - last; more > 0 {
		b.WriteString(pad + "  " + st.Subtle.Render(fmt.Sprintf("… %d more: type more of the name", more)) + "\n")
	}
	return b.String()
}
