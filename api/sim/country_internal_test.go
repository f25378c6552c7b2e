package sim

import (
	"reflect"
	"testing"
)

// The same seed generates the same network, built from scratch each time
// (Servers of one seed share theirs, so comparing two of them would prove
// nothing).
func TestGenerateDeterministic(t *testing.T) {
	a, b := generateLocations(5), generateLocations(5)
	if len(a) < 10000 || !reflect.DeepEqual(a, b) {
		t.Fatalf("seed 5: %d and %d locations, equal %v", len(a), len(b), reflect.DeepEqual(a, b))
	}
	if c := generateLocations(6); reflect.DeepEqual(a, c) {
		t.Error("seeds 5 and 6 generate the same network")
	}
}
