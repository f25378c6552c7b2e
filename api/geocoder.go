package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/go-resty/resty/v2"

	"github.com/petitmonde/chargedesk/model"
)

// GeocoderTimeout is how long an address lookup may take before the
// offline answer is used: the driver is on the phone.
const GeocoderTimeout = 2 * time.Second

// maxGeocoderBody bounds a geocoder's answer (a handful of places).
const maxGeocoderBody = 1 << 20

// Geocoder asks an online geocoder with the Nominatim search API for the
// addresses the embedded gazetteer cannot know (a street and number). It is
// off unless a profile names one (geocoder_url): a driver's address leaves
// the machine only when the agent's organisation chose that. It sends the
// typed text and nothing else: never the API key.
type Geocoder struct {
	host string
	http *resty.Client
}

// GeocoderConfig says which geocoder to ask and how.
type GeocoderConfig struct {
	// URL is the Nominatim base URL, such as https://nominatim.example.org
	// (its /search answers). Plain http is accepted: no secret travels.
	URL       string
	UserAgent string
	Timeout   time.Duration // 0 is GeocoderTimeout
	Transport http.RoundTripper
}

// NewGeocoder returns a geocoder for cfg.
func NewGeocoder(cfg GeocoderConfig) (*Geocoder, error) {
	u, err := url.Parse(strings.TrimRight(cfg.URL, "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("geocoder_url %q is not an http(s) URL", cfg.URL)
	}
	if cfg.UserAgent == "" {
		cfg.UserAgent = "chargedesk"
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = GeocoderTimeout
	}
	rc := resty.New().
		SetBaseURL(u.String()).
		SetTimeout(cfg.Timeout).
		SetRetryCount(0). // the offline answer is the fallback, not a retry
		SetHeader("Accept", "application/json").
		SetHeader("Accept-Language", "de").
		SetHeader("User-Agent", cfg.UserAgent). // Nominatim's usage policy asks for one
		SetLogger(quietLogger{}).
		SetResponseBodyLimit(maxGeocoderBody).
		SetRedirectPolicy(resty.RedirectPolicyFunc(func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }))
	if cfg.Transport != nil {
		rc.SetTransport(cfg.Transport)
	}
	return &Geocoder{host: u.Host, http: rc}, nil
}

// Host names the geocoder on screen ("found by nominatim.example.org").
func (g *Geocoder) Host() string { return g.host }

// nominatimPlace is one answer of Nominatim's /search (format=jsonv2).
type nominatimPlace struct {
	Lat         string `json:"lat"`
	Lon         string `json:"lon"`
	DisplayName string `json:"display_name"`
	Name        string `json:"name"`
	Category    string `json:"category"`
	Type        string `json:"type"`
	Address     struct {
		Road        string `json:"road"`
		HouseNumber string `json:"house_number"`
		Postcode    string `json:"postcode"`
		City        string `json:"city"`
		Town        string `json:"town"`
		Village     string `json:"village"`
		State       string `json:"state"`
		CountryCode string `json:"country_code"`
	} `json:"address"`
}

// ErrGeocoderNothing: the geocoder answered and found nothing in Germany.
var ErrGeocoderNothing = errors.New("the geocoder found nothing in Germany for that text")

// Search asks for text and returns the places in Germany it names, best
// first, each with Input set to text and Source to the geocoder's host.
// A slow or broken geocoder returns an error within GeocoderTimeout.
func (g *Geocoder) Search(ctx context.Context, text string) ([]model.Place, error) {
	var raw []nominatimPlace
	resp, err := g.http.R().SetContext(ctx).
		SetQueryParams(map[string]string{"q": text, "format": "jsonv2", "addressdetails": "1", "limit": "5", "countrycodes": "de"}).
		Get("/search")
	if err != nil {
		return nil, fmt.Errorf("geocoder %s: %w", g.host, err)
	}
	if resp.StatusCode() != http.StatusOK {
		return nil, fmt.Errorf("geocoder %s answered %d", g.host, resp.StatusCode())
	}
	if err := json.Unmarshal(resp.Body(), &raw); err != nil {
		return nil, fmt.Errorf("geocoder %s: not a Nominatim answer (%v)", g.host, err)
	}
	var out []model.Place
	for _, r := range raw {
		p, ok := g.place(r, text)
		if ok {
			out = append(out, p)
		}
	}
	if len(out) == 0 {
		return nil, ErrGeocoderNothing
	}
	return out, nil
}

// place turns one answer into a Place: its text cleaned for the terminal,
// its coordinates checked, only places in Germany (the API covers no other).
func (g *Geocoder) place(r nominatimPlace, text string) (model.Place, bool) {
	lat, err1 := strconv.ParseFloat(strings.TrimSpace(r.Lat), 64)
	lng, err2 := strconv.ParseFloat(strings.TrimSpace(r.Lon), 64)
	if err1 != nil || err2 != nil || model.ValidateLat(lat) != "" || model.ValidateLng(lng) != "" {
		return model.Place{}, false
	}
	a := r.Address
	if a.CountryCode != "" && !strings.EqualFold(a.CountryCode, "de") {
		return model.Place{}, false
	}
	town := a.Village
	switch {
	case a.City != "":
		town = a.City
	case a.Town != "":
		town = a.Town
	}
	name := model.JoinNonEmpty(", ", strings.TrimSpace(a.Road+" "+a.HouseNumber), strings.TrimSpace(a.Postcode+" "+town))
	if name == "" {
		name = r.DisplayName
	}
	kind := "address"
	if a.Road == "" {
		kind = r.Type
	}
	p := model.Place{
		Name: model.SanitizeLine(name), Kind: model.SanitizeLine(kind), Region: model.SanitizeLine(a.State),
		Lat: lat, Lng: lng, Named: true, Source: g.host, Input: text,
	}
	if p.Name == "" {
		return model.Place{}, false
	}
	return p, true
}
