package model_test

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/petitmonde/chargedesk/model"
)

// A hostile or broken server's numbers are shown bounded and readable.
func TestAbsurdValuesAreShownBounded(t *testing.T) {
	for in, want := range map[float64]string{
		12.5: "12.50 €", 1e308: "> 999999.99 €", -1e308: "< -999999.99 €", math.Inf(1): "> 999999.99 €", math.NaN(): "? €",
	} {
		if got := model.FormatPrice(in, "EUR"); got != want {
			t.Errorf("price %v: %q, want %q", in, got, want)
		}
	}
	for in, want := range map[float64]string{
		0.44: "  0.4 km", -3: "    ? km", 1e300: "> 9999.9 km", math.NaN(): "    ? km",
	} {
		if got := model.FormatDistance(in); got != want {
			t.Errorf("distance %v: %q, want %q", in, got, want)
		}
	}
	start := time.Date(9999, 12, 31, 23, 0, 0, 0, time.UTC)
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	if got := model.Countdown(start, start.Add(time.Hour), now, model.Warp{}); got != "starts in more than a year" {
		t.Errorf("a start in year 9999: %q", got)
	}
	if got := model.HumanDuration(100 * time.Hour); got != "4 days 4 h" {
		t.Errorf("100 h: %q", got)
	}
	if got := model.HumanDuration(time.Duration(math.MaxInt64)); len(got) > 20 || strings.ContainsAny(got, "0123456789") {
		t.Errorf("a saturated duration: %q", got)
	}
}
