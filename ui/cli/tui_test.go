package cli

import (
	"strings"
	"testing"

	"github.com/petitmonde/chargedesk/api"
	"github.com/petitmonde/chargedesk/api/sim"
	"github.com/petitmonde/chargedesk/model"
)

// The TUI connects as the commands do; in the demo its search form holds the
// guide's example and the booking form the demo customer.
func TestTUIOptionsDemo(t *testing.T) {
	t.Parallel()
	e := isolatedEnv(t)
	env := e.env(nil, nil)
	cn, err := connect(env, connFlags{speed: demoSpeed, seed: 1}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer cn.close()
	o := tuiOptions(env, cn, false)
	q := o.Query
	// The numbers come with the guide's point; the form resolves the name.
	if q == nil || q.Lat != 48.1351 || q.Lng != 11.5820 || q.RadiusKM != 25 || q.ConnectorType != model.CCS2 ||
		q.PowerMinKW != 50 || o.PlaceText != "München" {
		t.Errorf("demo search %+v %q", q, o.PlaceText)
	}
	if m := o.Mode; !m.Demo || m.Speed != demoSpeed || m.DemoCustomer != "cust_demo_001" || m.Host != "embedded simulator" {
		t.Errorf("mode %+v", m)
	}
	if o.Client == nil || o.SaveHistory == nil {
		t.Error("no client or no history")
	}
	if o := tuiOptions(env, cn, true); o.SaveHistory != nil {
		t.Error("--no-history remembers")
	}
}

func TestTUIOptionsLive(t *testing.T) {
	t.Parallel()
	e := newCmdEnv(t, sim.Options{})
	e.setenv("CHARGEDESK_NO_HISTORY", "1")
	env := e.env(nil, nil)
	cn, err := connect(env, connFlags{apiURL: e.base, readOnly: true}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer cn.close()
	o := tuiOptions(env, cn, false)
	if m := o.Mode; m.Demo || !m.ReadOnly || m.Host != strings.TrimPrefix(e.srv.URL, "http://") || o.Query != nil {
		t.Errorf("mode %+v, query %+v", m, o.Query)
	}
	if o.SaveHistory != nil {
		t.Error("CHARGEDESK_NO_HISTORY=1 remembers")
	}
	if _, err := o.Client.Usage(t.Context()); err != nil {
		t.Errorf("the client does not reach the API: %v", err)
	}
	if cn.redact("x "+cmdKey) != "x "+api.MaskKey(cmdKey) {
		t.Errorf("the key is not masked: %q", cn.redact(cmdKey))
	}
}
