package ui

import (
	"testing"

	"github.com/petitmonde/chargedesk/model"
	"github.com/petitmonde/chargedesk/styles"
)

func TestStatusTonesTellOutcomesApart(t *testing.T) {
	want := map[model.Status]styles.Tone{
		model.Requested: styles.Waiting, model.Pending: styles.Waiting,
		model.Confirmed: styles.Good, model.Attending: styles.Good,
		model.Completed: styles.Done,
		model.Cancelled: styles.Bad, model.Expired: styles.Bad, model.NoShow: styles.Bad,
		"ON_HOLD": styles.Neutral,
	}
	for st, tone := range want {
		if got := statusTone(st); got != tone {
			t.Errorf("%s: tone %d, want %d", st, got, tone)
		}
	}
	if evseTone(model.EVSEAvailable) == evseTone(model.EVSEOutOfOrder) || evseTone(model.EVSEUnknown) != styles.Neutral {
		t.Error("EVSE tones do not tell free from broken from unknown")
	}
}
