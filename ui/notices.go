package ui

import (
	"fmt"
	"strings"
	"time"
)

// noticeFresh is how long the newest notice stands in the header in full;
// after that the header counts the unseen ones until the agent opens them.
const noticeFresh = 20 * time.Second

// maxNotices bounds what the list keeps.
const maxNotices = 100

// notice is one thing that happened to a booking off screen: a status
// change, a booking made in the background, an earlier run's attempt.
type notice struct {
	at      time.Time
	text    string
	booking string // the booking it is about ("" none)
}

// notices are the session's notices, newest last. None is lost: the header
// shows the newest while fresh, then how many are unseen, and the list (one
// key away) shows them all.
type notices struct {
	list   []notice
	unseen int
}

// add keeps a notice about booking (or none); seen is true when the agent
// is looking at what it is about (the booking is on screen): it is listed,
// not announced.
func (n *notices) add(at time.Time, text string, seen bool, booking string) {
	e := notice{at: at, text: text, booking: booking}
	if seen {
		n.insertSeen(e)
	} else {
		n.list = append(n.list, e)
		n.unseen++
	}
	if len(n.list) > maxNotices {
		n.list = n.list[len(n.list)-maxNotices:]
	}
	n.unseen = min(n.unseen, len(n.list))
}

// insertSeen puts e after the seen notices, before the unseen ones.
func (n *notices) insertSeen(e notice) {
	cut := len(n.list) - n.unseen
	n.list = append(n.list[:cut], append([]notice{e}, n.list[cut:]...)...)
}

// settle stops announcing what is unseen about a booking the agent has
// just acted on (cancelled it): it stays listed.
func (n *notices) settle(booking string) {
	cut := len(n.list) - n.unseen
	var keep, settled []notice
	for _, e := range n.list[cut:] {
		if e.booking == booking {
			settled = append(settled, e)
		} else {
			keep = append(keep, e)
		}
	}
	n.list = append(append(n.list[:cut:cut], settled...), keep...)
	n.unseen = len(keep)
}

// headline is what the header says, longest first: the newest notice
// while it is fresh (else the count of unseen ones, key naming the list's
// key), the count, and the count in a few cells, for a header short of
// room; "" when nothing is unseen. A notice is shown whole or not at all:
// cut, it would cut the external id the driver reads out.
func (n *notices) headline(now time.Time, key string) (full, count, tiny string) {
	if n.unseen == 0 {
		return "", "", ""
	}
	count = fmt.Sprintf("%d new notices (%s)", n.unseen, key)
	if n.unseen == 1 {
		count = "1 new notice (" + key + ")"
	}
	full = count
	if last := n.list[len(n.list)-1]; now.Sub(last.at) <= noticeFresh {
		full = last.text
	}
	return full, count, fmt.Sprintf("%d (%s)", n.unseen, key)
}

// view is the list, newest first, the unseen ones marked; reading it marks
// them seen.
func (n *notices) view(zone *time.Location) string {
	if len(n.list) == 0 {
		return "No notices yet: status changes of watched bookings and bookings made in the background show here."
	}
	var b strings.Builder
	for i := len(n.list) - 1; i >= 0; i-- {
		mark := "  "
		if len(n.list)-1-i < n.unseen {
			mark = "⚑ "
		}
		e := n.list[i]
		b.WriteString(mark + e.at.In(zone).Format("15:04:05") + "  " + e.text + "\n")
	}
	return b.String()
}

func (n *notices) seen() { n.unseen = 0 }
