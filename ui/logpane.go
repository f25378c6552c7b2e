package ui

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"

	"github.com/petitmonde/chargedesk/api"
	"github.com/petitmonde/chargedesk/model"
	"github.com/petitmonde/chargedesk/ui/list"
)

// logEventMsg carries one API call from the client's hook into Update.
type logEventMsg struct{ ev api.Event }

// listenProblems waits for the next problem on ch (nil when there is no channel).
func listenProblems(ch <-chan string) tea.Cmd {
	if ch == nil {
		return nil
	}
	return func() tea.Msg {
		text, ok := <-ch
		if !ok {
			return nil
		}
		return problemMsg{text}
	}
}

// listenEvents waits for the next call on ch (nil when there is no channel).
func listenEvents(ch <-chan api.Event) tea.Cmd {
	if ch == nil {
		return nil
	}
	return func() tea.Msg {
		ev, ok := <-ch
		if !ok {
			return nil
		}
		return logEventMsg{ev}
	}
}

// logDesk is what the request log uses of the session: its calls, oldest
// first.
type logDesk interface {
	calls() int
	call(i int) api.Event
	copyText(text string) (tea.Cmd, string)
}

// logScreen lists every API call of the session, newest first; enter shows
// the bodies, y copies the call as a curl command.
type logScreen struct {
	c      Common
	d      logDesk
	list   list.Model // row i is the i-th newest call
	detail bool
	vp     viewport.Model
	note   string
	w, h   int
}

func newLogScreen(c Common, d logDesk) *logScreen {
	s := &logScreen{c: c, d: d, vp: viewport.New(), list: list.New(c.Keys.List, 1)}
	s.list.SetLen(d.calls())
	return s
}

func (s *logScreen) Init() tea.Cmd     { return nil }
func (s *logScreen) Title() string     { return "Request log" }
func (s *logScreen) Typing() bool      { return false }
func (s *logScreen) CapturesEsc() bool { return s.detail }
func (s *logScreen) SetSize(w, h int) {
	s.w, s.h = w, h
	s.vp.SetWidth(w)
	s.vp.SetHeight(max(3, h-4))
	s.list.SetHeight(h - 4)
}

func (s *logScreen) ShortHelp() []key.Binding {
	k := s.c.Keys.RequestLog
	if s.detail {
		return []key.Binding{k.Curl, k.List}
	}
	return []key.Binding{k.Open, k.Curl, k.Close}
}

func (s *logScreen) FullHelp() [][]key.Binding {
	k := s.c.Keys.RequestLog
	return [][]key.Binding{{s.c.Keys.List.Up, s.c.Keys.List.Down, k.Open, k.Curl, k.Close}}
}

func (s *logScreen) n() int { return s.d.calls() }

// at returns the i-th newest event.
func (s *logScreen) at(i int) api.Event { return s.d.call(s.d.calls() - 1 - i) }

func (s *logScreen) Update(msg tea.Msg) (Screen, tea.Cmd) {
	k := s.c.Keys.RequestLog
	cur := s.list.Cursor()
	s.list.SetLen(s.n())
	switch msg := msg.(type) {
	case themeChangedMsg:
		s.c = msg.c
	case logEventMsg:
		if cur > 0 {
			s.list.Select(cur + 1) // keep the same call selected as new ones arrive on top
		}
	case tea.KeyPressMsg:
		if s.detail {
			switch {
			case key.Matches(msg, k.List):
				s.detail = false
				return s, nil
			case key.Matches(msg, k.Curl):
				return s, s.copyCurl()
			}
			var cmd tea.Cmd
			s.vp, cmd = s.vp.Update(msg)
			return s, cmd
		}
		if ev, _ := s.list.Update(msg); ev != list.None {
			return s, nil
		}
		switch {
		case key.Matches(msg, k.Open, k.Curl) && s.n() == 0:
			return s, refuse("No call is logged yet: the log lists the API calls as they are made.")
		case key.Matches(msg, k.Open):
			s.detail = true
			s.vp.SetContent(s.bodies(s.at(s.list.Cursor())))
			s.vp.GotoTop()
		case key.Matches(msg, k.Curl):
			return s, s.copyCurl()
		}
	}
	return s, nil
}

func (s *logScreen) copyCurl() tea.Cmd {
	if s.n() == 0 {
		return nil
	}
	cmd := api.CurlCommand(s.c.Client.BaseURL(), s.at(s.list.Cursor()))
	copyCmd, note := s.d.copyText(cmd)
	s.note = note + "\n" + cmd
	return copyCmd
}

// bodies pretty-prints a call's request and response.
func (s *logScreen) bodies(ev api.Event) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s → %s in %s\n", ev.Method, model.SanitizeLine(ev.Path), statusText(ev), ev.Duration.Round(1e6))
	if ev.Err != "" {
		fmt.Fprintf(&b, "error: %s\n", model.SanitizeLine(ev.Err))
	}
	b.WriteString("\n── request body ──\n")
	b.WriteString(pretty(ev.RequestBody))
	b.WriteString("\n── response body ──\n")
	b.WriteString(pretty(ev.ResponseBody))
	return b.String()
}

// pretty indents JSON; anything else is shown sanitised, line by line.
func pretty(body []byte) string {
	if len(body) == 0 {
		return "(none)\n"
	}
	var out bytes.Buffer
	if json.Indent(&out, body, "", "  ") == nil {
		var lines []string
		for _, l := range strings.Split(out.String(), "\n") {
			lines = append(lines, model.Sanitize(l))
		}
		return strings.Join(lines, "\n") + "\n"
	}
	var lines []string
	for _, l := range strings.Split(string(body), "\n") {
		lines = append(lines, model.Sanitize(l))
	}
	return strings.Join(lines, "\n") + "\n"
}

func statusText(ev api.Event) string {
	if ev.Status == 0 {
		return "no answer"
	}
	return fmt.Sprint(ev.Status)
}

func (s *logScreen) View() string {
	st := s.c.Styles
	var b strings.Builder
	b.WriteString(st.Title.Render(fmt.Sprintf("Request log · %d calls this session", s.n())) + "\n")
	if s.note != "" {
		b.WriteString(st.Info.Width(s.w).Render(s.note) + "\n")
	} else {
		b.WriteString(st.Subtle.Render("The key never appears here or in a copied command ($PETITMONDE_API_KEY stands for it).") + "\n")
	}
	if s.detail {
		b.WriteString(s.vp.View())
		return b.String()
	}
	b.WriteString(st.TableHeading.Render(pad(fmt.Sprintf("%-8s %-6s %-6s %8s %5s  %s", "time", "method", "status", "ms", "left", "path"), s.w)) + "\n")
	if s.n() == 0 {
		b.WriteString(st.Subtle.Render("No calls yet.") + "\n")
	}
	b.WriteString(s.list.View(func(i int, selected bool) string { return s.row(s.at(i), selected) }))
	return b.String()
}

// row is one call in the list.
func (s *logScreen) row(ev api.Event, selected bool) string {
	st := s.c.Styles
	left := "-"
	if ev.RateRemaining >= 0 {
		left = fmt.Sprint(ev.RateRemaining)
	}
	line := fmt.Sprintf("%-8s %-6s %-6s %8.0f %5s  %s", ev.Time.In(s.c.Zone).Format("15:04:05"), ev.Method, statusText(ev),
		float64(ev.Duration)/1e6, left, model.SanitizeLine(ev.Path))
	if ev.Err != "" {
		line += "  " + model.SanitizeLine(ev.Err)
	}
	line = pad(line, s.w-2)
	switch {
	case selected:
		line = st.Focused.Render("▸ ") + st.Selected.Render(line)
	case ev.Status >= 400 || ev.Status == 0:
		line = "  " + st.Error.Render(line)
	default:
		line = "  " + line
	}
	return line + "\n"
}
