package sim

import (
	"container/heap"
	"time"

	"github.com/petitmonde/chargedesk/model"
)

// bookingStore holds every booking (record) and the indexes that let a
// request touch only the bookings it is about, whatever the history:
//   - by id, for GET and cancel;
//   - per owner (API key), in creation order with a count of each status,
//     so a page of GET /bookings costs O(log n + limit) (store_owner.go);
//   - per EVSE, for the overlap check of creates and windowed searches;
//   - per (owner, external_id), for look-ups by the client's own reference;
//   - the statuses, kept as of one time and moved along as their scheduled
//     transitions fall due (store_status.go).
//
// Server.mu guards it, like the rest of the simulator's state.
type bookingStore struct {
	all    []*record // in creation order (seq)
	byID   map[string]*record
	owners map[string]*ownerBookings
	byEVSE map[string][]*record      // in creation order
	byExt  map[externalRef][]*record // in creation order

	due  dueHeap   // the records with a transition still to come, soonest first
	asOf time.Time // every record's slot.status is its status at this time
}

// externalRef is a client's reference to a booking: its key and external_id.
// external_id need not be unique; a reference may name several bookings.
type externalRef struct{ owner, externalID string }

// slot is a record's place in the store's indexes.
type slot struct {
	pos    int          // in its owner's records
	status model.Status // as of bookingStore.asOf
	next   int          // its first event after asOf; len(events) when none is left
	heap   int          // in bookingStore.due; -1 when not there
}

func newBookingStore() bookingStore {
	return bookingStore{
		byID:   map[string]*record{},
		owners: map[string]*ownerBookings{},
		byEVSE: map[string][]*record{},
		byExt:  map[externalRef][]*record{},
	}
}

// add stores a new record, with its status as of asOf.
func (st *bookingStore) add(r *record) {
	st.all = append(st.all, r)
	st.byID[r.base.ID] = r
	st.byEVSE[r.base.EVSEUID] = append(st.byEVSE[r.base.EVSEUID], r)
	if ext := r.base.ExternalID; ext != "" {
		ref := externalRef{r.owner, ext}
		st.byExt[ref] = append(st.byExt[ref], r)
	}
	r.ix = slot{heap: -1}
	r.ix.status, r.ix.next = r.statusAt(st.asOf)
	st.owner(r.owner).insert(r)
	if r.ix.next < len(r.events) {
		heap.Push(&st.due, r)
	}
}

// owner returns the key's records, created empty on first use.
func (st *bookingStore) owner(key string) *ownerBookings {
	o := st.owners[key]
	if o == nil {
		o = &ownerBookings{byStatus: map[model.Status]*fenwick{}}
		st.owners[key] = o
	}
	return o
}

// onEVSE returns the records of one EVSE, of every key, in creation order.
func (st *bookingStore) onEVSE(evseUID string) []*record { return st.byEVSE[evseUID] }

// withExternalID returns the key's records with that external_id, in
// creation order.
func (st *bookingStore) withExternalID(key, externalID string) []*record {
	return st.byExt[externalRef{key, externalID}]
}
