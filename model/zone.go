package model

import (
	"time"
	_ "time/tzdata" // Europe/Berlin even on machines without a zoneinfo database
)

// Berlin is the drivers' time zone: every time a person reads or types is in
// it. It is loaded once (from the embedded database when the system has none).
var Berlin = func() *time.Location {
	z, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		return time.UTC
	}
	return z
}()
