package sim

import (
	"slices"
	"sort"
	"time"

	"github.com/petitmonde/chargedesk/model"
)

// ownerBookings are one key's records in creation order — by created, ties
// by seq, which is also the order GET /bookings pages them in, newest
// first — and, per status, which of them have it (as of the store's asOf).
type ownerBookings struct {
	recs     []*record
	byStatus map[model.Status]*fenwick
}

// createdBefore is the owner's order: by created, ties by seq.
func createdBefore(a, b *record) bool {
	if !a.created.Equal(b.created) {
		return a.created.Before(b.created)
	}
	return a.seq < b.seq
}

// insert puts r (its slot.status set) in creation order: at the end, as
// records are created in time order, unless the clock went back since the
// owner's last create. Then the later records move up and the counts are
// rebuilt: O(n), as rare as the clock going back.
func (o *ownerBookings) insert(r *record) {
	i := len(o.recs)
	if i > 0 && createdBefore(r, o.recs[i-1]) {
		i = sort.Search(len(o.recs), func(j int) bool { return createdBefore(r, o.recs[j]) })
	}
	o.recs = slices.Insert(o.recs, i, r)
	if i == len(o.recs)-1 {
		r.ix.pos = i
		o.tree(r.ix.status).add(i, 1)
		return
	}
	for j := i; j < len(o.recs); j++ {
		o.recs[j].ix.pos = j
	}
	o.recount()
}

// tree returns the count of one status, created empty on first use.
func (o *ownerBookings) tree(st model.Status) *fenwick {
	t := o.byStatus[st]
	if t == nil {
		t = &fenwick{}
		o.byStatus[st] = t
	}
	return t
}

// move changes r's status from the one it is counted in to st.
func (o *ownerBookings) move(r *record, st model.Status) {
	o.tree(r.ix.status).add(r.ix.pos, -1)
	r.ix.status = st
	o.tree(st).add(r.ix.pos, 1)
}

// recount rebuilds the count of every status from the records' slots.
func (o *ownerBookings) recount() {
	for _, r := range o.recs {
		o.tree(r.ix.status)
	}
	for st, t := range o.byStatus {
		t.reset(len(o.recs), func(p int) bool { return o.recs[p].ix.status == st })
	}
}

// listFilter is a checked GET /bookings query.
type listFilter struct {
	from, to       time.Time // created_at bounds, inclusive, when given
	hasFrom, hasTo bool
	status         model.Status // "" → any
	limit, offset  int
}

// span is the positions [lo, hi) of the records created within f's bounds.
func (o *ownerBookings) span(f listFilter) (lo, hi int) {
	lo, hi = 0, len(o.recs)
	if f.hasFrom {
		lo = sort.Search(len(o.recs), func(i int) bool { return !o.recs[i].created.Before(f.from) })
	}
	if f.hasTo {
		hi = sort.Search(len(o.recs), func(i int) bool { return o.recs[i].created.After(f.to) })
	}
	return lo, max(lo, hi)
}

// page returns f's page, newest first, and the number of all matches: two
// binary searches for the bounds, then per booking one step (any status)
// or one find in the status's count.
func (o *ownerBookings) page(f listFilter) ([]*record, int) {
	lo, hi := o.span(f)
	var out []*record
	if f.status == "" {
		for i := hi - 1 - f.offset; i >= lo && len(out) < f.limit; i-- {
			out = append(out, o.recs[i])
		}
		return out, hi - lo
	}
	t := o.byStatus[f.status]
	if t == nil {
		return nil, 0
	}
	before, through := t.prefix(lo), t.prefix(hi)
	for k := through - f.offset; k > before && len(out) < f.limit; k-- {
		out = append(out, o.recs[t.find(k)])
	}
	return out, through - before
}

// list returns the key's page of f and the number of all matches. The
// statuses must be synced to now (bookingStore.syncTo).
func (st *bookingStore) list(key string, f listFilter) ([]*record, int) {
	o := st.owners[key]
	if o == nil {
		return nil, 0
	}
	return o.page(f)
}
