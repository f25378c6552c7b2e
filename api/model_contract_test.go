package api_test

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/petitmonde/chargedesk/api"
	"github.com/petitmonde/chargedesk/model"
)

// These tests hold the model's lists and lifecycle rules against the
// contract, api/openapi.yaml, read with kin-openapi: a change of the
// contract shows up here.

func contractSchema(t *testing.T, name string) *openapi3.Schema {
	t.Helper()
	doc, err := openapi3.NewLoader().LoadFromData(api.OpenAPISpec)
	if err != nil {
		t.Fatalf("the contract does not load: %v", err)
	}
	ref, ok := doc.Components.Schemas[name]
	if !ok || ref.Value == nil {
		t.Fatalf("schema %s is not in the contract", name)
	}
	return ref.Value
}

func enumOf(t *testing.T, name string) []string {
	t.Helper()
	var out []string
	for _, v := range contractSchema(t, name).Enum {
		s, ok := v.(string)
		if !ok {
			t.Fatalf("%s: enum value %v is not a string", name, v)
		}
		out = append(out, s)
	}
	if len(out) == 0 {
		t.Fatalf("%s has no enum in the contract", name)
	}
	return out
}

// extension decodes the x-… extension of a schema into v.
func extension(t *testing.T, name, ext string, v any) {
	t.Helper()
	raw, ok := contractSchema(t, name).Extensions[ext]
	if !ok {
		t.Fatalf("%s has no %s in the contract", name, ext)
	}
	b, err := json.Marshal(raw)
	if err == nil {
		err = json.Unmarshal(b, v)
	}
	if err != nil {
		t.Fatalf("%s.%s: %v", name, ext, err)
	}
}

func asStrings[T ~string](xs []T) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = string(x)
	}
	return out
}

func TestContractConnectorTypes(t *testing.T) {
	enum := enumOf(t, "ConnectorType")
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
	if got, enum := asStrings(model.EVSEStatuses), enumOf(t, "EvseStatus"); !slices.Equal(got, enum) {
		t.Errorf("EVSEStatuses = %v, contract = %v", got, enum)
	}
}

func TestContractTokenStrategies(t *testing.T) {
	if got, enum := asStrings(model.TokenStrategies), enumOf(t, "TokenStrategy"); !slices.Equal(got, enum) {
		t.Errorf("TokenStrategies = %v, contract = %v", got, enum)
	}
}

func TestContractBookingStatus(t *testing.T) {
	enum := enumOf(t, "BookingStatus")
	if got := asStrings(model.Statuses); !slices.Equal(got, enum) {
		t.Errorf("Statuses = %v, contract = %v", got, enum)
	}
	var transitions map[string][]string
	var cancellable, free []string
	extension(t, "BookingStatus", "x-transitions", &transitions)
	extension(t, "BookingStatus", "x-cancellable-by-client", &cancellable)
	extension(t, "BookingStatus", "x-free-cancellation", &free)
	for _, from := range enum {
		allowed, ok := transitions[from]
		if !ok {
			t.Errorf("contract has no x-transitions row for %s", from)
			continue
		}
		for _, to := range enum {
			want := slices.Contains(allowed, to)
			if got := model.CanTransition(model.Status(from), model.Status(to)); got != want {
				t.Errorf("CanTransition(%s, %s) = %v, contract says %v", from, to, got, want)
			}
		}
		st := model.Status(from)
		if got, want := st.Cancellable(), slices.Contains(cancellable, from); got != want {
			t.Errorf("%s.Cancellable() = %v, contract says %v", from, got, want)
		}
		if got, want := st.Info().FreeCancel, slices.Contains(free, from); got != want {
			t.Errorf("%s FreeCancel = %v, contract says %v", from, got, want)
		}
		if got, want := st.Terminal(), len(allowed) == 0; got != want {
			t.Errorf("%s.Terminal() = %v, contract has %d transitions", from, got, len(allowed))
		}
	}
}
