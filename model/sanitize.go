package model

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Sanitize makes server-supplied text safe to put on a terminal: escape
// sequences (CSI, OSC such as clipboard writes, title changes and hyperlinks,
// DCS, APC, PM, SOS, and the 8-bit C1 forms) are removed whole, other control
// characters become spaces (tabs and newlines too: one line in, one line out),
// bidirectional overrides and isolates are dropped, and invalid UTF-8 becomes
// U+FFFD. Printable text, including CJK and emoji, is kept as it is.
func Sanitize(s string) string {
	if isPlain(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		c := s[i]
		if c == 0x1b { // ESC
			i = skipEscape(s, i+1)
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size <= 1 {
			b.WriteRune('\uFFFD')
			i++
			continue
		}
		switch {
		case r >= 0x80 && r <= 0x9f: // C1 controls; CSI/OSC/DCS… introducers swallow their sequence
			switch r {
			case 0x9b: // CSI
				i = skipCSI(s, i+size)
				continue
			case 0x9d, 0x90, 0x98, 0x9e, 0x9f: // OSC, DCS, SOS, PM, APC
				i = skipString(s, i+size)
				continue
			}
			i += size
			continue
		case isBidiControl(r):
			i += size
			continue
		case r < 0x20 || r == 0x7f:
			b.WriteByte(' ')
			i += size
			continue
		case r == '\u2028' || r == '\u2029':
			b.WriteByte(' ')
			i += size
			continue
		}
		b.WriteString(s[i : i+size])
		i += size
	}
	return b.String()
}

func isPlain(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c >= 0x7f {
			return false
		}
	}
	return true
}

func isBidiControl(r rune) bool {
	switch {
	case r >= 0x202a && r <= 0x202e: // LRE RLE PDF LRO RLO
		return true
	case r >= 0x2066 && r <= 0x2069: // LRI RLI FSI PDI
		return true
	case r == 0x200e || r == 0x200f || r == 0x061c: // LRM RLM ALM
		return true
	}
	return false
}

// skipEscape skips an escape sequence whose ESC stood just before i.
func skipEscape(s string, i int) int {
	if i >= len(s) {
		return i
	}
	switch s[i] {
	case '[':
		return skipCSI(s, i+1)
	case ']', 'P', 'X', '^', '_': // OSC, DCS, SOS, PM, APC: until BEL or ST
		return skipString(s, i+1)
	}
	// Two-byte (ESC c, ESC 7 …) or with intermediates (ESC ( B): skip
	// intermediates 0x20–0x2f, then one final byte.
	for i < len(s) && s[i] >= 0x20 && s[i] <= 0x2f {
		i++
	}
	if i < len(s) {
		i++
	}
	return i
}

// skipCSI skips parameters and intermediates up to and including the final byte.
func skipCSI(s string, i int) int {
	for i < len(s) {
		c := s[i]
		i++
		if c >= 0x40 && c <= 0x7e {
			return i
		}
		if c < 0x20 && c != 0x1b { // broken sequence: stop at a control
			return i
		}
	}
	return i
}

// skipString skips a control string up to BEL, ESC \ or the 8-bit ST.
func skipString(s string, i int) int {
	for i < len(s) {
		switch s[i] {
		case 0x07:
			return i + 1
		case 0x1b:
			if i+1 < len(s) && s[i+1] == '\\' {
				return i + 2
			}
			return i + 1
		}
		if r, size := utf8.DecodeRuneInString(s[i:]); r == 0x9c {
			return i + size
		} else {
			i += size
		}
	}
	return i
}

// SanitizeLine is Sanitize plus folding runs of spaces and trimming, for
// one-line fields such as a location name. It also takes out what makes a
// name's width depend on the terminal: zero-width joiners and emoji
// variation selectors (a family emoji shows as its members), and combining
// marks beyond two on one letter (so "Zalgo" text cannot spill into the rows
// above and below).
func SanitizeLine(s string) string {
	s = steadyWidth(Sanitize(s))
	if !strings.Contains(s, "  ") && strings.TrimSpace(s) == s {
		return s
	}
	return strings.Join(strings.FieldsFunc(s, unicode.IsSpace), " ")
}

// steadyWidth drops ZWJ, VS15/VS16 and the combining keycap, and caps
// combining marks at two per base character.
func steadyWidth(s string) string {
	if isPlain(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	marks := 0
	for _, r := range s {
		switch {
		case r == '‍' || r == '︎' || r == '️' || r == '⃣':
			continue
		case unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Me, r):
			marks++
			if marks > 2 {
				continue
			}
		default:
			marks = 0
		}
		b.WriteRune(r)
	}
	return b.String()
}

// SanitizeLocation returns a copy of l with every server-supplied text made
// safe for a terminal.
func SanitizeLocation(l Location) Location {
	l.LocationID = SanitizeLine(l.LocationID)
	l.Name = SanitizeLine(l.Name)
	l.CPOName = SanitizeLine(l.CPOName)
	l.CPOPartyID = SanitizeLine(l.CPOPartyID)
	l.Address = SanitizeLine(l.Address)
	l.City = SanitizeLine(l.City)
	l.PostalCode = SanitizeLine(l.PostalCode)
	l.Country = SanitizeLine(l.Country)
	if l.Pricing != nil {
		p := *l.Pricing
		p.Currency = SanitizeLine(p.Currency)
		l.Pricing = &p
	}
	if l.EVSEs == nil {
		return l
	}
	evses := make([]EVSE, len(l.EVSEs))
	for i, e := range l.EVSEs {
		e.EVSEUID = SanitizeLine(e.EVSEUID)
		e.Status = EVSEStatus(SanitizeLine(string(e.Status)))
		if e.Connectors == nil {
			evses[i] = e
			continue
		}
		cs := make([]Connector, len(e.Connectors))
		for j, c := range e.Connectors {
			c.ConnectorID = SanitizeLine(c.ConnectorID)
			c.ConnectorType = ConnectorType(SanitizeLine(string(c.ConnectorType)))
			c.PowerType = PowerType(SanitizeLine(string(c.PowerType)))
			cs[j] = c
		}
		e.Connectors = cs
		evses[i] = e
	}
	l.EVSEs = evses
	return l
}

// SanitizeBooking returns a copy of b with every server-supplied text made
// safe for a terminal.
func SanitizeBooking(b Booking) Booking {
	for _, p := range []*string{&b.ID, &b.CPOReservationID, &b.ClientPriceCurrency, &b.ExternalID,
		&b.LocationCity, &b.LocationID, &b.EVSEUID, &b.ConnectorID, &b.CustomerID, &b.TokenID,
		&b.FleetGroupID, &b.TokenUID, &b.CancellationReason, &b.LocationName, &b.CPOName, &b.BookedBy} {
		*p = SanitizeLine(*p)
	}
	b.Status = Status(SanitizeLine(string(b.Status)))
	b.TokenStrategy = TokenStrategy(SanitizeLine(string(b.TokenStrategy)))
	if b.AdHocToken != nil {
		t := *b.AdHocToken
		t.TokenUID = SanitizeLine(t.TokenUID)
		b.AdHocToken = &t
	}
	return b
}
