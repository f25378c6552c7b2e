package sim

import (
	"container/heap"
	"time"
)

// Statuses change over time by each record's schedule (record.at), and
// GET /bookings filters and counts by the status as of now. Computing every
// record's status per request is what made listing cost the whole history;
// instead the store keeps each record's status as of one time, asOf, and a
// min-heap of the records by their next scheduled transition. Each request
// first moves asOf to its now (syncTo), settling only the records whose
// transitions fell due in between, each in O(log n).
//
// The clock may go back (a ManualClock's Set or a negative Advance, a wall
// clock stepped back): the statuses kept are then ahead of now, and the
// heap cannot undo transitions. syncTo then recomputes every record's status
// at now, O(n log n): right answers over speed, for what should be rare.
//
// Whatever rewrites a record's events after it is stored (a client cancel,
// the CPO faults at create) must settle it.

// syncTo brings every record's status to now.
func (st *bookingStore) syncTo(now time.Time) {
	if now.Before(st.asOf) {
		st.recompute(now)
		return
	}
	st.asOf = now
	for len(st.due) > 0 && !st.due[0].nextAt().After(now) {
		st.settle(st.due[0])
	}
}

// settle brings r's status, next transition and place in the heap to asOf,
// after time moved on or r's schedule changed.
func (st *bookingStore) settle(r *record) {
	status, next := r.statusAt(st.asOf)
	if status != r.ix.status {
		st.owners[r.owner].move(r, status)
	}
	r.ix.next = next
	inHeap, due := r.ix.heap >= 0, next < len(r.events)
	switch {
	case inHeap && due:
		heap.Fix(&st.due, r.ix.heap)
	case due:
		heap.Push(&st.due, r)
	case inHeap:
		heap.Remove(&st.due, r.ix.heap)
	}
}

// recompute sets every record's status as of now from scratch, and rebuilds
// the heap and the counts.
func (st *bookingStore) recompute(now time.Time) {
	st.asOf = now
	clear(st.due)
	st.due = st.due[:0]
	for _, r := range st.all {
		r.ix.status, r.ix.next = r.statusAt(now)
		r.ix.heap = -1
		if r.ix.next < len(r.events) {
			r.ix.heap = len(st.due)
			st.due = append(st.due, r)
		}
	}
	heap.Init(&st.due)
	for _, o := range st.owners {
		o.recount()
	}
}

// nextAt is when r's next transition is due; r must have one.
func (r *record) nextAt() time.Time { return r.events[r.ix.next].at }

// dueHeap is a container/heap of records by their next transition (ties by
// seq); each record knows its index (slot.heap), for Fix and Remove.
type dueHeap []*record

func (h dueHeap) Len() int { return len(h) }

func (h dueHeap) Less(i, j int) bool {
	if a, b := h[i].nextAt(), h[j].nextAt(); !a.Equal(b) {
		return a.Before(b)
	}
	return h[i].seq < h[j].seq
}

func (h dueHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].ix.heap, h[j].ix.heap = i, j
}

func (h *dueHeap) Push(x any) {
	r := x.(*record)
	r.ix.heap = len(*h)
	*h = append(*h, r)
}

func (h *dueHeap) Pop() any {
	old := *h
	r := old[len(old)-1]
	old[len(old)-1] = nil
	*h = old[:len(old)-1]
	r.ix.heap = -1
	return r
}
