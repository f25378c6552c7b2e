package model

import "strings"

// HistorySize is how many recent entries of each kind are kept.
const HistorySize = 10

// History is what chargedesk remembers between sessions to offer first:
// recently used places and customer ids. Nothing secret belongs here.
type History struct {
	Places    []string `json:"places,omitempty"`
	Customers []string `json:"customers,omitempty"`
}

// AddPlace puts a place first (once).
func (h *History) AddPlace(p string) { h.Places = pushFront(h.Places, p) }

// AddCustomer puts a customer id first (once).
func (h *History) AddCustomer(c string) { h.Customers = pushFront(h.Customers, c) }

func pushFront(list []string, v string) []string {
	v = strings.TrimSpace(v)
	if v == "" {
		return list
	}
	out := []string{v}
	for _, x := range list {
		if !strings.EqualFold(x, v) && len(out) < HistorySize {
			out = append(out, x)
		}
	}
	return out
}
