package gateway

import (
	"context"
	"sync"
)

// bookers is who made each booking made through the gateway, in memory:
// loaded from the store at the first read that needs it, kept up with
// every booking credited since, so that booked_by costs a read no query.
type bookers struct {
	mu   sync.RWMutex
	byID map[string]string // nil: not loaded yet
	// made are the bookings credited before the store's were loaded.
	made map[string]string
}

// of is who made booking id ("" when none did through the gateway), and
// whether the store could tell (a load that failed is tried again by the
// next read).
func (b *bookers) of(ctx context.Context, s *Store, id string) (string, error) {
	b.mu.RLock()
	byID := b.byID
	by, ok := byID[id]
	if !ok {
		by = b.made[id]
	}
	b.mu.RUnlock()
	if byID != nil {
		return by, nil
	}
	loaded, err := s.bookers(ctx)
	if err != nil {
		return by, err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.byID == nil {
		for k, v := range b.made {
			if _, ok := loaded[k]; !ok {
				loaded[k] = v
			}
		}
		b.byID, b.made = loaded, nil
	}
	return b.byID[id], nil
}

// credit records that agent made booking id; the first credit stays, as in
// the store.
func (b *bookers) credit(id, agent string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	m := b.byID
	if m == nil {
		if b.made == nil {
			b.made = map[string]string{}
		}
		m = b.made
	}
	if _, ok := m[id]; !ok {
		m[id] = agent
	}
}
