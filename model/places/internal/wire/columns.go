package wire

// The three record sections, each written as columns (see the package doc).

const (
	tName = iota
	tNames
	tAlts
	tFeature
	tState
	tDistrict
	tPopulation
	tPostal
	tLat
	tLng
	tColumns
)

func encodeTowns(ts []Town) []byte {
	c := make([]enc, tColumns)
	var prev Point
	for _, t := range ts {
		c[tName].str(t.Name)
		c[tNames].strs(t.Names)
		c[tAlts].strs(t.Alts)
		c[tFeature].str(t.Feature)
		c[tState].uint(t.State)
		c[tDistrict].uint(t.District)
		c[tPopulation].uint(t.Population)
		c[tPostal].uint(t.Postal + 1)
		c[tLat].int(int(t.At.Lat - prev.Lat))
		c[tLng].int(int(t.At.Lng - prev.Lng))
		prev = t.At
	}
	return section(len(ts), c)
}

func decodeTowns(d *dec) []Town {
	n, c := d.section(tColumns)
	ts := make([]Town, n)
	var at Point
	for i := range ts {
		at.Lat += int32(c[tLat].int())
		at.Lng += int32(c[tLng].int())
		ts[i] = Town{
			Name: c[tName].str(), Names: c[tNames].strs(), Alts: c[tAlts].strs(),
			Feature: c[tFeature].str(), State: c[tState].uint(), District: c[tDistrict].uint(),
			Population: c[tPopulation].uint(), Postal: c[tPostal].uint() - 1, At: at,
		}
	}
	return ts
}

const (
	pCode = iota
	pTowns
	pState
	pDistrict
	pLat
	pLng
	pColumns
)

// encodePostal writes the codes as steps from the previous one: they are
// sorted, so most steps are one byte.
func encodePostal(ps []Postal) []byte {
	c := make([]enc, pColumns)
	var prev Point
	prevCode := 0
	for _, p := range ps {
		c[pCode].int(p.Code - prevCode)
		c[pTowns].ints(p.Towns)
		c[pState].uint(p.State)
		c[pDistrict].uint(p.District)
		c[pLat].int(int(p.At.Lat - prev.Lat))
		c[pLng].int(int(p.At.Lng - prev.Lng))
		prev, prevCode = p.At, p.Code
	}
	return section(len(ps), c)
}

func decodePostal(d *dec) []Postal {
	n, c := d.section(pColumns)
	ps := make([]Postal, n)
	var at Point
	code := 0
	for i := range ps {
		code += c[pCode].int()
		at.Lat += int32(c[pLat].int())
		at.Lng += int32(c[pLng].int())
		ps[i] = Postal{
			Code: code, Towns: c[pTowns].ints(),
			State: c[pState].uint(), District: c[pDistrict].uint(), At: at,
		}
	}
	return ps
}

const (
	sName = iota
	sCity
	sWeight
	sState
	sDistrict
	sPostal
	sLat
	sLng
	sColumns
)

func encodeStations(ss []Station) []byte {
	c := make([]enc, sColumns)
	var prev Point
	for _, s := range ss {
		c[sName].str(s.Name)
		c[sCity].str(s.City)
		c[sWeight].uint(s.Weight)
		c[sState].uint(s.State)
		c[sDistrict].uint(s.District)
		c[sPostal].uint(s.Postal + 1)
		c[sLat].int(int(s.At.Lat - prev.Lat))
		c[sLng].int(int(s.At.Lng - prev.Lng))
		prev = s.At
	}
	return section(len(ss), c)
}

func decodeStations(d *dec) []Station {
	n, c := d.section(sColumns)
	ss := make([]Station, n)
	var at Point
	for i := range ss {
		at.Lat += int32(c[sLat].int())
		at.Lng += int32(c[sLng].int())
		ss[i] = Station{
			Name: c[sName].str(), City: c[sCity].str(), Weight: c[sWeight].uint(),
			State: c[sState].uint(), District: c[sDistrict].uint(),
			Postal: c[sPostal].uint() - 1, At: at,
		}
	}
	return ss
}

// section is a record count followed by the columns.
func section(n int, cols []enc) []byte {
	var e enc
	e.uint(n)
	for _, c := range cols {
		e.blob(c.b)
	}
	return e.b
}
