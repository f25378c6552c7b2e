package model

import (
	"errors"
	"math"
	"regexp"
	"strconv"
	"strings"
)

// City is a named place with its centre coordinates.
type City struct {
	Name string
	Lat  float64
	Lng  float64
}

// Cities are the German city presets (city-centre coordinates), Munich first
// because the provider's guide searches there.
var Cities = []City{
	{"München", 48.1351, 11.5820},
	{"Berlin", 52.5200, 13.4050},
	{"Hamburg", 53.5511, 9.9937},
	{"Köln", 50.9375, 6.9603},
	{"Frankfurt am Main", 50.1109, 8.6821},
	{"Stuttgart", 48.7758, 9.1829},
	{"Düsseldorf", 51.2277, 6.7735},
	{"Leipzig", 51.3397, 12.3731},
	{"Dortmund", 51.5136, 7.4653},
	{"Nürnberg", 49.4521, 11.0767},
	{"Dresden", 51.0504, 13.7373},
	{"Hannover", 52.3759, 9.7320},
}

// DistanceKM is the great-circle distance between two points (haversine).
func DistanceKM(lat1, lng1, lat2, lng2 float64) float64 {
	const earthRadiusKM = 6371.0
	rad := math.Pi / 180
	dLat := (lat2 - lat1) * rad
	dLng := (lng2 - lng1) * rad
	a := math.Sin(dLat/2)*math.Sin(dLat/2) +
		math.Cos(lat1*rad)*math.Cos(lat2*rad)*math.Sin(dLng/2)*math.Sin(dLng/2)
	return 2 * earthRadiusKM * math.Asin(math.Min(1, math.Sqrt(a)))
}

var (
	errCoordForm = errors.New(`coordinates: expected "lat, lng" such as "48.1351, 11.5820"`)
	dmsPart      = regexp.MustCompile(`^(\d{1,3})[°\s]\s*(?:(\d{1,2}(?:[.,]\d+)?)['′\s]\s*(?:(\d{1,2}(?:[.,]\d+)?)(?:"|″|''|\s)?)?)?\s*([NSEWOnsewo])?$`)
	numRe        = regexp.MustCompile(`[-+]?\d+(?:\.\d+)?`)
)

// ParseCoordinates reads a point in the forms people paste: "48.1351, 11.5820",
// "48.1351 11.5820", "48.1351;11.5820", "48.1351° N, 11.5820° E",
// DMS such as 48°08'06.4"N 11°34'55.2"E, the German decimal comma
// "48,1351; 11,5820", map links with "@48.1351,11.5820" or "q=48.1351,11.5820",
// and geo: URIs (RFC 5870: "geo:48.1351,11.5820;u=35", with an altitude, or
// Android's "geo:0,0?q=48.1351,11.5820(Marienplatz)").
func ParseCoordinates(s string) (lat, lng float64, err error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, 0, errors.New("coordinates: empty")
	}
	if rest, ok := cutPrefixFold(s, "geo:"); ok {
		return parseGeoURI(rest)
	}
	if i := strings.Index(s, "@"); i >= 0 {
		// Map links: "@48.1351,11.5820,15z/data…": the pair is the first two fields.
		rest := s[i+1:]
		if parts := strings.SplitN(rest, ",", 3); len(parts) == 3 {
			rest = parts[0] + "," + parts[1]
		}
		return parsePair(rest)
	}
	for _, key := range []string{"q=", "query=", "ll=", "mlat="} {
		if i := strings.Index(s, key); i >= 0 {
			rest := s[i+len(key):]
			if key == "mlat=" {
				rest = strings.Replace(rest, "&mlon=", ",", 1)
			}
			return parsePair(rest)
		}
	}
	return parsePair(s)
}

// parseGeoURI reads what follows "geo:": the point, an optional altitude and
// parameters; a q= query with coordinates (Android) names the point when
// the path is 0,0.
func parseGeoURI(s string) (float64, float64, error) {
	path, query, _ := strings.Cut(s, "?")
	if i := strings.Index(query, "q="); i >= 0 {
		q := query[i+2:]
		if j := strings.IndexAny(q, "(&"); j >= 0 {
			q = q[:j]
		}
		if lat, lng, err := parsePair(strings.ReplaceAll(q, "%2C", ",")); err == nil {
			return lat, lng, nil
		}
	}
	if i := strings.Index(path, ";"); i >= 0 {
		path = path[:i] // ;crs=wgs84;u=35
	}
	parts := strings.Split(path, ",")
	if len(parts) < 2 || len(parts) > 3 {
		return 0, 0, errors.New(`coordinates: a geo: URI is "geo:LAT,LNG" such as "geo:48.1351,11.5820"`)
	}
	return parsePair(parts[0] + "," + parts[1])
}

func cutPrefixFold(s, prefix string) (string, bool) {
	if len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix) {
		return s[len(prefix):], true
	}
	return s, false
}

func parsePair(s string) (float64, float64, error) {
	s = strings.TrimSpace(s)
	// Cut anything after the pair in a link (",15z", "&z=12", "/data...").
	if i := strings.IndexAny(s, "&/?#"); i > 0 {
		s = s[:i]
	}
	a, b, ok := splitPair(s)
	if !ok {
		return 0, 0, errCoordForm
	}
	lat, latHemi, err := parseAngle(a)
	if err != nil {
		return 0, 0, err
	}
	lng, lngHemi, err := parseAngle(b)
	if err != nil {
		return 0, 0, err
	}
	// "11.58 E, 48.13 N" is given longitude first.
	if (latHemi == 'E' || latHemi == 'W') && (lngHemi == 'N' || lngHemi == 'S') {
		lat, lng = lng, lat
		latHemi, lngHemi = lngHemi, latHemi
	}
	if latHemi == 'E' || latHemi == 'W' || lngHemi == 'N' || lngHemi == 'S' {
		return 0, 0, errors.New("coordinates: latitude must be N/S and longitude E/W")
	}
	if m := ValidateLat(lat); m != "" {
		return 0, 0, errors.New(m)
	}
	if m := ValidateLng(lng); m != "" {
		return 0, 0, errors.New(m)
	}
	return lat, lng, nil
}

// splitPair separates the two halves of a coordinate pair.
func splitPair(s string) (string, string, bool) {
	if i := strings.Index(s, ";"); i >= 0 {
		return strings.TrimSpace(s[:i]), strings.TrimSpace(s[i+1:]), true
	}
	// One comma with a space after, or a lone comma between two dot-decimals.
	if strings.Count(s, ",") == 1 {
		i := strings.Index(s, ",")
		return strings.TrimSpace(s[:i]), strings.TrimSpace(s[i+1:]), true
	}
	if strings.Count(s, ",") == 3 { // 48,1351, 11,5820
		if i := strings.Index(s, ", "); i >= 0 {
			return strings.TrimSpace(s[:i]), strings.TrimSpace(s[i+2:]), true
		}
	}
	// Hemisphere letters split a DMS pair: 48°08'06.4"N 11°34'55.2"E
	if i := strings.IndexAny(s, "NSns"); i > 0 && i < len(s)-1 {
		return strings.TrimSpace(s[:i+1]), strings.TrimSpace(s[i+1:]), true
	}
	f := strings.Fields(s)
	switch {
	case len(f) == 2:
		return f[0], f[1], true
	case len(f) == 4 && isHemisphere(f[0]) && isHemisphere(f[2]): // N 48.1351 E 11.5820
		return f[0] + " " + f[1], f[2] + " " + f[3], true
	}
	return "", "", false
}

// parseAngle reads decimal degrees or degrees-minutes-seconds with an optional
// hemisphere letter (O is German for east).
func parseAngle(s string) (float64, byte, error) {
	s = strings.TrimSpace(s)
	var hemi byte
	if n := len(s); n > 0 {
		switch c := s[n-1]; c {
		case 'N', 'S', 'E', 'W', 'O', 'n', 's', 'e', 'w', 'o':
			hemi = upperHemi(c)
			s = strings.TrimSpace(s[:n-1])
		}
	}
	if n := len(s); n > 0 {
		switch c := s[0]; c {
		case 'N', 'S', 'E', 'W', 'O':
			if hemi == 0 {
				hemi = upperHemi(c)
			}
			s = strings.TrimSpace(s[1:])
		}
	}
	s = strings.TrimSuffix(strings.TrimSpace(s), "°")
	s = strings.ReplaceAll(s, ",", ".")
	var v float64
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		v = f
	} else {
		m := dmsPart.FindStringSubmatch(s)
		if m == nil || numRe.FindString(s) == "" {
			return 0, 0, errCoordForm
		}
		deg, _ := strconv.ParseFloat(m[1], 64)
		mins, _ := strconv.ParseFloat(strings.ReplaceAll(m[2], ",", "."), 64)
		secs, _ := strconv.ParseFloat(strings.ReplaceAll(m[3], ",", "."), 64)
		if mins >= 60 || secs >= 60 {
			return 0, 0, errors.New("coordinates: minutes and seconds must be below 60")
		}
		v = deg + mins/60 + secs/3600
		if m[4] != "" && hemi == 0 {
			hemi = upperHemi(m[4][0])
		}
	}
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, 0, errCoordForm
	}
	if hemi == 'S' || hemi == 'W' {
		v = -math.Abs(v)
	}
	return v, hemi, nil
}

func isHemisphere(s string) bool { return len(s) == 1 && strings.ContainsAny(s, "NSEWOnsewo") }

func upperHemi(c byte) byte {
	switch c {
	case 'n':
		return 'N'
	case 's':
		return 'S'
	case 'e', 'o', 'O':
		return 'E'
	case 'w':
		return 'W'
	}
	return c
}
