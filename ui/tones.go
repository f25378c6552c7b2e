package ui

import (
	"github.com/petitmonde/chargedesk/model"
	"github.com/petitmonde/chargedesk/styles"
)

// statusTone is what a booking status means at a glance: the CPO still
// deciding, reserved or charging, over, or gone wrong.
func statusTone(s model.Status) styles.Tone {
	switch s {
	case model.Requested, model.Pending:
		return styles.Waiting
	case model.Confirmed, model.Attending:
		return styles.Good
	case model.Completed:
		return styles.Done
	case model.Cancelled, model.Expired, model.NoShow:
		return styles.Bad
	}
	return styles.Neutral
}

// evseTone is an EVSE status at a glance: free, busy, broken, unknown.
func evseTone(s model.EVSEStatus) styles.Tone {
	switch s {
	case model.EVSEAvailable:
		return styles.Good
	case model.EVSECharging, model.EVSEReserved, model.EVSEBlocked:
		return styles.Waiting
	case model.EVSEOutOfOrder, model.EVSEInoperative, model.EVSERemoved:
		return styles.Bad
	}
	return styles.Neutral
}

// statusText is a status in its tone, bold.
func (c Common) statusText(s model.Status) string { return c.Styles.Toned(string(s), statusTone(s)) }
