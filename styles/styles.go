// Package styles is chargedesk's theme: New(isDark) builds every style the
// screens use, and the colour of each tone a state can have. It knows no
// screens and no domain: the screens say which tone a status has.
package styles

import (
	"image/color"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/textinput"
	"charm.land/lipgloss/v2"
)

// Styles is the whole theme.
type Styles struct {
	IsDark bool

	App       lipgloss.Style
	Header    lipgloss.Style
	AppName   lipgloss.Style
	Footer    lipgloss.Style
	Title     lipgloss.Style
	Subtle    lipgloss.Style
	Dim       lipgloss.Style
	Bold      lipgloss.Style
	Label     lipgloss.Style
	Value     lipgloss.Style
	Error     lipgloss.Style
	Warning   lipgloss.Style
	Success   lipgloss.Style
	Info      lipgloss.Style
	Selected  lipgloss.Style // the cursor row
	Marked    lipgloss.Style // a row marked for attention (e.g. the EVSE that failed)
	Focused   lipgloss.Style // the focused form label
	Key       lipgloss.Style
	Banner    lipgloss.Style // network/5xx/429 banners
	ErrBanner lipgloss.Style
	Box       lipgloss.Style
	Overlay   lipgloss.Style

	DemoBadge    lipgloss.Style
	LiveBadge    lipgloss.Style
	ProdBadge    lipgloss.Style
	ReadOnlyTag  lipgloss.Style
	BookableTag  lipgloss.Style
	SearchOnly   lipgloss.Style
	TableHeading lipgloss.Style

	// Help is the key help (the footer, the help box); Input the text
	// fields (their prompt, placeholder, suggestion and cursor).
	Help  help.Styles
	Input textinput.Styles

	Accent, Muted, Green, Yellow, Red, Blue color.Color
}

// New builds the theme for a dark or light background.
func New(isDark bool) Styles {
	ld := lipgloss.LightDark(isDark)
	s := Styles{IsDark: isDark}
	s.Accent = ld(lipgloss.Color("#0057B8"), lipgloss.Color("#5FAFFF"))
	s.Muted = ld(lipgloss.Color("#5F5F5F"), lipgloss.Color("#9E9E9E"))
	s.Green = ld(lipgloss.Color("#00772E"), lipgloss.Color("#5FD787"))
	s.Yellow = ld(lipgloss.Color("#8A5A00"), lipgloss.Color("#FFD75F"))
	s.Red = ld(lipgloss.Color("#B00020"), lipgloss.Color("#FF6B6B"))
	s.Blue = ld(lipgloss.Color("#1F4E9E"), lipgloss.Color("#87AFFF"))
	fg := ld(lipgloss.Color("#1C1C1C"), lipgloss.Color("#E4E4E4"))
	onAccent := ld(lipgloss.Color("#FFFFFF"), lipgloss.Color("#000000"))

	s.App = lipgloss.NewStyle()
	s.Header = lipgloss.NewStyle().Foreground(fg)
	s.AppName = lipgloss.NewStyle().Bold(true).Foreground(s.Accent)
	s.Footer = lipgloss.NewStyle().Foreground(s.Muted)
	s.Title = lipgloss.NewStyle().Bold(true).Foreground(s.Accent)
	s.Subtle = lipgloss.NewStyle().Foreground(s.Muted)
	s.Dim = lipgloss.NewStyle().Foreground(s.Muted) // not faint: how faint is the terminal's choice, and it can be unreadable
	s.Bold = lipgloss.NewStyle().Bold(true)
	s.Label = lipgloss.NewStyle().Foreground(s.Muted)
	s.Value = lipgloss.NewStyle().Foreground(fg)
	s.Error = lipgloss.NewStyle().Foreground(s.Red)
	s.Warning = lipgloss.NewStyle().Foreground(s.Yellow)
	s.Success = lipgloss.NewStyle().Foreground(s.Green)
	s.Info = lipgloss.NewStyle().Foreground(s.Blue)
	s.Selected = lipgloss.NewStyle().Reverse(true)
	s.Marked = lipgloss.NewStyle().Foreground(s.Yellow).Bold(true)
	s.Focused = lipgloss.NewStyle().Foreground(s.Accent).Bold(true)
	s.Key = lipgloss.NewStyle().Foreground(s.Accent).Bold(true)
	s.Banner = lipgloss.NewStyle().Foreground(s.Yellow).Bold(true)
	s.ErrBanner = lipgloss.NewStyle().Foreground(s.Red).Bold(true)
	s.Box = lipgloss.NewStyle().Border(lipgloss.RoundedBorder()).BorderForeground(s.Muted).Padding(0, 1)
	s.Overlay = lipgloss.NewStyle().Border(lipgloss.DoubleBorder()).BorderForeground(s.Accent).Padding(0, 1)

	s.DemoBadge = lipgloss.NewStyle().Bold(true).Reverse(true).Foreground(s.Yellow).Padding(0, 1)
	s.LiveBadge = lipgloss.NewStyle().Bold(true).Foreground(onAccent).Background(s.Green).Padding(0, 1)
	s.ProdBadge = lipgloss.NewStyle().Bold(true).Foreground(onAccent).Background(s.Red).Padding(0, 1)
	s.ReadOnlyTag = lipgloss.NewStyle().Bold(true).Foreground(s.Blue)
	s.BookableTag = lipgloss.NewStyle().Foreground(s.Green)
	s.SearchOnly = lipgloss.NewStyle().Foreground(s.Muted)
	s.TableHeading = lipgloss.NewStyle().Bold(true).Foreground(s.Muted).Underline(true)
	s.Help = helpStyles(fg, s.Muted)
	s.Input = inputStyles(s.Muted, s.Accent)
	return s
}

// helpStyles are the key help's: the keys in the text colour, what they do
// and the separators muted — all readable, on dark and light alike.
func helpStyles(fg, muted color.Color) help.Styles {
	key := lipgloss.NewStyle().Foreground(fg)
	desc := lipgloss.NewStyle().Foreground(muted)
	return help.Styles{Ellipsis: desc, ShortKey: key, ShortDesc: desc, ShortSeparator: desc,
		FullKey: key, FullDesc: desc, FullSeparator: desc}
}

// inputStyles are the text fields': the text in the terminal's own colour,
// the prompt, placeholder and suggestion muted, a steady cursor in the
// accent (no blink timer redrawing the screen twice a second).
func inputStyles(muted, accent color.Color) textinput.Styles {
	state := textinput.StyleState{
		Placeholder: lipgloss.NewStyle().Foreground(muted),
		Suggestion:  lipgloss.NewStyle().Foreground(muted),
		Prompt:      lipgloss.NewStyle().Foreground(muted),
		Text:        lipgloss.NewStyle(),
	}
	st := textinput.Styles{Focused: state, Blurred: state}
	st.Cursor.Color, st.Cursor.Blink = accent, false // the zero shape is the block
	return st
}

// Tone is what a state means to the person reading it, which its colour
// tells at a glance: waiting on someone, good, done, gone wrong, or nothing
// known. The screens decide which tone a state has; the theme decides
// what each tone looks like.
type Tone int

// The tones.
const (
	Neutral Tone = iota
	Waiting
	Good
	Done
	Bad
)

// ToneColor is the colour of a tone.
func (s Styles) ToneColor(t Tone) color.Color {
	switch t {
	case Waiting:
		return s.Yellow
	case Good:
		return s.Green
	case Done:
		return s.Blue
	case Bad:
		return s.Red
	}
	return s.Muted
}

// Toned is text in its tone's colour, bold.
func (s Styles) Toned(text string, t Tone) string {
	return lipgloss.NewStyle().Bold(true).Foreground(s.ToneColor(t)).Render(text)
}

// Badge is text as a large reverse-video block (three lines high), the way
// the live status screen shows a booking's status.
func (s Styles) Badge(text string, t Tone) string {
	if text == "" {
		text = "?"
	}
	return lipgloss.NewStyle().Bold(true).Reverse(true).Foreground(s.ToneColor(t)).
		Padding(1, 3).Render(text)
}

// SmallBadge is a one-line tag for lists: a dot and the text.
func (s Styles) SmallBadge(text string, t Tone) string {
	return lipgloss.NewStyle().Bold(true).Foreground(s.ToneColor(t)).Render("● " + text)
}

// Colored is text in its tone's colour, not bold (e.g. an EVSE's status).
func (s Styles) Colored(text string, t Tone) string {
	return lipgloss.NewStyle().Foreground(s.ToneColor(t)).Render(text)
}
