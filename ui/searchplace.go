package ui

import (
	"context"
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/petitmonde/chargedesk/api"
	"github.com/petitmonde/chargedesk/model"
	"github.com/petitmonde/chargedesk/model/places"
)

// This file is the search form's place field beyond typing: the list of
// places under it, and the online geocoder for street addresses.

type (
	// placesLoadedMsg: the gazetteer is decoded; place hints may be shown.
	placesLoadedMsg struct{}
	// geocodedMsg answers a geocoder lookup of text.
	geocodedMsg struct {
		text   string
		places []model.Place
		err    error
	}
)

// preloadPlacesCmd decodes the gazetteer off the event loop, so that the
// first key in the place field does not wait for it.
func preloadPlacesCmd() tea.Msg {
	places.Preload()
	return placesLoadedMsg{}
}

// placeSuggestions is the list under the place field: recent places that
// start with the text, then the gazetteer's matches (their labels resolve
// to them); for coordinates that look swapped, the pair swapped.
func (s *searchScreen) placeSuggestions(typed string) []suggestion {
	if !s.d.placesReady() {
		return nil
	}
	if p, err := model.ResolvePlace(typed); err == nil && !p.Named {
		if p.Swapped {
			sw := p.Swap()
			return []suggestion{{value: sw.Name, note: "swapped: in Germany"}}
		}
		return nil
	}
	var out []suggestion
	seen := map[string]bool{}
	fold := strings.ToLower(strings.TrimSpace(typed))
	for _, h := range s.d.recentPlaces() {
		if strings.HasPrefix(strings.ToLower(h), fold) && !strings.EqualFold(h, typed) && len(out) < 3 {
			out = append(out, suggestion{value: h, note: "recent"})
			seen[h] = true
		}
	}
	for _, p := range model.SuggestPlaces(typed, places.MaxSuggestions) {
		if seen[p.Label] {
			continue
		}
		out = append(out, suggestion{value: p.Label, note: placeNote(p)})
	}
	if len(out) == 1 && out[0].value == typed {
		return nil // what is typed is the one place: nothing to choose
	}
	return out
}

// placeNote tells a suggestion apart: what kind of place, and where.
func placeNote(p model.Place) string {
	if p.Kind == "town" || p.Kind == "district" {
		return fmt.Sprintf("%.2f, %.2f", p.Lat, p.Lng)
	}
	return p.Kind
}

// geocode starts an online lookup of the place text when a geocoder is
// configured, the gazetteer does not know the text (or its street), and
// the geocoder has not answered or failed for it already; nil otherwise.
func (s *searchScreen) geocode() tea.Cmd {
	g := s.d.geocoder()
	text := s.form.byName("place").value()
	switch {
	case g == nil || text == "" || s.geocoding == text || text == s.geoFailedFor:
		return nil
	case s.found != nil && s.found.Input == text:
		return nil
	case !model.WantsGeocoder(text):
		return nil
	}
	if s.geoCancel != nil {
		s.geoCancel()
	}
	ctx, cancel := context.WithTimeout(context.Background(), api.GeocoderTimeout)
	s.geoCancel, s.geocoding, s.geoNote = cancel, text, ""
	return func() tea.Msg {
		defer cancel()
		ps, err := g.Search(ctx, text)
		return geocodedMsg{text: text, places: ps, err: err}
	}
}

// geocoded takes the geocoder's answer and goes on with the search: with
// the address it found, or, when it failed, with the offline answer.
func (s *searchScreen) geocoded(msg geocodedMsg) tea.Cmd {
	if msg.text != s.geocoding {
		return nil // the agent has typed on
	}
	s.geocoding = ""
	host := s.d.geocoder().Host()
	if msg.err != nil {
		s.geoFailedFor = msg.text
		s.geoNote = model.SanitizeLine(msg.err.Error()) + " — the offline answer is used"
	} else {
		p := msg.places[0]
		s.found = &p
		s.geoNote = "address found by " + host
	}
	if s.form.byName("place").value() != msg.text {
		return nil
	}
	return s.submit()
}
