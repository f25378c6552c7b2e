package ui

import (
	"strconv"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/petitmonde/chargedesk/model"
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
	// options are values ↑/↓ offer in a text field (recent places, presets,
	// remembered customers); opt is the one shown, -1 when typed.
	options []string
	opt     int
	// sugg is what the text could mean, listed under it as it is typed
	// (places from the gazetteer); ↑/↓ then move through the list.
	sugg suggestions
	err  string
	hint string
	// longHint: the hint may take two lines (what a place resolved to);
	// other hints are cut to one. Errors always may.
	longHint bool
	hidden   bool
	// fresh: the field has focus and its prefilled value is untouched, like a
	// selected field in a browser: the first printable key replaces it.
	fresh bool
	// minutes, on a choice of durations, picks the choice that typed digits
	// name ("90" → 1 h 30); digits is what has been typed so far.
	minutes func(n int) (idx int, ok bool)
	digits  string
}

func newTextField(name, label, value, placeholder string) *field {
	ti := newInput(true)
	ti.Placeholder = placeholder
	ti.SetValue(value)
	ti.CharLimit = 200
	return &field{name: name, label: label, input: ti, opt: -1}
}

func newChoiceField(name, label string, choices []string, idx int) *field {
	return &field{name: name, label: label, choice: true, choices: choices, idx: idx, opt: -1}
}

// durationField is a choice of durations, choice idx first; typed digits
// name minutes ("90" → 1 h 30).
func durationField(name, label string, ds []time.Duration, idx int) *field {
	labels := make([]string, len(ds))
	for i, d := range ds {
		labels[i] = fmtDuration(d)
	}
	f := newChoiceField(name, label, labels, idx)
	f.minutes = func(n int) (int, bool) {
		for i, d := range ds {
			if d == time.Duration(n)*time.Minute {
				return i, true
			}
		}
		return 0, false
	}
	f.hint = "←/→, or type the minutes (90 → 1 h 30)"
	return f
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

func (f *field) setValue(v string) {
	f.input.SetValue(v)
	f.input.CursorEnd()
}

func (f *field) cycle(d int) {
	if n := len(f.choices); n > 0 {
		f.idx = ((f.idx+d)%n + n) % n
	}
}

// cycleOption shows the next (d > 0) or previous option; it starts from the
// option equal to what is typed, if any.
func (f *field) cycleOption(d int) {
	n := len(f.options)
	if n == 0 {
		return
	}
	if f.opt < 0 {
		for i, o := range f.options {
			if strings.EqualFold(o, f.value()) {
				f.opt = i
			}
		}
	}
	switch {
	case f.opt < 0 && d > 0:
		f.opt = 0
	case f.opt < 0:
		f.opt = n - 1
	default:
		f.opt = ((f.opt+d)%n + n) % n
	}
	f.setValue(f.options[f.opt])
	f.sugg.clear()
}

// form is an ordered set of fields with one focused. The server's refusal
// of a field stays beside it until that field is edited.
type form struct {
	keys    FormKeys
	fields  []*field
	focus   int
	width   int
	apiErrs map[string]string // field name → the server's text
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
		f.fresh, f.digits = false, ""
	}
	fm.focus = i
	if f := fm.fields[i]; !f.choice {
		f.input.CursorEnd()
		f.fresh = f.input.Value() != ""
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

// update handles a key or a paste for the form: tab and shift+tab move
// between fields; a choice cycles on ←/→ (and ↑/↓), a choice of durations
// also takes the minutes typed as digits; a text field with options cycles
// them on ↑/↓, one without moves to the next or previous field; ctrl+u
// clears a text field; everything else is typed into it, the first
// printable key (or a paste) replacing a prefilled value not yet touched.
// edited reports that a value changed (the field's server error is then
// dropped).
func (fm *form) update(msg tea.Msg) (cmd tea.Cmd, edited bool) {
	f := fm.focused()
	if k, ok := msg.(tea.KeyPressMsg); ok {
		if cmd, edited, done := fm.navigate(f, k); done {
			return cmd, edited
		}
	}
	if f.choice {
		return nil, false
	}
	return fm.typeInto(f, msg)
}

// navigate handles the keys that move or choose rather than type; done is
// false for a key meant for the text input.
func (fm *form) navigate(f *field, k tea.KeyPressMsg) (cmd tea.Cmd, edited, done bool) {
	switch {
	case key.Matches(k, fm.keys.Next):
		return fm.move(1), false, true
	case key.Matches(k, fm.keys.Prev):
		return fm.move(-1), false, true
	case f.choice:
		return nil, fm.choose(f, k), true
	case key.Matches(k, fm.keys.ClearField):
		f.setValue("")
		f.fresh, f.opt = false, -1
		f.sugg.clear()
		fm.changed(f)
		return nil, true, true
	case f.sugg.open() && key.Matches(k, fm.keys.Up, fm.keys.Down):
		d := 1
		if key.Matches(k, fm.keys.Up) {
			d = -1
		}
		f.sugg.move(d)
		return nil, false, true
	case len(f.options) > 0 && key.Matches(k, fm.keys.Up, fm.keys.Down):
		d := 1
		if key.Matches(k, fm.keys.Up) {
			d = -1
		}
		f.cycleOption(d)
		f.fresh = true // a whole value offered: typing replaces it, too
		fm.changed(f)
		return nil, true, true
	case key.Matches(k, fm.keys.Up):
		return fm.move(-1), false, true
	case key.Matches(k, fm.keys.Down):
		return fm.move(1), false, true
	}
	return nil, false, false
}

// choose changes a choice field: ←/→ (and ↑/↓) cycle, digits name minutes
// on a duration; letters change nothing.
func (fm *form) choose(f *field, k tea.KeyPressMsg) bool {
	switch {
	case key.Matches(k, fm.keys.ChoicePrev):
		f.cycle(-1)
	case key.Matches(k, fm.keys.ChoiceNext):
		f.cycle(1)
	case f.minutes != nil && len(k.Text) == 1 && k.Text[0] >= '0' && k.Text[0] <= '9':
		f.digits += k.Text
		if len(f.digits) > 3 {
			f.digits = k.Text
		}
		n, _ := strconv.Atoi(f.digits)
		idx, ok := f.minutes(n)
		if !ok {
			return false
		}
		f.idx = idx
	default:
		return false
	}
	fm.changed(f)
	return true
}

// typeInto sends a key or a paste to a text field.
func (fm *form) typeInto(f *field, msg tea.Msg) (tea.Cmd, bool) {
	if f.fresh {
		// Only the agent's keys touch the value: a cursor blink or any other
		// message passing through leaves it fresh.
		switch m := msg.(type) {
		case tea.PasteMsg:
			f.input.SetValue("")
			f.fresh = false
		case tea.KeyPressMsg:
			switch {
			case m.Text != "" && m.Mod&(tea.ModCtrl|tea.ModAlt) == 0:
				f.input.SetValue("") // printable: replaces the untouched value
			case m.Code == tea.KeyBackspace || m.Code == tea.KeyDelete:
				f.input.SetValue("")
				f.fresh = false
				f.sugg.clear()
				fm.changed(f)
				return nil, true
			}
			f.fresh = false
		}
	}
	before := f.input.Value()
	var cmd tea.Cmd
	f.input, cmd = f.input.Update(msg)
	if f.input.Value() != before {
		f.opt = -1
		f.sugg.refresh(f.input.Value())
		fm.changed(f)
		return cmd, true
	}
	return cmd, false
}

// pick puts the highlighted suggestion of the focused field in it, closing
// the list; false when none is highlighted (enter then submits).
func (fm *form) pick() bool {
	f := fm.focused()
	v, ok := f.sugg.picked()
	if !ok {
		return false
	}
	f.setValue(v)
	f.sugg.clear()
	f.opt = -1
	fm.changed(f)
	return true
}

// changed forgets the server's word on f once it is edited.
func (fm *form) changed(f *field) { delete(fm.apiErrs, f.name) }

// judge shows each broken rule at the field it names (aliases map an API
// field to the form's field showing it, e.g. reservation_end → duration),
// then the server's refusals still standing. It returns the messages that
// name no field of the form.
func (fm *form) judge(es model.FieldErrors, aliases map[string]string) []string {
	for _, f := range fm.fields {
		f.err = ""
	}
	var loose []string
	for _, fe := range es {
		f := fm.byName(fe.Field)
		if a, ok := aliases[fe.Field]; ok {
			f = fm.byName(a)
		}
		switch {
		case f == nil:
			loose = append(loose, fe.Msg)
		case f.err == "":
			f.err = fe.Msg
		}
	}
	for name, msg := range fm.apiErrs {
		if f := fm.byName(name); f != nil && f.err == "" {
			f.err = msg
		}
	}
	return loose
}

// serverRefused puts a server's 400 text beside every visible field it
// names: by the field's API name, that name without underscores, or an
// alias (latitude → place). It stays there until the field is edited.
func (fm *form) serverRefused(text, prefix string, aliases map[string]string) {
	fm.apiErrs = map[string]string{}
	lower := strings.ToLower(text)
	for _, f := range fm.fields {
		if !f.hidden && (strings.Contains(lower, f.name) || strings.Contains(lower, strings.ReplaceAll(f.name, "_", ""))) {
			fm.apiErrs[f.name] = prefix + text
		}
	}
	for word, name := range aliases {
		if f := fm.byName(name); f != nil && !f.hidden && strings.Contains(lower, word) {
			fm.apiErrs[name] = prefix + text
		}
	}
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
		switch {
		case f.choice && focused:
			val = st.Key.Render("◂ ") + st.Bold.Render(f.value()) + st.Key.Render(" ▸")
		case f.choice:
			val = f.value()
		default:
			val = f.input.View()
		}
		b.WriteString(marker + label + " " + val + "\n")
		if focused && f.sugg.open() {
			b.WriteString(f.sugg.view(st, labelW+3, fm.width))
		}
		hint := f.hint
		if focused && f.fresh {
			hint = model.JoinNonEmpty(" · ", hint, "typing replaces it, "+keyName(fm.keys.ClearField)+" clears")
		}
		indent := strings.Repeat(" ", labelW+3)
		width := max(20, fm.width-labelW-3)
		switch {
		case f.err != "":
			for _, l := range wrap("✗ "+f.err, width, 2) {
				b.WriteString(indent + st.Error.Render(l) + "\n")
			}
		case hint != "" && f.longHint:
			for _, l := range wrap(hint, width, 2) {
				b.WriteString(indent + st.Subtle.Render(l) + "\n")
			}
		case hint != "":
			b.WriteString(indent + st.Subtle.Render(hint) + "\n") // the frame cuts it
		}
	}
	return b.String()
}

// hasError tells whether a visible field shows an error.
func (fm *form) hasError() bool {
	for _, f := range fm.fields {
		if f.err != "" && !f.hidden {
			return true
		}
	}
	return false
}

// firstError focuses the first visible field with an error.
func (fm *form) firstError() tea.Cmd {
	for i, f := range fm.fields {
		if f.err != "" && !f.hidden {
			return fm.focusOn(i)
		}
	}
	return nil
}
