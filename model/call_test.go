package model_test

import (
	"testing"

	"github.com/petitmonde/chargedesk/model"
)

// The call's line says the need as the agent entered it, and the token
// once it is given.
func TestCallSummary(t *testing.T) {
	c := model.Call{
		Search: model.SearchInput{Place: "Würzburg Hbf", Connector: "IEC_62196_T2", PowerMin: "11", From: "jetzt", Length: "45"},
		Need:   model.Need{Connector: model.T2, PowerMinKW: 11},
	}
	if got, want := c.Summary(), "Würzburg Hbf · Type 2 ≥ 11 kW · jetzt for 45 min"; got != want {
		t.Errorf("%q, want %q", got, want)
	}
	c.Token = model.Booking{TokenStrategy: model.DriverToken}
	if c.HasToken() || c.Summary() != "Würzburg Hbf · Type 2 ≥ 11 kW · jetzt for 45 min" {
		t.Errorf("an empty token shown: %q", c.Summary())
	}
	c.Token.CustomerID = "cust_2201"
	if got, want := c.Summary(), "Würzburg Hbf · Type 2 ≥ 11 kW · jetzt for 45 min · cust_2201"; got != want {
		t.Errorf("%q, want %q", got, want)
	}
	for tok, want := range map[model.Booking]string{
		{TokenStrategy: model.DriverToken, TokenID: "tok_9c"}:    "token tok_9c",
		{TokenStrategy: model.GroupToken, FleetGroupID: "FG-12"}: "group FG-12",
		{TokenStrategy: model.AdHoc}:                             "ad_hoc",
	} {
		c := model.Call{Search: model.SearchInput{Place: "28195"}, Token: tok}
		if got := c.Summary(); got != "28195 · any plug · "+want {
			t.Errorf("%+v: %q", tok, got)
		}
	}
	c = model.Call{Search: model.SearchInput{Place: "Garmisch", From: "in 1 h"}, Need: model.Need{Connector: model.CHAdeMO}}
	if got := c.Summary(); got != "Garmisch · CHAdeMO · in 1 h for 1 h" {
		t.Errorf("%q", got)
	}
	c.Booked = []string{"b1"}
	if !c.Made("b1") || c.Made("b2") {
		t.Error("Made")
	}
}
