package model_test

import (
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/petitmonde/chargedesk/model"
)

// These tests hold the model's lists against the machine-readable contract,
// api/openapi.yaml, so a change there shows up here. They read the file with
// a few lines of text scanning (flow lists only), not a YAML library.

type schemaBlock map[string][]string // key (possibly nested "x-transitions.REQUESTED") -> flow list

func loadSchema(t *testing.T, name string) schemaBlock {
	t.Helper()
	data, err := os.ReadFile("../api/openapi.yaml")
	if err != nil {
		t.Skipf("contract not readable: %v", err)
	}
	lines := strings.Split(string(data), "\n")
	head := "    " + name + ":"
	start := slices.IndexFunc(lines, func(l string) bool { return strings.TrimRight(l, " ") == head })
	if start < 0 {
		t.Fatalf("schema %s not found in openapi.yaml", name)
	}
	out := schemaBlock{}
	parent := ""
	for _, l := range lines[start+1:] {
		if strings.TrimSpace(l) == "" {
			continue
		}
		indent := len(l) - len(strings.TrimLeft(l, " "))
		if indent <= 4 {
			break
		}
		body := strings.TrimSpace(l)
		if i := strings.Index(body, " #"); i >= 0 {
			body = strings.TrimSpace(body[:i])
		}
		key, val, ok := strings.Cut(body, ":")
		if !ok {
			continue
		}
		val = strings.TrimSpace(val)
		if indent == 6 {
			parent = key
		}
		if !strings.HasPrefix(val, "[") || !strings.HasSuffix(val, "]") {
			continue
		}
		var items []string
		for _, it := range strings.Split(strings.Trim(val, "[]"), ",") {
			if it = strings.TrimSpace(it); it != "" {
				items = append(items, it)
			}
		}
		if items == nil {
			items = []string{}
		}
		if indent > 6 {
			key = parent + "." + key
		}
		out[key] = items
	}
	return out
}

func asStrings[T ~string](xs []T) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = string(x)
	}
	return out
}

func TestContractConnectorTypes(t *testing.T) {
	enum := loadSchema(t, "ConnectorType")["enum"]
	if len(enum) == 0 {
		t.Fatal("no ConnectorType enum in the contract")
	}
	if got := asStrings(model.AllConnectorTypes); !slices.Equal(got, enum) {
		t.Errorf("AllConnectorTypes = %v\ncontract enum   = %v", got, enum)
	}
	for _, c := range enum {
		if !model.ConnectorType(c).Known() {
			t.Errorf("%s is in the contract but not Known()", c)
		}
	}
}

func TestContractEVSEStatuses(t *testing.T) {
	enum := loadSchema(t, "EvseStatus")["enum"]
	if got := asStrings(model.EVSEStatuses); !slices.Equal(got, enum) {
		t.Errorf("EVSEStatuses = %v, contract = %v", got, enum)
	}
}

func TestContractTokenStrategies(t *testing.T) {
	enum := loadSchema(t, "TokenStrategy")["enum"]
	if got := asStrings(model.TokenStrategies); !slices.Equal(got, enum) {
		t.Errorf("TokenStrategies = %v, contract = %v", got, enum)
	}
}

func TestContractBookingStatus(t *testing.T) {
	s := loadSchema(t, "BookingStatus")
	if got := asStrings(model.Statuses); !slices.Equal(got, s["enum"]) {
		t.Errorf("Statuses = %v, contract = %v", got, s["enum"])
	}
	for _, from := range s["enum"] {
		allowed, ok := s["x-transitions."+from]
		if !ok {
			t.Errorf("contract has no x-transitions row for %s", from)
			continue
		}
		for _, to := range s["enum"] {
			want := slices.Contains(allowed, to)
			if got := model.CanTransition(model.Status(from), model.Status(to)); got != want {
				t.Errorf("CanTransition(%s, %s) = %v, contract says %v", from, to, got, want)
			}
		}
		st := model.Status(from)
		if got, want := st.Cancellable(), slices.Contains(s["x-cancellable-by-client"], from); got != want {
			t.Errorf("%s.Cancellable() = %v, contract says %v", from, got, want)
		}
		if got, want := st.Info().FreeCancel, slices.Contains(s["x-free-cancellation"], from); got != want {
			t.Errorf("%s FreeCancel = %v, contract says %v", from, got, want)
		}
		if got, want := st.Terminal(), len(allowed) == 0; got != want {
			t.Errorf("%s.Terminal() = %v, contract has %d transitions", from, got, len(allowed))
		}
	}
}
