package model_test

import (
	"testing"

	"github.com/petitmonde/chargedesk/model"
)

// Free counts what meets the need: two free 11 kW EVSEs and a busy 22 kW
// one are none free for 22 kW.
func TestNeedFreeCountsWhatMeetsTheNeed(t *testing.T) {
	l := model.Location{LocationID: "L", SupportsReservation: true, EVSEs: []model.EVSE{
		evse("a", model.EVSEAvailable, conn("1", model.T2, 11)), evse("b", model.EVSEAvailable, conn("1", model.T2, 11)),
		evse("c", model.EVSECharging, conn("1", model.T2, 22))}}
	for _, tt := range []struct {
		need                    model.Need
		free, fitting, bookable int
	}{
		{model.Need{}, 2, 3, 2},
		{model.Need{PowerMinKW: 22}, 0, 1, 0},
		{model.Need{PowerMinKW: 11, Connector: model.T2}, 2, 3, 2},
		{model.Need{Connector: model.CCS2}, 0, 0, 0},
	} {
		free, fitting := tt.need.Free(l)
		if free != tt.free || fitting != tt.fitting || tt.need.Bookable(l) != tt.bookable {
			t.Errorf("%+v: free %d/%d, bookable %d; want %d/%d, %d", tt.need, free, fitting, tt.need.Bookable(l), tt.free, tt.fitting, tt.bookable)
		}
	}
}
