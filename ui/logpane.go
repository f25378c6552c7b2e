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
)

// maxLog is how many calls the request log keeps.
const maxLog = 1000

// logEventMsg carries one API call from the client's hook into Update.
type logEventMsg struct{ ev api.Event }

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

var logKeys = struct {
	Up, Down, Open, Curl, Close key.Binding
}{
	Up:    key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
	Down:  key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
	Open:  key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "bodies")),
	Curl:  key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "copy as curl")),
	Close: key.NewBinding(key.WithKeys("L"), key.WithHelp("L", "close log")),
}

// logScreen lists every API call of the session, newest first; enter shows
// the bodies, y copies the call as a curl command.
type logScreen struct {
	c      *Common
	cursor int // index from the newest
	offset int
	detail bool
	vp     viewport.Model
	note   string
	w, h   int
}

func newLogScreen(c *Common) *logScreen {
	return &logScreen{c: c, vp: viewport.New()}
}

func (s *logScreen) Init() tea.Cmd     { return nil }
func (s *logScreen) Title() string     { return "Request log" }
func (s *logScreen) Typing() bool      { return false }
func (s *logScreen) CapturesEsc() bool { return s.detail }
func (s *logScreen) SetSize(w, h int) {
	s.w, s.h = w, h
	s.vp.SetWidth(w)
	s.vp.SetHeight(max(3, h-4))
}

func (s *logScreen) ShortHelp() []key.Binding {
	if s.detail {
		return []key.Binding{logKeys.Curl, key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "list"))}
	}
	return []key.Binding{logKeys.Open, logKeys.Curl, logKeys.Close}
}

func (s *logScreen) FullHelp() [][]key.Binding {
	return [][]key.Binding{{logKeys.Up, logKeys.Down, logKeys.Open, logKeys.Curl, logKeys.Close}}
}

func (s *logScreen) n() int { return len(s.c.log) }

// at returns the i-th newest event.
func (s *logScreen) at(i int) api.Event { return s.c.log[len(s.c.log)-1-i] }

func (s *logScreen) rows() int { return max(1, s.h-4) }

func (s *logScreen) Update(msg tea.Msg) (Screen, tea.Cmd) {
	switch msg := msg.(type) {
	case logEventMsg:
		if s.cursor > 0 {
			s.cursor++ // keep the same call selected as new ones arrive on top
		}
	case tea.KeyPressMsg:
		if s.detail {
			switch {
			case msg.String() == "esc":
				s.detail = false
				return s, nil
			case key.Matches(msg, logKeys.Curl):
				return s, s.copyCurl()
			}
			var cmd tea.Cmd
			s.vp, cmd = s.vp.Update(msg)
			return s, cmd
		}
		switch {
		case key.Matches(msg, logKeys.Up):
			s.cursor--
		case key.Matches(msg, logKeys.Down):
			s.cursor++
		case key.Matches(msg, logKeys.Open) && s.n() > 0:
			s.detail = true
			s.vp.SetContent(s.bodies(s.at(s.cursor)))
			s.vp.GotoTop()
		case key.Matches(msg, logKeys.Curl) && s.n() > 0:
			return s, s.copyCurl()
		}
	}
	s.cursor = min(max(s.cursor, 0), max(s.n()-1, 0))
	if s.cursor < s.offset {
		s.offset = s.cursor
	}
	if s.cursor >= s.offset+s.rows() {
		s.offset = s.cursor - s.rows() + 1
	}
	return s, nil
}

func (s *logScreen) copyCurl() tea.Cmd {
	if s.n() == 0 {
		return nil
	}
	cmd := api.CurlCommand(s.c.Client.BaseURL(), s.at(s.cursor))
	s.note = "Copied (OSC 52): " + cmd
	return tea.SetClipboard(cmd)
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
	end := min(s.n(), s.offset+s.rows())
	for i := s.offset; i < end; i++ {
		ev := s.at(i)
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
		case i == s.cursor:
			line = st.Focused.Render("▸ ") + st.Selected.Render(line)
		case ev.Status >= 400 || ev.Status == 0:
			line = "  " + st.Error.Render(line)
		default:
			line = "  " + line
		}
		b.WriteString(line + "\n")
	}
	return b.String()
}
