package model

import "strings"

// Call is one driver's call as the agent entered it: the search as typed,
// what it asked for, the driver's token once typed, and the bookings made
// for it. The screens show it, so the agent can check it against what is
// about to be booked, and a driver who calls again gets it back.
type Call struct {
	Search SearchInput // as typed
	Need   Need        // what the search asked for (its window as of the search)
	// Token is the driver's token as typed: its TokenStrategy and ids, the
	// rest of the booking unset.
	Token  Booking
	Booked []string // the ids of the bookings made in the call
}

// HasToken tells whether the call's token is given: a strategy that needs
// no id, or one with its id typed.
func (c Call) HasToken() bool {
	t := c.Token
	switch t.TokenStrategy {
	case AdHoc:
		return true
	case DriverToken:
		return t.CustomerID != "" || t.TokenID != ""
	case GroupToken:
		return t.FleetGroupID != ""
	case Pipelet:
		return t.TokenUID != ""
	}
	return false
}

// Made tells whether the booking was made in this call.
func (c Call) Made(bookingID string) bool {
	for _, id := range c.Booked {
		if id == bookingID {
			return true
		}
	}
	return false
}

// Summary is the call in one line, as entered: the place, the plug and the
// power, the window as said and its length (as said with it, or from the
// length field), the token once typed:
// "Würzburg Hbf · Type 2 ≥ 11 kW · jetzt for 45 min · cust_2201".
func (c Call) Summary() string {
	window := strings.TrimSpace(c.Search.From)
	if _, _, said := SplitWindow(window); window != "" && !said {
		length := DefaultWindow
		if d, err := ParseDuration(c.Search.Length); err == nil {
			length = d
		}
		window += " for " + FormatLength(length)
	}
	plug := c.Need.Describe()
	if plug == "" {
		plug = "any plug"
	}
	token := ""
	if c.HasToken() {
		token = TokenShort(c.Token)
	}
	return JoinNonEmpty(" · ", strings.TrimSpace(c.Search.Place), plug, window, token)
}
