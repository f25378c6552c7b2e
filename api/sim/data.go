package sim

import (
	"math"
	"math/rand/v2"
	"strconv"
	"strings"

	"github.com/petitmonde/chargedesk/model"
)

// CPO is a charge point operator of the simulated network.
type CPO struct {
	Name    string // e.g. "EnBW"
	PartyID string // OCPI party id, e.g. "ENB"
}

type cpoProfile struct {
	CPO
	weight    int     // relative share of the generated locations
	dcShare   float64 // share of DC (fast) sites
	noReserve float64 // share of search-only sites (supports_reservation false)
}

// The operators, in the order cpo_results lists them.
var cpoProfiles = []cpoProfile{
	{CPO{"EnBW", "ENB"}, 18, 0.85, 0.10},
	{CPO{"IONITY", "ION"}, 10, 1, 0.10},
	{CPO{"Allego", "ALG"}, 12, 0.6, 0.12},
	{CPO{"Aral pulse", "ARL"}, 10, 1, 0.12},
	{CPO{"Shell Recharge", "SHL"}, 10, 0.7, 0.15},
	{CPO{"EWE Go", "EWG"}, 8, 0.55, 0.15},
	{CPO{"E.ON Drive", "EON"}, 12, 0.55, 0.15},
	{CPO{"Fastned", "FST"}, 8, 1, 0.10},
	{CPO{"Tesla", "TSL"}, 6, 1, 0.45},
}

// CPOs lists the operators of the simulated network (the same for every seed).
func CPOs() []CPO {
	out := make([]CPO, len(cpoProfiles))
	for i, p := range cpoProfiles {
		out[i] = p.CPO
	}
	return out
}

var streets = []string{
	"Hauptstraße", "Bahnhofstraße", "Industriestraße", "Gewerbering", "Lindenallee", "Schillerstraße",
	"Goethestraße", "Ringstraße", "Am Messesee", "Friedrichstraße", "Kirchweg", "Gartenstraße",
	"Dieselstraße", "Daimlerstraße", "Robert-Bosch-Straße", "Siemensstraße", "Mozartstraße",
	"Poststraße", "Am Autohof", "Europaallee", "Kastanienweg", "Marktplatz", "Rathausstraße",
	"Parkstraße", "Landstraße", "Otto-Hahn-Straße", "Max-Planck-Straße", "Berliner Allee",
}

var compass = []string{"Nord", "Süd", "Ost", "West"}

// Generation parameters.
const (
	pricingCurrency   = "EUR"
	countryCode       = "DEU"
	fixedExampleEVSEs = 4
)

// FlagshipLocationID is the fixed location next to Marienplatz, Munich, that
// every seed contains: the closest result of the guide's example search
// (48.1351, 11.5820, CCS, ≥ 50 kW), reservable, its EVSEs 1 and 2 AVAILABLE
// with 300 kW CCS. It is also the id the provider's docs use in examples.
const FlagshipLocationID = "DE-ENB-E123456"

// The other ids the provider's docs use in examples; both exist in every seed
// (Berlin and Hamburg), reservable, EVSE 1 AVAILABLE.
const (
	ExampleLocationBerlin  = "DE-ALG-E456789"
	ExampleLocationHamburg = "DE-ALG-E999888"
)

type gen struct {
	rng  *rand.Rand
	used map[string]bool
}

func (g *gen) pick(list []string) string { return list[g.rng.IntN(len(list))] }

func (g *gen) between(lo, hi float64) float64 { return lo + g.rng.Float64()*(hi-lo) }

func round2(v float64) float64 { return math.Round(v*100) / 100 }

func round6(v float64) float64 { return math.Round(v*1e6) / 1e6 }

func (g *gen) newID(party string) string {
	for {
		id := "DE-" + party + "-E" + strconv.Itoa(100000+g.rng.IntN(900000)) // six digits
		if !g.used[id] {
			g.used[id] = true
			return id
		}
	}
}

// evseUID turns DE-ENB-E123456 and n into DE*ENB*E123456*n.
func evseUID(locationID string, n int) string {
	return strings.ReplaceAll(locationID, "-", "*") + "*" + strconv.Itoa(n)
}

func (g *gen) pickCPO() cpoProfile {
	total := 0
	for _, p := range cpoProfiles {
		total += p.weight
	}
	n := g.rng.IntN(total)
	for _, p := range cpoProfiles {
		if n < p.weight {
			return p
		}
		n -= p.weight
	}
	return cpoProfiles[0]
}

// evseStatus draws an OCPI status: mostly AVAILABLE, the others sprinkled.
func (g *gen) evseStatus() model.EVSEStatus {
	n := g.rng.IntN(100)
	switch {
	case n < 65:
		return model.EVSEAvailable
	case n < 79:
		return model.EVSECharging
	case n < 83:
		return model.EVSEReserved
	case n < 87:
		return model.EVSEOutOfOrder
	case n < 90:
		return model.EVSEInoperative
	case n < 93:
		return model.EVSEBlocked
	case n < 96:
		return model.EVSEPlanned
	default:
		return model.EVSEUnknown
	}
}

func dcConnector(id int, t model.ConnectorType, kw float64) model.Connector {
	return model.Connector{ConnectorID: strconv.Itoa(id), ConnectorType: t, PowerKW: kw, PowerType: model.DC}
}

func acConnector(id int, t model.ConnectorType, kw float64) model.Connector {
	pt := model.AC3Phase
	if t == model.Domestic {
		pt = model.AC1Phase
	}
	return model.Connector{ConnectorID: strconv.Itoa(id), ConnectorType: t, PowerKW: kw, PowerType: pt}
}

// dcEVSE draws the connectors of a fast charger of the operator.
func (g *gen) dcConnectors(party string) []model.Connector {
	var kw float64
	switch party {
	case "ION":
		kw = []float64{350, 350, 300}[g.rng.IntN(3)]
	case "FST":
		kw = []float64{300, 150, 300}[g.rng.IntN(3)]
	case "ARL":
		kw = []float64{150, 300, 300}[g.rng.IntN(3)]
	case "TSL":
		kw = 250
	case "ENB":
		kw = []float64{150, 300, 150, 50}[g.rng.IntN(4)]
	default:
		kw = []float64{50, 75, 150, 150, 50}[g.rng.IntN(5)]
	}
	cs := []model.Connector{dcConnector(1, model.CCS2, kw)}
	switch {
	case party == "TSL":
		if g.rng.IntN(3) == 0 {
			cs = append(cs, dcConnector(2, model.TeslaS, 150))
		}
	case kw <= 150 && g.rng.IntN(4) == 0:
		cs = append(cs, dcConnector(len(cs)+1, model.CHAdeMO, 50))
		if g.rng.IntN(3) == 0 {
			cs = append(cs, acConnector(len(cs)+1, model.T2, 43))
		}
	}
	return cs
}

func (g *gen) acConnectors() []model.Connector {
	kw := []float64{11, 22, 22}[g.rng.IntN(3)]
	cs := []model.Connector{acConnector(1, model.T2, kw)}
	switch g.rng.IntN(6) {
	case 0:
		cs = append(cs, acConnector(2, model.Domestic, 3.7))
	case 1:
		cs = append(cs, acConnector(2, model.T2, kw))
	}
	return cs
}

func (g *gen) name(p cpoProfile, dc bool, place, street string) string {
	switch p.PartyID {
	case "ENB":
		if !dc {
			return "EnBW Ladestation " + place
		}
		return []string{"EnBW Schnellladepark ", "EnBW HyperNetz "}[g.rng.IntN(2)] + place
	case "ION":
		return "IONITY " + place + " " + g.pick(compass)
	case "ALG":
		if g.rng.IntN(2) == 0 {
			return "Allego Ladepunkt " + street
		}
		return "Allego " + place
	case "ARL":
		return "Aral pulse Tankstelle " + street
	case "SHL":
		return "Shell Recharge " + place
	case "EWG":
		return "EWE Go Ladepark " + place
	case "EON":
		return "E.ON Drive " + place
	case "FST":
		return "Fastned Schnellladestation " + place
	case "TSL":
		return "Tesla Supercharger " + place
	}
	return p.Name + " " + place
}

// flagship is the fixed, always bookable EnBW park next to Marienplatz.
func (g *gen) flagship() model.Location {
	id := FlagshipLocationID
	loc := model.Location{
		LocationID:          id,
		Name:                "EnBW Schnellladepark Marienplatz",
		CPOName:             "EnBW",
		CPOPartyID:          "ENB",
		SupportsReservation: true,
		Address:             "Marienplatz 8",
		City:                "München",
		PostalCode:          "80331",
		Country:             countryCode,
		Coordinates:         &model.Coordinates{Latitude: 48.1372, Longitude: 11.5761},
	}
	for k := 1; k <= 6; k++ {
		e := model.EVSE{EVSEUID: evseUID(id, k), Status: g.evseStatus()}
		if k <= 2 {
			e.Status = model.EVSEAvailable
		}
		if k <= 4 {
			e.Connectors = []model.Connector{dcConnector(1, model.CCS2, 300)}
		} else {
			e.Connectors = []model.Connector{dcConnector(1, model.CCS2, 150), dcConnector(2, model.CHAdeMO, 50)}
		}
		loc.EVSEs = append(loc.EVSEs, e)
	}
	price := round2(g.between(18, 26))
	loc.Pricing = &model.Pricing{EstimatedPrice: &price, Currency: pricingCurrency}
	return loc
}

// example builds one of the fixed Allego locations of the docs' examples.
func (g *gen) example(id, name, address, plz, city string, lat, lng float64) model.Location {
	loc := model.Location{
		LocationID: id, Name: name, CPOName: "Allego", CPOPartyID: "ALG", SupportsReservation: true,
		Address: address, City: city, PostalCode: plz, Country: countryCode,
		Coordinates: &model.Coordinates{Latitude: lat, Longitude: lng},
	}
	for k := 1; k <= fixedExampleEVSEs; k++ {
		e := model.EVSE{EVSEUID: evseUID(id, k), Status: g.evseStatus(), Connectors: g.dcConnectors("ALG")}
		if k == 1 {
			e.Status = model.EVSEAvailable
		}
		loc.EVSEs = append(loc.EVSEs, e)
	}
	price := round2(g.between(14, 30))
	loc.Pricing = &model.Pricing{EstimatedPrice: &price, Currency: pricingCurrency}
	return loc
}

// copyLocation is a deep copy, so callers cannot change the data set.
func copyLocation(l model.Location) model.Location {
	c := l
	if l.Coordinates != nil {
		co := *l.Coordinates
		c.Coordinates = &co
	}
	if l.Pricing != nil {
		p := *l.Pricing
		if l.Pricing.EstimatedPrice != nil {
			v := *l.Pricing.EstimatedPrice
			p.EstimatedPrice = &v
		}
		c.Pricing = &p
	}
	c.EVSEs = make([]model.EVSE, len(l.EVSEs))
	for i, e := range l.EVSEs {
		e.Connectors = append([]model.Connector(nil), e.Connectors...)
		c.EVSEs[i] = e
	}
	return c
}
