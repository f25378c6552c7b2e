package cli

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/petitmonde/chargedesk/model"
)

type bookingsOptions struct {
	status, from, to string
	limit            int
	all              bool
}

func bookingsCommand(env Env) *cobra.Command {
	o := &bookingsOptions{}
	cmd := &cobra.Command{
		Use:   "bookings [--status S] [--from DATE] [--to DATE] [--limit N] [--all]",
		Short: "list bookings, newest first",
		Long: `Lists the bookings of this API key, newest first: id, created, status, external id,
customer or token, location, window (Berlin time) and price. --from and --to filter on
when a booking was created: a day ("2026-12-01", the whole day) or a time. One page of
--limit bookings (the API's default: 50) unless --all, which pages through everything.`,
	}
	fs := cmd.Flags()
	fs.StringVar(&o.status, "status", "", "only bookings in status `S` now: REQUESTED, PENDING, CONFIRMED, ATTENDING, COMPLETED, CANCELLED, EXPIRED, NO_SHOW")
	fs.StringVar(&o.from, "from", "", "created at or after `DATE` (Berlin time)")
	fs.StringVar(&o.to, "to", "", "created at or before `DATE` (a day: to its end)")
	fs.IntVar(&o.limit, "limit", 0, "at most `N` bookings, 1–100 (with --all: the page size, default 100)")
	fs.BoolVar(&o.all, "all", false, "page through every booking (by offset)")
	_ = cmd.RegisterFlagCompletionFunc("status", completeStatuses)
	for _, name := range []string{"from", "to", "limit"} {
		_ = cmd.RegisterFlagCompletionFunc(name, cobra.NoFileCompletions)
	}
	return newScript(env, cmd, o.run)
}

// filter reads the flags into the API's filter, or the broken rules.
func (o *bookingsOptions) filter(inv *invocation) (model.BookingFilter, model.FieldErrors) {
	now := inv.now()
	var f model.BookingFilter
	var fe model.FieldErrors
	f.Status = model.Status(strings.ToUpper(strings.TrimSpace(o.status)))
	day := func(field, s string, endOfDay bool) {
		t, err := model.ParseDay(s, now, model.Berlin, endOfDay)
		if err != nil {
			fe = append(fe, model.FieldError{Field: field, Msg: field + ": " + err.Error()})
		}
		if endOfDay {
			f.ToDate = t
		} else {
			f.FromDate = t
		}
	}
	if o.from != "" {
		day("from_date", o.from, false)
	}
	if o.to != "" {
		day("to_date", o.to, true)
	}
	switch {
	case inv.given("limit") && (o.limit < 1 || o.limit > model.MaxListLimit):
		fe = append(fe, model.FieldError{Field: "limit", Msg: fmt.Sprintf("Invalid limit: must be between 1 and %d", model.MaxListLimit)})
	case inv.given("limit"):
		f.Limit = o.limit
	case o.all:
		f.Limit = model.MaxListLimit
	}
	return f, fe
}

func (o *bookingsOptions) run(inv *invocation, args []string) int {
	if len(args) > 0 {
		return inv.usageError(fmt.Sprintf("unexpected argument %q", model.SanitizeLine(args[0])))
	}
	f, fe := o.filter(inv)
	if len(fe) > 0 {
		return inv.invalid(fe)
	}
	if code := inv.connect(); code >= 0 {
		return code
	}
	list, err := inv.client().ListBookings(inv.ctx, f)
	if err != nil {
		return inv.fail(err)
	}
	all := list.Bookings
	if o.all {
		if all, err = inv.pageAll(f, list); err != nil {
			return inv.fail(err)
		}
	}
	for i := range all {
		all[i] = inv.cleanBooking(all[i])
	}
	if inv.json {
		out := model.BookingList{Bookings: all, Total: list.Total, Limit: list.Limit, Offset: list.Offset}
		if o.all {
			out.Limit, out.Offset = len(all), 0
		}
		inv.emitJSON(out, false)
		return exitOK
	}
	inv.out(bookingsText(all, list.Total, o.all))
	return exitOK
}

// maxPages bounds --all: 1,000 pages of 100 is more than a month's quota
// would let anyone list, and a server that never ends cannot keep it going.
const maxPages = 1000

// pageAll reads the pages after first by offset until the total is
// reached, a page comes back empty or brings no booking not seen yet, or
// maxPages; from the third page on, it says how far it got on stderr.
func (inv *invocation) pageAll(f model.BookingFilter, first *model.BookingList) ([]model.Booking, error) {
	all := append([]model.Booking(nil), first.Bookings...)
	seen := map[string]bool{}
	for _, b := range all {
		seen[b.ID] = true
	}
	list := first
	for page := 2; len(list.Bookings) > 0 && len(all) < list.Total; page++ {
		if page > maxPages {
			inv.errLine(fmt.Sprintf("chargedesk bookings: stopped after %d pages (%d bookings of the %d the server counts)", maxPages, len(all), list.Total))
			break
		}
		f.Offset = len(all)
		var err error
		if list, err = inv.client().ListBookings(inv.ctx, f); err != nil {
			return nil, err
		}
		fresh := 0
		for _, b := range list.Bookings {
			if !seen[b.ID] {
				seen[b.ID] = true
				all = append(all, b)
				fresh++
			}
		}
		if fresh == 0 && len(list.Bookings) > 0 {
			inv.errLine(fmt.Sprintf("chargedesk bookings: page %d brought no booking not seen yet; stopped at %d", page, len(all)))
			break
		}
		if page >= 3 {
			inv.errLine(fmt.Sprintf("chargedesk bookings: page %d, %d of %d", page, len(all), list.Total))
		}
	}
	return all, nil
}

// bookingsText is the human listing: the table and how much of it there is.
func bookingsText(all []model.Booking, total int, paged bool) string {
	switch {
	case len(all) == 0:
		return "No bookings match.\n"
	case total > len(all) && !paged:
		return bookingsTable(all) + fmt.Sprintf("\n%d of %d bookings (newest first); --all lists every one.\n", len(all), total)
	case len(all) == 1:
		return bookingsTable(all) + "\n1 booking.\n"
	}
	return bookingsTable(all) + fmt.Sprintf("\n%d bookings (newest first).\n", len(all))
}

// bookingsTable lists bookings; b must be sanitised.
func bookingsTable(bs []model.Booking) string {
	rows := make([][]string, 0, len(bs))
	for _, b := range bs {
		created := "—"
		if b.CreatedAt != nil {
			created = berlinTime(*b.CreatedAt, "2006-01-02 15:04")
		}
		loc := b.LocationName
		if loc == "" {
			loc = b.LocationID
		}
		loc = model.JoinNonEmpty(", ", loc, b.LocationCity)
		start, end := b.Window()
		rows = append(rows, []string{cell(b.ID, 40), created, cell(string(b.Status), 12), cell(b.ExternalID, 32),
			cell(model.TokenShort(b), 28), cell(loc, 48), shortWindow(start, end), priceText(b)})
	}
	return table([]string{"ID", "CREATED", "STATUS", "EXTERNAL ID", "CUSTOMER/TOKEN", "LOCATION", "WINDOW (BERLIN)", "PRICE"}, rows)
}
