package model_test

import (
	"strings"
	"testing"

	"github.com/petitmonde/chargedesk/model"
)

func TestConnectorTypeKnown(t *testing.T) {
	seen := map[model.ConnectorType]bool{}
	for _, c := range model.AllConnectorTypes {
		if seen[c] {
			t.Errorf("duplicate %s in AllConnectorTypes", c)
		}
		seen[c] = true
		if !c.Known() {
			t.Errorf("%s not Known()", c)
		}
		if c.Label() == "" || c.Short() == "" {
			t.Errorf("%s: empty Label or Short", c)
		}
	}
	for _, c := range model.CommonConnectorTypes {
		if !c.Known() {
			t.Errorf("common type %s is not Known()", c)
		}
	}
	for _, c := range []model.ConnectorType{model.T2, model.CCS2, model.CHAdeMO, model.CCS1, model.TeslaS, model.Domestic} {
		if !c.Known() {
			t.Errorf("constant %s is not Known()", c)
		}
	}
	for _, c := range []model.ConnectorType{"", "FOO", "iec_62196_t2", "IEC_60309_2_SINGLE_16", "Type 2", " IEC_62196_T2"} {
		if c.Known() {
			t.Errorf("%q Known(), want unknown", c)
		}
	}
}

func TestCommonConnectorTypesOrder(t *testing.T) {
	want := []model.ConnectorType{"IEC_62196_T2_COMBO", "IEC_62196_T2", "CHADEMO", "IEC_62196_T1_COMBO", "TESLA_S"}
	if len(model.CommonConnectorTypes) != len(want) {
		t.Fatalf("CommonConnectorTypes = %v, want %v", model.CommonConnectorTypes, want)
	}
	for i := range want {
		if model.CommonConnectorTypes[i] != want[i] {
			t.Errorf("CommonConnectorTypes[%d] = %s, want %s", i, model.CommonConnectorTypes[i], want[i])
		}
	}
}

func TestConnectorTypeLabels(t *testing.T) {
	for _, tt := range []struct {
		c            model.ConnectorType
		label, short string
	}{
		{model.T2, "Type 2", "T2"},
		{model.CCS2, "CCS (Type 2 Combo)", "CCS"},
		{model.CHAdeMO, "CHAdeMO", "CHA"},
		{model.CCS1, "CCS1 (Type 1 Combo)", "CCS1"},
		{model.TeslaS, "Tesla (Model S/X)", "TSL"},
		{model.Domestic, "Schuko", "SCH"},
		{"NEMA_5_20", "NEMA_5_20", "NEMA_5_20"}, // no label: shown as sent
		{"FOO", "FOO", "FOO"},
	} {
		if got := tt.c.Label(); got != tt.label {
			t.Errorf("%s.Label() = %q, want %q", tt.c, got, tt.label)
		}
		if got := tt.c.Short(); got != tt.short {
			t.Errorf("%s.Short() = %q, want %q", tt.c, got, tt.short)
		}
	}
	// Short is for dense tables: 2–4 letters whenever there is one.
	for _, c := range model.AllConnectorTypes {
		if s := c.Short(); s != string(c) && (len(s) < 2 || len(s) > 4) {
			t.Errorf("%s.Short() = %q, want 2–4 characters", c, s)
		}
	}
}

func TestPowerTypeIsDC(t *testing.T) {
	for _, tt := range []struct {
		p    model.PowerType
		want bool
	}{
		{model.DC, true},
		{model.AC1Phase, false},
		{model.AC2Phase, false},
		{model.AC2PhaseSplit, false},
		{model.AC3Phase, false},
		{"", false},
		{"dc", false},
	} {
		if got := tt.p.IsDC(); got != tt.want {
			t.Errorf("%q.IsDC() = %v, want %v", tt.p, got, tt.want)
		}
	}
}

func TestTokenStrategyLabel(t *testing.T) {
	labels := map[string]bool{}
	for _, s := range model.TokenStrategies {
		l := s.Label()
		if l == "" || l == string(s) {
			t.Errorf("%s: Label() = %q, want a description", s, l)
		}
		if labels[l] {
			t.Errorf("%s: Label %q used twice", s, l)
		}
		labels[l] = true
	}
	if !strings.Contains(strings.ToLower(model.Pipelet.Label()), "hex") {
		t.Errorf("pipelet label %q should say the UID is hex", model.Pipelet.Label())
	}
	if got := model.TokenStrategy("rfid").Label(); got != "rfid" {
		t.Errorf("unknown strategy Label() = %q, want it as given", got)
	}
}
