package model_test

import (
	"fmt"
	"testing"
	"time"

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

// proposeCase is a search's results for the proposal rules: two EnBW
// locations near, an IONITY one farther, every EVSE free and CCS 150 kW.
func proposeCase() []model.Location {
	loc := func(id, party string, km float64, n int) model.Location {
		l := model.Location{LocationID: id, CPOPartyID: party, CPOName: party, DistanceKM: km, SupportsReservation: true}
		for i := 1; i <= n; i++ {
			l.EVSEs = append(l.EVSEs, evse(fmt.Sprintf("%s*%d", id, i), model.EVSEAvailable, conn("1", model.CCS2, 150)))
		}
		return l
	}
	return []model.Location{loc("enb-a", "ENB", 1, 2), loc("enb-b", "ENB", 2, 1), loc("ion-c", "ION", 5, 2)}
}

func held(evseUID string, start, end time.Time, st model.Status) model.Booking {
	return model.Booking{ID: "held-" + evseUID, EVSEUID: evseUID, Status: st, ReservationStart: &start, ReservationEnd: &end}
}

// Next best never proposes an EVSE the desk holds for an overlapping
// window (the case: after an EXPIRED at enb-a*2, x proposed
// enb-a*1, which the same desk had booked for the same hour), and after a
// CPO failure it proposes another CPO's charger first.
func TestNextBestNeverProposesAHeldEVSE(t *testing.T) {
	results := proposeCase()
	need := model.Need{Connector: model.CCS2, PowerMinKW: 50}
	start := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
	end := start.Add(time.Hour)
	failed := model.Booking{LocationID: "enb-a", EVSEUID: "enb-a*2", Status: model.Expired}
	mine := held("enb-a*1", start.Add(30*time.Minute), end.Add(30*time.Minute), model.Confirmed)

	// A 409 or a no-show (not the CPO's doing): the closest EVSE the desk does not hold.
	noShow := failed
	noShow.Status = model.NoShow
	p := model.NextBest(results, need, model.Avoid{Failed: noShow, Held: []model.Booking{mine}, Start: start, End: end})
	if !p.Found || p.EVSE.EVSEUID != "enb-b*1" || p.Held != 1 {
		t.Fatalf("after a no-show: %s (held %d), want enb-b*1 with enb-a*1 left out as held", p.EVSE.EVSEUID, p.Held)
	}
	// The same EVSE held for another window is free for this one.
	later := held("enb-a*1", end, end.Add(time.Hour), model.Confirmed)
	if p := model.NextBest(results, need, model.Avoid{Failed: noShow, Held: []model.Booking{later}, Start: start, End: end}); p.EVSE.EVSEUID != "enb-a*1" || p.Held != 0 {
		t.Fatalf("held only for the next hour: %s", p.EVSE.EVSEUID)
	}
	// A final booking holds nothing.
	over := held("enb-a*1", start, end, model.Cancelled)
	if p := model.NextBest(results, need, model.Avoid{Failed: noShow, Held: []model.Booking{over}, Start: start, End: end}); p.EVSE.EVSEUID != "enb-a*1" {
		t.Fatalf("a cancelled booking still held its EVSE: %s", p.EVSE.EVSEUID)
	}

	// EXPIRED is the CPO's failure: IONITY first, though EnBW's are nearer.
	p = model.NextBest(results, need, model.Avoid{Failed: failed, Held: []model.Booking{mine}, Start: start, End: end})
	if !p.Found || p.Location.LocationID != "ion-c" || p.SameCPO {
		t.Fatalf("after the CPO expired: %s (same CPO %v), want another CPO's", p.EVSE.EVSEUID, p.SameCPO)
	}
	rejected := model.Booking{LocationID: "enb-a", EVSEUID: "enb-a*2", Status: model.Cancelled, CancellationReason: "Rejected by CPO: maintenance"}
	if p := model.NextBest(results, need, model.Avoid{Failed: rejected}); p.Location.LocationID != "ion-c" {
		t.Fatalf("after a CPO rejection: %s", p.Location.LocationID)
	}
	byDesk := rejected
	byDesk.CancellationReason = "Driver cancelled by phone"
	if p := model.NextBest(results, need, model.Avoid{Failed: byDesk}); p.Location.LocationID != "enb-a" {
		t.Fatalf("after the desk's own cancel: %s, want the closest", p.Location.LocationID)
	}
	// With the other CPO's chargers all held, the same CPO's, said so.
	ion := []model.Booking{held("ion-c*1", start, end, model.Confirmed), held("ion-c*2", start, end, model.Pending)}
	p = model.NextBest(results, need, model.Avoid{Failed: failed, Held: append(ion, mine), Start: start, End: end})
	if !p.Found || p.EVSE.EVSEUID != "enb-b*1" || !p.SameCPO || p.Held != 3 {
		t.Fatalf("only the same CPO left: %s (same CPO %v, held %d)", p.EVSE.EVSEUID, p.SameCPO, p.Held)
	}
	// Nothing else fits: none found, and how many were held.
	all := append(ion, mine, held("enb-b*1", start, end, model.Confirmed))
	if p := model.NextBest(results, need, model.Avoid{Failed: failed, Held: all, Start: start, End: end}); p.Found || p.Held != 4 {
		t.Fatalf("nothing left: %+v", p)
	}
}

// The 409's next free EVSE and later slot leave held EVSEs and windows out.
func TestOtherFreeAndLaterSlotLeaveHeldOut(t *testing.T) {
	l := proposeCase()[0]
	l.EVSEs = append(l.EVSEs, evse("enb-a*3", model.EVSEAvailable, conn("1", model.T2, 22)))
	need := model.Need{Connector: model.CCS2}
	start := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
	end := start.Add(time.Hour)
	refused := model.Booking{EVSEUID: "enb-a*2"}
	free, n := model.OtherFree(l, need, model.Avoid{Failed: refused, Held: []model.Booking{held("enb-a*1", start, end, model.Confirmed)}, Start: start, End: end})
	if len(free) != 1 || free[0].EVSEUID != "enb-a*3" || n != 1 {
		t.Fatalf("other free: %v, held %d; want only the T2 one, enb-a*1 held", free, n)
	}
	free, _ = model.OtherFree(l, need, model.Avoid{Failed: refused, Start: start, End: end})
	if len(free) != 2 || free[0].EVSEUID != "enb-a*1" {
		t.Fatalf("other free, nothing held: %v (the fitting one first)", free)
	}
	// The later slot skips the desk's own bookings of the EVSE, one after the other.
	mine := []model.Booking{held("enb-a*2", end, end.Add(30*time.Minute), model.Confirmed), held("enb-a*2", end.Add(45*time.Minute), end.Add(2*time.Hour), model.Confirmed)}
	s, e := model.LaterSlot("enb-a*2", start, end, mine)
	if want := end.Add(2 * time.Hour); !s.Equal(want) || e.Sub(s) != time.Hour {
		t.Fatalf("later slot %v–%v, want %v for an hour", s, e, want)
	}
	if s, _ := model.LaterSlot("enb-a*2", start, end, nil); !s.Equal(end) {
		t.Fatalf("later slot with nothing held: %v", s)
	}
}

func TestNextWindow(t *testing.T) {
	now := time.Date(2026, 12, 7, 10, 2, 0, 0, time.UTC)
	start, end := now.Add(2*time.Hour), now.Add(3*time.Hour)
	if s, e := model.NextWindow(start, end, now); !s.Equal(start) || !e.Equal(end) {
		t.Errorf("a window still ahead moved: %v–%v", s, e)
	}
	s, e := model.NextWindow(now.Add(5*time.Minute), now.Add(95*time.Minute), now)
	if !s.Equal(model.DefaultStart(now)) || e.Sub(s) != 90*time.Minute {
		t.Errorf("a window too soon: %v–%v, want the next possible start for 90 min", s, e)
	}
	if s, e := (model.Need{}).Window(now); !s.Equal(model.DefaultStart(now)) || e.Sub(s) != model.DefaultDuration {
		t.Errorf("no window asked: %v–%v", s, e)
	}
}
