package ui

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// Dialog is anything drawn above the screens that the agent answers or
// closes: the configuration warning, a 401 or 403, help, the quit
// confirmation, the notices, "not available" (box.go), the cancel dialog
// (cancel.go) and the driver message (drivermsg.go). The root keeps them in
// one stack (dialogStack): the top one gets the keys, esc closes it, and
// the one under it shows again, so two at once are both seen, newest first.
type Dialog interface {
	// Update takes a key or a paste (the top dialog's only) or any other
	// message (every open dialog sees those: an answer it waits for, a new
	// theme) and returns its command and what the root is to do next.
	Update(msg tea.Msg) (tea.Cmd, dialogAction)
	View() string
	SetSize(w, h int)
	// ShortHelp is the dialog's keys for the footer; nil leaves the screen's.
	ShortHelp() []key.Binding
	// Typing is true while a text field of the dialog has focus.
	Typing() bool
	// ID tells dialogs apart: opening one whose ID is open already (on the
	// same screen) replaces that one, on top, so a 401 met twice is said
	// once.
	ID() string
}

// dialogAction is what a dialog's Update asks of the root.
type dialogAction struct {
	close bool    // the dialog is done: off the stack
	quit  bool    // the program quits (the quit confirmation's yes)
	pass  bool    // the key is not the dialog's: the screen under it takes it
	tell  tea.Msg // for the screen the dialog is docked on, at once (the cancel's outcome)
}

// alerts is how a screen or dialog raises a dialog: straight onto the
// root's stack, within Update.
type alerts interface {
	// open raises a box above everything.
	open(d Dialog)
	// dock raises d in place on screen on: under its heading, taking the
	// screen's own keys while the global ones still work.
	dock(on dockHost, d Dialog)
}

// dockHost is a screen that dialogs dock on: above a docked dialog it
// draws only its heading (what the dialog is about).
type dockHost interface {
	Screen
	Heading() string
}

// dialogStack is the root's dialogs, oldest first. A box covers the
// content area and takes every key. A docked dialog belongs to its screen:
// it shows, and takes keys, only while that screen is on top (the global
// keys still work, as on the screen), and it goes when the screen leaves
// the stack.
type dialogStack struct {
	list []stacked
	w, h int // the content area, for sizing a dialog as it opens
}

// stacked is one dialog on the stack and the screen it is docked on (nil:
// a box above every screen).
type stacked struct {
	d  Dialog
	on dockHost
}

func (ds *dialogStack) open(d Dialog)              { ds.push(stacked{d: d}) }
func (ds *dialogStack) dock(on dockHost, d Dialog) { ds.push(stacked{d: d, on: on}) }

func (ds *dialogStack) push(e stacked) {
	for i, o := range ds.list {
		if o.on == e.on && o.d.ID() == e.d.ID() {
			ds.list = append(ds.list[:i], ds.list[i+1:]...)
			break
		}
	}
	e.d.SetSize(ds.w, ds.h)
	ds.list = append(ds.list, e)
}

// front is the dialog that shows over top, the screen on top: the newest
// box, or the newest dialog docked on top if it is newer.
func (ds *dialogStack) front(top Screen) (stacked, bool) {
	for i := len(ds.list) - 1; i >= 0; i-- {
		if e := ds.list[i]; e.on == nil || Screen(e.on) == top {
			return e, true
		}
	}
	return stacked{}, false
}

// docked is the newest dialog docked on top (nil: none).
func (ds *dialogStack) docked(top Screen) Dialog {
	for i := len(ds.list) - 1; i >= 0; i-- {
		if e := ds.list[i]; e.on != nil && Screen(e.on) == top {
			return e.d
		}
	}
	return nil
}

// remove takes d off the stack.
func (ds *dialogStack) remove(d Dialog) {
	for i, e := range ds.list {
		if e.d == d {
			ds.list = append(ds.list[:i], ds.list[i+1:]...)
			return
		}
	}
}

// leave drops the dialogs docked on s, which is leaving the screen stack.
func (ds *dialogStack) leave(s Screen) {
	keep := ds.list[:0]
	for _, e := range ds.list {
		if e.on == nil || Screen(e.on) != s {
			keep = append(keep, e)
		}
	}
	clear(ds.list[len(keep):])
	ds.list = keep
}

// resize sizes every dialog to the content area.
func (ds *dialogStack) resize(w, h int) {
	ds.w, ds.h = w, h
	for _, e := range ds.list {
		e.d.SetSize(w, h)
	}
}

// all is the stack as it is now (a dialog's Update may open another).
func (ds *dialogStack) all() []stacked { return append([]stacked(nil), ds.list...) }
