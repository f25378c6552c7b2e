package model

import "strings"

// ConnectorType is an OCPI 2.2.1 ConnectorType name. Unknown values are kept.
type ConnectorType string

// The connector types the API's glossary calls common.
const (
	T2       ConnectorType = "IEC_62196_T2"
	CCS2     ConnectorType = "IEC_62196_T2_COMBO"
	CHAdeMO  ConnectorType = "CHADEMO"
	CCS1     ConnectorType = "IEC_62196_T1_COMBO"
	TeslaS   ConnectorType = "TESLA_S"
	Domestic ConnectorType = "DOMESTIC_F"
)

// CommonConnectorTypes are offered first in forms, in this order.
var CommonConnectorTypes = []ConnectorType{CCS2, T2, CHAdeMO, CCS1, TeslaS}

// AllConnectorTypes is the full OCPI list, as the contract's enum spells it.
var AllConnectorTypes = []ConnectorType{
	"IEC_62196_T2", "IEC_62196_T2_COMBO", "CHADEMO", "IEC_62196_T1_COMBO", "TESLA_S", "CHAOJI",
	"DOMESTIC_A", "DOMESTIC_B", "DOMESTIC_C", "DOMESTIC_D", "DOMESTIC_E", "DOMESTIC_F", "DOMESTIC_G",
	"DOMESTIC_H", "DOMESTIC_I", "DOMESTIC_J", "DOMESTIC_K", "DOMESTIC_L", "DOMESTIC_M", "DOMESTIC_N",
	"DOMESTIC_O", "GBT_AC", "GBT_DC", "IEC_60309_2_single_16", "IEC_60309_2_three_16",
	"IEC_60309_2_three_32", "IEC_60309_2_three_64", "IEC_62196_T1", "IEC_62196_T3A", "IEC_62196_T3C",
	"NEMA_5_20", "NEMA_6_30", "NEMA_6_50", "NEMA_10_30", "NEMA_10_50", "NEMA_14_30", "NEMA_14_50",
	"PANTOGRAPH_BOTTOM_UP", "PANTOGRAPH_TOP_DOWN", "TESLA_R",
}

var connectorLabels = map[ConnectorType]string{
	"IEC_62196_T2":         "Type 2",
	"IEC_62196_T2_COMBO":   "CCS (Type 2 Combo)",
	"CHADEMO":              "CHAdeMO",
	"IEC_62196_T1_COMBO":   "CCS1 (Type 1 Combo)",
	"TESLA_S":              "Tesla (Model S/X)",
	"TESLA_R":              "Tesla Roadster",
	"CHAOJI":               "ChaoJi",
	"IEC_62196_T1":         "Type 1",
	"IEC_62196_T3A":        "Type 3A",
	"IEC_62196_T3C":        "Type 3C",
	"DOMESTIC_F":           "Schuko",
	"GBT_AC":               "GB/T AC",
	"GBT_DC":               "GB/T DC",
	"PANTOGRAPH_BOTTOM_UP": "Pantograph (bottom up)",
	"PANTOGRAPH_TOP_DOWN":  "Pantograph (top down)",
}

var connectorShort = map[ConnectorType]string{
	"IEC_62196_T2": "T2", "IEC_62196_T2_COMBO": "CCS", "CHADEMO": "CHA",
	"IEC_62196_T1_COMBO": "CCS1", "TESLA_S": "TSL", "DOMESTIC_F": "SCH", "IEC_62196_T1": "T1",
}

// Label is the name a person knows the plug by.
func (c ConnectorType) Label() string {
	if l, ok := connectorLabels[c]; ok {
		return l
	}
	return string(c)
}

// Short is a 2–4 letter abbreviation for dense tables.
func (c ConnectorType) Short() string {
	if s, ok := connectorShort[c]; ok {
		return s
	}
	return string(c)
}

// Known tells whether the type is in the OCPI list.
func (c ConnectorType) Known() bool {
	for _, k := range AllConnectorTypes {
		if k == c {
			return true
		}
	}
	return false
}

// Names are what a person may call the plug: its label, its short name,
// its OCPI name, and the German label ("Typ 2").
func (c ConnectorType) Names() []string {
	names := []string{c.Label(), c.Short(), string(c)}
	if de := strings.Replace(c.Label(), "Type ", "Typ ", 1); de != c.Label() {
		names = append(names, de)
	}
	return names
}
