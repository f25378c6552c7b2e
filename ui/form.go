package ui

import (
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/petitmonde/chargedesk/model"
	"github.com/petitmonde/chargedesk/styles"
)

// field is one row of a form: a text input, or a choice cycled with ←/→
// or picked by typing its name.
type field struct {
	name    string // the API field it fills (validation messages name it)
	label   string
	choice  bool
	input   textinput.Model
	choices []string // choice fields: what is shown
	// names are what typing may call each choice (model.FirstMatch); nil:
	// what is shown.
	names [][]string
	idx   int
	typed string // a choice's name typed so far
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
	// length: a text field holding a length, which ←/→ (and ↑/↓) move
	// in quarter hours (model.StepLength).
	length bool
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

// durationField is a text field for a length, d first: any length typed
// ("40", "1h10", "1:10", "1,5 h"), or moved in quarter hours with ←/→.
func durationField(name, label string, d time.Duration) *field {
	f := newTextField(name, label, model.FormatLength(d), "40, 1h10, 1:10, 1,5 h")
	f.length = true
	return f
}

// lengthHint is what a length field says under it: what the text reads as
// when it is not written as the form writes it, and the keys.
func (fm *form) lengthHint(f *field) string {
	keys := keyName(fm.keys.StepLess) + " ±15 min · or type any length: 40, 1h10, 1:10, 1,5 h"
	if d, err := model.ParseDuration(f.value()); err == nil && model.FormatLength(d) != f.value() {
		return "→ " + model.FormatLength(d) + " · " + keys
	}
	return keys
}

// stepLength moves a length field's value a quarter hour on (dir > 0) or
// back; a text that is no length starts from DefaultWindow.
func (f *field) stepLength(dir int) {
	d, err := model.ParseDuration(f.value())
	if err != nil {
		d = model.DefaultWindow
	}
	f.setValue(model.FormatLength(model.StepLength(d, dir)))
	f.fresh = true // a whole value offered: typing replaces it
}

// offerReadings gives a text field the unambiguous readings of what it
// holds (model.DayReadings) on ↑/↓, and keeps them while one is picked.
func (f *field) offerReadings(readings []string) {
	switch {
	case readings != nil:
		f.options, f.opt = readings, -1
	case !slices.Contains(f.options, f.value()):
		f.options, f.opt = nil, -1
	}
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
		f.fresh, f.typed = false, ""
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

// typing tells whether a field has focus: every field takes typed text (a
// choice, the name of a choice), so single-letter keys go to it.
func (fm *form) typing() bool { return len(fm.fields) > 0 }

// update handles a key or a paste for the form: tab and shift+tab move
// between fields; a choice cycles on ←/→ (and ↑/↓) and picks the first
// choice its typed name matches; a length moves in quarter hours on ←/→
// (and ↑/↓); a text field with options cycles them on ↑/↓, one without
// moves to the next or previous field; ctrl+u clears a text field;
// everything else is typed into it, the first printable key (or a paste)
// replacing a prefilled value not yet touched. edited reports that a value
// changed (the field's server error is then dropped).
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
	case f.length && key.Matches(k, fm.keys.StepLess, fm.keys.StepMore):
		d := 1
		if key.Matches(k, fm.keys.StepLess) {
			d = -1
		}
		f.stepLength(d)
		fm.changed(f)
		return nil, true, true
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

// choose changes a choice field: ←/→ (and ↑/↓) cycle; typed letters and
// digits pick the first choice their name matches, the name growing with
// each key (backspace takes one back) and starting again from a key the
// longer name does not match.
func (fm *form) choose(f *field, k tea.KeyPressMsg) bool {
	switch {
	case f.typed != "" && k.Text == " ":
		f.typed += " "
		return false
	case key.Matches(k, fm.keys.ChoicePrev):
		f.cycle(-1)
	case key.Matches(k, fm.keys.ChoiceNext):
		f.cycle(1)
	case k.Code == tea.KeyBackspace && f.typed != "":
		_, n := utf8.DecodeLastRuneInString(f.typed)
		f.typed = f.typed[:len(f.typed)-n]
		return f.pickTyped()
	case k.Text != "" && k.Mod&(tea.ModCtrl|tea.ModAlt) == 0:
		f.typed += k.Text
		if !f.pickTyped() {
			f.typed = k.Text
			if !f.pickTyped() {
				f.typed = ""
				return false
			}
		}
		fm.changed(f)
		return true
	default:
		return false
	}
	f.typed = ""
	fm.changed(f)
	return true
}

// pickTyped selects the first choice the typed name matches; false when
// none does.
func (f *field) pickTyped() bool {
	names := f.names
	if names == nil {
		for _, c := range f.choices {
			names = append(names, []string{c})
		}
	}
	i := model.FirstMatch(f.typed, names)
	if i < 0 {
		return false
	}
	f.idx = i
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
		hint := fm.hintOf(f, focused)
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

// hintOf is the line under a field: its hint, and with the focus, what
// typing does there.
func (fm *form) hintOf(f *field, focused bool) string {
	switch {
	case focused && f.choice && f.typed != "":
		return model.JoinNonEmpty(" · ", f.hint, "typed “"+f.typed+"”")
	case focused && f.choice:
		return model.JoinNonEmpty(" · ", f.hint, keyName(fm.keys.ChoicePrev)+" or type its name")
	case focused && f.fresh:
		return model.JoinNonEmpty(" · ", f.hint, "typing replaces it, "+keyName(fm.keys.ClearField)+" clears")
	}
	return f.hint
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
