package ui

import (
	"charm.land/bubbles/v2/key"

	"github.com/petitmonde/chargedesk/ui/list"
)

// KeyMap is every key binding of the program, in one place. Screens match
// keys against these bindings, the footer and the help dialog show their
// help, and hints written into screen text name their keys through
// keyName, so what the screen says and what the keys do cannot disagree.
type KeyMap struct {
	// Everywhere.
	Quit, ForceQuit, Help, Back key.Binding
	Bookings, BookingsAlways    key.Binding // BookingsAlways works while typing
	Log, LogAlways              key.Binding
	Notices, NoticesAlways      key.Binding
	Usage, UsageClose           key.Binding
	Yes, No, Dismiss            key.Binding // boxed dialogs: confirm, refuse, close
	FieldHelp                   key.Binding // help while a field has focus
	List                        list.KeyMap
	Form                        FormKeys
	Search                      SearchKeys
	Results                     ResultsKeys
	Detail                      DetailKeys
	Book                        BookKeys
	Status                      StatusKeys
	Cancel                      CancelKeys
	BookingList                 BookingListKeys
	RequestLog                  LogKeys
}

// FormKeys move through a form and change its values.
type FormKeys struct {
	Submit, Next, Prev     key.Binding
	Up, Down               key.Binding // a text field: previous/next field, or its suggestions
	ChoicePrev, ChoiceNext key.Binding // a choice field
	StepLess, StepMore     key.Binding // a length: a quarter hour less or more
	ClearField             key.Binding
	Suggest                key.Binding // help text only: ↑/↓ on a field with suggestions
}

// SearchKeys are the search form's own.
type SearchKeys struct{ Submit, Recall key.Binding }

// ResultsKeys are the results list's own.
type ResultsKeys struct{ Open, Map, Sort, Filter, Bookable, ClearFilter key.Binding }

// DetailKeys are the location screen's.
type DetailKeys struct{ Up, Down, Book key.Binding }

// BookKeys are the booking form's.
type BookKeys struct {
	Submit, Earlier, Later, JSON             key.Binding
	OtherEVSE, LaterSlot, NextBest, Research key.Binding
	Recheck                                  key.Binding
}

// StatusKeys are the status screen's.
type StatusKeys struct {
	Refresh, Cancel, NewSearch, Another, NextBest, Message, CloseMessage, Language key.Binding
}

// CancelKeys are the cancel dialog's.
type CancelKeys struct{ Confirm, Prev, Next, Close key.Binding }

// BookingListKeys are the bookings list's own.
type BookingListKeys struct {
	Open, Cancel, Status, Range, Custom, Find, More, All, Refresh, Apply, Close key.Binding
}

// LogKeys are the request log's own.
type LogKeys struct{ Open, Curl, Close, List key.Binding }

func bind(keys []string, help, desc string) key.Binding {
	return key.NewBinding(key.WithKeys(keys...), key.WithHelp(help, desc))
}

func keys(k ...string) []string { return k }

// DefaultKeyMap is chargedesk's keymap.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Quit:           bind(keys("q"), "q", "quit"),
		ForceQuit:      bind(keys("ctrl+c"), "ctrl+c", "quit now"),
		Help:           bind(keys("?"), "?", "help"),
		Back:           bind(keys("esc"), "esc", "back"),
		Bookings:       bind(keys("B"), "B", "bookings"),
		BookingsAlways: bind(keys("f2"), "f2", "bookings"),
		Log:            bind(keys("L"), "L", "request log"),
		LogAlways:      bind(keys("f3"), "f3", "request log"),
		Notices:        bind(keys("N"), "N", "notices"),
		NoticesAlways:  bind(keys("f4"), "f4", "notices"),
		Usage:          bind(keys("U"), "U", "usage"),
		UsageClose:     bind(keys("U"), "U", "close usage"),
		Yes:            bind(keys("y", "enter"), "y / enter", "yes"),
		No:             bind(keys("n", "esc"), "n / esc", "no"),
		Dismiss:        bind(keys("esc", "enter", "q", "n", "?"), "enter / esc", "close"),
		FieldHelp:      bind(keys("f1"), "f1", "help"),
		List: list.KeyMap{
			Up:       bind(keys("up", "k"), "↑/k", "up"),
			Down:     bind(keys("down", "j"), "↓/j", "down"),
			PageUp:   bind(keys("pgup", "ctrl+u"), "pgup", "page up"),
			PageDown: bind(keys("pgdown", "ctrl+d"), "pgdn", "page down"),
			Home:     bind(keys("home", "g"), "g/home", "first"),
			End:      bind(keys("end", "G"), "G/end", "last"),
			Filter:   bind(keys("/"), "/", "filter"),
			Apply:    bind(keys("enter"), "enter", "apply"),
			Clear:    bind(keys("esc"), "esc", "clear filter"),
		},
		Form: FormKeys{
			Submit:     bind(keys("enter"), "enter", "submit"),
			Next:       bind(keys("tab"), "tab", "next field"),
			Prev:       bind(keys("shift+tab"), "shift+tab", "previous"),
			Up:         bind(keys("up"), "↑", "previous field"),
			Down:       bind(keys("down"), "↓", "next field"),
			ChoicePrev: bind(keys("left", "up"), "←/→", "change choice"),
			ChoiceNext: bind(keys("right", "down", "space"), "←/→", "change choice"),
			StepLess:   bind(keys("left", "up"), "←/→", "length ∓15 min"),
			StepMore:   bind(keys("right", "down"), "→", "length +15 min"),
			ClearField: bind(keys("ctrl+u"), "ctrl+u", "clear field"),
			Suggest:    bind(keys("up", "down"), "↑/↓", "suggestions / choice"),
		},
		Search: SearchKeys{
			Submit: bind(keys("enter"), "enter", "search"),
			Recall: bind(keys("ctrl+r"), "ctrl+r", "a past call again"),
		},
		Results: ResultsKeys{
			Open:        bind(keys("enter"), "enter", "open"),
			Map:         bind(keys("m"), "m", "map / list"),
			Sort:        bind(keys("s"), "s", "sort"),
			Filter:      bind(keys("/"), "/", "filter"),
			Bookable:    bind(keys("b"), "b", "bookable only"),
			ClearFilter: bind(keys("esc"), "esc", "clear filter"),
		},
		Detail: DetailKeys{
			Up:   bind(keys("up", "k"), "↑/k", "previous bookable"),
			Down: bind(keys("down", "j"), "↓/j", "next bookable"),
			Book: bind(keys("enter"), "enter", "book this EVSE"),
		},
		Book: BookKeys{
			Submit:    bind(keys("enter"), "enter", "book"),
			Earlier:   bind(keys("pgup"), "pgup/pgdn", "start ∓15 min"),
			Later:     bind(keys("pgdown"), "pgdn", "start +15 min"),
			JSON:      bind(keys("ctrl+o"), "ctrl+o", "show JSON"),
			OtherEVSE: bind(keys("ctrl+n"), "ctrl+n", "next free EVSE"),
			LaterSlot: bind(keys("ctrl+l"), "ctrl+l", "later slot"),
			NextBest:  bind(keys("ctrl+x"), "ctrl+x", "next best charger"),
			Research:  bind(keys("ctrl+r"), "ctrl+r", "search again"),
			Recheck:   bind(keys("ctrl+r"), "ctrl+r", "check again"),
		},
		Status: StatusKeys{
			Refresh:      bind(keys("r"), "r", "refresh now"),
			Cancel:       bind(keys("c"), "c", "cancel booking"),
			NewSearch:    bind(keys("n"), "n", "new call"),
			Another:      bind(keys("t"), "t", "try another charger"),
			NextBest:     bind(keys("x"), "x", "next best charger"),
			Message:      bind(keys("m"), "m", "message for the driver"),
			CloseMessage: bind(keys("esc", "m", "enter"), "m, enter or esc", "close"),
			Language:     bind(keys("d"), "d", "Deutsch / English"),
		},
		Cancel: CancelKeys{
			Confirm: bind(keys("enter"), "enter", "cancel the booking"),
			Prev:    bind(keys("up", "shift+tab"), "↑/↓", "reason"),
			Next:    bind(keys("down", "tab"), "↓", "next reason"),
			Close:   bind(keys("esc"), "esc", "keep it"),
		},
		BookingList: BookingListKeys{
			Open:    bind(keys("enter"), "enter", "open"),
			Cancel:  bind(keys("c"), "c", "cancel"),
			Status:  bind(keys("s"), "s", "status filter"),
			Range:   bind(keys("d"), "d", "date range"),
			Custom:  bind(keys("D"), "D", "custom dates"),
			Find:    bind(keys("/"), "/", "find"),
			More:    bind(keys("]"), "]", "load more"),
			All:     bind(keys("a"), "a", "load all"),
			Refresh: bind(keys("r"), "r", "reload"),
			Apply:   bind(keys("enter"), "enter", "apply"),
			Close:   bind(keys("esc"), "esc", "close"),
		},
		RequestLog: LogKeys{
			Open:  bind(keys("enter"), "enter", "bodies"),
			Curl:  bind(keys("y"), "y", "copy as curl"),
			Close: bind(keys("L"), "L", "close log"),
			List:  bind(keys("esc"), "esc", "list"),
		},
	}
}

// keyName is what a hint in screen text calls a binding's key.
func keyName(b key.Binding) string { return b.Help().Key }
