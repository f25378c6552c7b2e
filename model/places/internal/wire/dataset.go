package wire

// Dataset is the place data as the generator reads it from the sources,
// before it is indexed.
type Dataset struct {
	Mask      Mask
	States    []string // what State fields index
	Districts []string // what District fields index
	Towns     []Town
	Postal    []Postal
	Stations  []Station
}

// Point is a position in 1e-5 degrees (about a metre).
type Point struct{ Lat, Lng int32 }

// Town is a populated place: a GeoNames place, or a locality that only the
// postal data names (Feature "").
type Town struct {
	Name       string   // the German name shown
	Names      []string // its other German spellings (GeoNames', the postal data's)
	Alts       []string // other names in Latin script (exonyms such as Munich, old names)
	Feature    string   // GeoNames feature code: PPL, PPLA…PPLA4, PPLC, PPLX (a city district)
	State      int
	District   int
	Population int
	Postal     int // the postal code nearest its centre, or -1
	At         Point
}

// Postal is one postal code.
type Postal struct {
	Code     int   // 60329
	Towns    []int // the places it serves (Towns indexes), the main one, the biggest, first
	State    int
	District int
	At       Point // the main place's postal position
}

// Station is a railway station.
type Station struct {
	Name     string // as DB writes it: "Frankfurt (Main) Hbf"
	City     string // the city of its address
	Weight   int    // DB's size indicator, in tenths
	State    int
	District int
	Postal   int // the postal code of its address, or -1
	At       Point
}
