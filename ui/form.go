package ui

import (
	"strings"

	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/petitmonde/chargedesk/styles"
)

// field is one row of a form: a text input, or a choice cycled with ←/→.
type field struct {
	name    string // the API field it fills (validation messages name it)
	label   string
	choice  bool
	input   textinput.Model
	choices []string // choice fields: what is shown
	idx     int
	err     string
	hint    string
	hidden  bool
}

func newTextField(name, label, value, placeholder string) *field {
	ti := newInput(true)
	ti.Placeholder = placeholder
	ti.SetValue(value)
	ti.CharLimit = 200
	return &field{name: name, label: label, input: ti}
}

func newChoiceField(name, label string, choices []string, idx int) *field {
	return &field{name: name, label: label, choice: true, choices: choices, idx: idx}
}

func (f *field) value() string {
	if f.choice {
		if f.idx >= 0 && f.idx < len(f.choices) {
			return f.choices[f.idx]
		}
		return ""
	}
	return strings.TrimSpace(f.input.Value())
}

func (f *field) cycle(d int) {
	if n := len(f.choices); n > 0 {
		f.idx = ((f.idx+d)%n + n) % n
	}
}

// form is an ordered set of fields with one focused.
type form struct {
	fields []*field
	focus  int
	width  int
}

func (fm *form) visible() []int {
	var out []int
	for i, f := range fm.fields {
		if !f.hidden {
			out = append(out, i)
		}
	}
	return out
}

func (fm *form) focused() *field { return fm.fields[fm.focus] }

// move shifts focus by d among visible fields, wrapping.
func (fm *form) move(d int) tea.Cmd {
	vis := fm.visible()
	pos := 0
	for i, idx := range vis {
		if idx == fm.focus {
			pos = i
		}
	}
	pos = ((pos+d)%len(vis) + len(vis)) % len(vis)
	return fm.focusOn(vis[pos])
}

func (fm *form) focusOn(i int) tea.Cmd {
	for j, f := range fm.fields {
		if j != i && !f.choice {
			f.input.Blur()
		}
	}
	fm.focus = i
	if f := fm.fields[i]; !f.choice {
		f.input.CursorEnd()
		return f.input.Focus()
	}
	return nil
}

// byName finds a field by its API name.
func (fm *form) byName(name string) *field {
	for _, f := range fm.fields {
		if f.name == name {
			return f
		}
	}
	return nil
}

func (fm *form) index(name string) int {
	for i, f := range fm.fields {
		if f.name == name {
			return i
		}
	}
	return -1
}

// typing tells whether a text field has focus.
func (fm *form) typing() bool { return !fm.focused().choice }

// update sends a key to the focused field. ←/→ and ↑/↓ cycle choices.
func (fm *form) update(msg tea.Msg) tea.Cmd {
	f := fm.focused()
	if f.choice {
		if k, ok := msg.(tea.KeyPressMsg); ok {
			switch k.String() {
			case "left", "up", "h", "k":
				f.cycle(-1)
			case "right", "down", "l", "j", "space":
				f.cycle(1)
			}
		}
		return nil
	}
	var cmd tea.Cmd
	f.input, cmd = f.input.Update(msg)
	return cmd
}

func (fm *form) setStyles(st styles.Styles) {
	for _, f := range fm.fields {
		if !f.choice {
			f.input.SetStyles(inputStyles(st.IsDark))
		}
	}
}

func (fm *form) setWidth(w int) {
	fm.width = w
	for _, f := range fm.fields {
		if !f.choice {
			f.input.SetWidth(max(10, min(40, w-24)))
		}
	}
}

// view draws the form: label, value, then the error or the hint.
func (fm *form) view(st styles.Styles, labelW int) string {
	var b strings.Builder
	for i, f := range fm.fields {
		if f.hidden {
			continue
		}
		focused := i == fm.focus
		marker := "  "
		label := st.Label.Render(pad(f.label, labelW))
		if focused {
			marker = st.Focused.Render("▸ ")
			label = st.Focused.Render(pad(f.label, labelW))
		}
		var val string
		if f.choice {
			v := f.value()
			if focused {
				val = st.Key.Render("◂ ") + st.Bold.Render(v) + st.Key.Render(" ▸")
			} else {
				val = v
			}
		} else {
			val = f.input.View()
		}
		b.WriteString(marker + label + " " + val + "\n")
		switch {
		case f.err != "":
			b.WriteString(strings.Repeat(" ", labelW+3) + st.Error.Render("✗ "+f.err) + "\n")
		case f.hint != "":
			b.WriteString(strings.Repeat(" ", labelW+3) + st.Subtle.Render(f.hint) + "\n")
		}
	}
	return b.String()
}

// firstError focuses the first field with an error.
func (fm *form) firstError() tea.Cmd {
	for i, f := range fm.fields {
		if f.err != "" && !f.hidden {
			return fm.focusOn(i)
		}
	}
	return nil
}

func (fm *form) clearErrors() {
	for _, f := range fm.fields {
		f.err = ""
	}
}
