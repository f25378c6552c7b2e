package model_test

import (
	"strings"
	"testing"

	"github.com/petitmonde/chargedesk/model"
)

func TestStatusInfo(t *testing.T) {
	tests := []struct {
		st                                model.Status
		terminal, cancellable, freeCancel bool
		rebookable                        bool
		actionMust                        []string // lower-case words the Action must contain
	}{
		{model.Requested, false, true, true, false, []string{"confirm"}},
		{model.Pending, false, true, true, false, []string{"confirm"}},
		{model.Confirmed, false, true, false, false, []string{"reservation", "location"}},
		{model.Attending, false, false, false, false, []string{"vehicle", "charging"}},
		{model.Completed, true, false, false, false, []string{"final price"}},
		{model.Cancelled, true, false, false, true, []string{"another charger"}},
		{model.Expired, true, false, false, true, []string{"respond", "another charger"}},
		{model.NoShow, true, false, false, true, []string{"arrive", "fee"}},
	}
	if len(tests) != len(model.Statuses) {
		t.Fatalf("table covers %d statuses, model.Statuses has %d", len(tests), len(model.Statuses))
	}
	for i, tt := range tests {
		t.Run(string(tt.st), func(t *testing.T) {
			if model.Statuses[i] != tt.st {
				t.Errorf("Statuses[%d] = %q, want %q (lifecycle order)", i, model.Statuses[i], tt.st)
			}
			in := tt.st.Info()
			if !in.Known {
				t.Error("Known = false")
			}
			if in.Terminal != tt.terminal || tt.st.Terminal() != tt.terminal {
				t.Errorf("Terminal = %v/%v, want %v", in.Terminal, tt.st.Terminal(), tt.terminal)
			}
			if in.Cancellable != tt.cancellable || tt.st.Cancellable() != tt.cancellable {
				t.Errorf("Cancellable = %v/%v, want %v", in.Cancellable, tt.st.Cancellable(), tt.cancellable)
			}
			if in.FreeCancel != tt.freeCancel {
				t.Errorf("FreeCancel = %v, want %v", in.FreeCancel, tt.freeCancel)
			}
			if in.FreeCancel && !in.Cancellable {
				t.Error("FreeCancel without Cancellable")
			}
			if in.Terminal && in.Cancellable {
				t.Error("terminal and cancellable at once")
			}
			if got := tt.st.Rebookable(); got != tt.rebookable {
				t.Errorf("Rebookable = %v, want %v", got, tt.rebookable)
			}
			if strings.TrimSpace(in.Meaning) == "" {
				t.Error("empty Meaning")
			}
			action := strings.ToLower(in.Action)
			for _, w := range tt.actionMust {
				if !strings.Contains(action, w) {
					t.Errorf("Action %q should mention %q", in.Action, w)
				}
			}
		})
	}
}

// Only CONFIRMED may cost something to cancel; the free ones must not mention a fee.
func TestStatusInfoFeeOnlyWhereItApplies(t *testing.T) {
	for _, st := range []model.Status{model.Requested, model.Pending, model.Attending, model.Completed, model.Expired} {
		if a := strings.ToLower(st.Info().Action); strings.Contains(a, "fee") {
			t.Errorf("%s: Action %q mentions a fee", st, st.Info().Action)
		}
	}
}

func TestStatusInfoUnknown(t *testing.T) {
	for _, st := range []model.Status{"FOO", "ON_HOLD", "", "confirmed", "Confirmed"} {
		t.Run(string(st), func(t *testing.T) {
			in := st.Info()
			if in.Known || in.Terminal || in.Cancellable || in.FreeCancel {
				t.Errorf("Info() = %+v, want not known, not terminal, not cancellable, not free", in)
			}
			if st.Terminal() || st.Cancellable() || st.Rebookable() {
				t.Error("unknown status is terminal, cancellable or rebookable")
			}
			if strings.TrimSpace(in.Action) == "" || strings.TrimSpace(in.Meaning) == "" {
				t.Errorf("unknown status needs a Meaning and an Action, got %+v", in)
			}
		})
	}
}

// contractTransitions is the contract's x-transitions table.
var contractTransitions = map[model.Status][]model.Status{
	model.Requested: {model.Pending, model.Cancelled, model.Expired},
	model.Pending:   {model.Confirmed, model.Cancelled, model.Expired},
	model.Confirmed: {model.Attending, model.Cancelled, model.Expired, model.NoShow},
	model.Attending: {model.Completed},
	model.Completed: {},
	model.Cancelled: {},
	model.Expired:   {},
	model.NoShow:    {},
}

func TestCanTransitionMatrix(t *testing.T) {
	all := append([]model.Status{"FOO", ""}, model.Statuses...)
	for _, from := range all {
		for _, to := range all {
			want := false
			for _, s := range contractTransitions[from] {
				if s == to {
					want = true
				}
			}
			if got := model.CanTransition(from, to); got != want {
				t.Errorf("CanTransition(%q, %q) = %v, want %v", from, to, got, want)
			}
		}
	}
}

func TestCanTransitionNamedCases(t *testing.T) {
	for _, tt := range []struct {
		from, to model.Status
		want     bool
	}{
		{model.Requested, model.Pending, true},
		{model.Pending, model.Confirmed, true},
		{model.Confirmed, model.Attending, true},
		{model.Attending, model.Completed, true},
		{model.Confirmed, model.NoShow, true},
		{model.Requested, model.Expired, true},
		{model.Pending, model.Cancelled, true},
		{model.Requested, model.Confirmed, false}, // must pass PENDING
		{model.Requested, model.NoShow, false},
		{model.Attending, model.Cancelled, false},
		{model.Attending, model.NoShow, false},
		{model.Confirmed, model.Pending, false}, // no way back
		{model.Completed, model.Attending, false},
		{model.Cancelled, model.Requested, false},
		{model.Confirmed, model.Confirmed, false},
		{model.Expired, model.Cancelled, false},
		{"FOO", model.Completed, false},
		{model.Attending, "FOO", false},
	} {
		if got := model.CanTransition(tt.from, tt.to); got != tt.want {
			t.Errorf("CanTransition(%s, %s) = %v, want %v", tt.from, tt.to, got, tt.want)
		}
	}
}

// Consistency between the transition table and the status flags: terminal
// statuses have no way out, non-terminal ones have one, and a status the
// client may cancel from can reach CANCELLED.
func TestStatusFlagsAgreeWithTransitions(t *testing.T) {
	for _, from := range model.Statuses {
		outs := 0
		for _, to := range model.Statuses {
			if model.CanTransition(from, to) {
				outs++
			}
		}
		if from.Terminal() && outs > 0 {
			t.Errorf("%s is terminal but has %d transitions", from, outs)
		}
		if !from.Terminal() && outs == 0 {
			t.Errorf("%s is not terminal but has no transition", from)
		}
		if from.Cancellable() && !model.CanTransition(from, model.Cancelled) {
			t.Errorf("%s is cancellable but cannot become CANCELLED", from)
		}
	}
}
