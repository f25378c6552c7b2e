package main

import (
	"flag"
	"fmt"
	"strings"
	"time"

	"github.com/petitmonde/chargedesk/model"
)

func bookingsCommand() *command {
	return &command{
		name:     "bookings",
		synopsis: "bookings [--status S] [--from DATE] [--to DATE] [--limit N] [--all]",
		summary:  "list bookings, newest first",
		about: `Lists the bookings of this API key, newest first: id, created, status, external id,
customer or token, location, window (Berlin time) and price. --from and --to filter on
when a booking was created: a day ("2026-12-01", the whole day) or a time. One page of
--limit bookings (the API's default: 50) unless --all, which pages through everything.`,
		setup: setupBookings,
	}
}

func setupBookings(fs *flag.FlagSet) func(c *cli, args []string) int {
	var o struct {
		status, from, to string
		limit            int
		all              bool
	}
	fs.StringVar(&o.status, "status", "", "only bookings in status `S` now: REQUESTED, PENDING, CONFIRMED, ATTENDING, COMPLETED, CANCELLED, EXPIRED, NO_SHOW")
	fs.StringVar(&o.from, "from", "", "created at or after `DATE` (Berlin time)")
	fs.StringVar(&o.to, "to", "", "created at or before `DATE` (a day: to its end)")
	fs.IntVar(&o.limit, "limit", 0, "at most `N` bookings, 1–100 (with --all: the page size, default 100)")
	fs.BoolVar(&o.all, "all", false, "page through every booking (by offset)")

	return func(c *cli, args []string) int {
		if len(args) > 0 {
			return c.usageError(fmt.Sprintf("unexpected argument %q", model.SanitizeLine(args[0])))
		}
		now := c.now()
		var f model.BookingFilter
		var fe model.FieldErrors
		f.Status = model.Status(strings.ToUpper(strings.TrimSpace(o.status)))
		if o.from != "" {
			t, err := parseDay(o.from, now, false)
			if err != nil {
				fe = append(fe, model.FieldError{Field: "from_date", Msg: "from_date: " + err.Error()})
			}
			f.FromDate = t
		}
		if o.to != "" {
			t, err := parseDay(o.to, now, true)
			if err != nil {
				fe = append(fe, model.FieldError{Field: "to_date", Msg: "to_date: " + err.Error()})
			}
			f.ToDate = t
		}
		if c.given("limit") {
			if o.limit < 1 || o.limit > model.MaxListLimit {
				fe = append(fe, model.FieldError{Field: "limit", Msg: fmt.Sprintf("Invalid limit: must be between 1 and %d", model.MaxListLimit)})
			}
			f.Limit = o.limit
		} else if o.all {
			f.Limit = model.MaxListLimit
		}
		if len(fe) > 0 {
			return c.invalid(fe)
		}
		if code := c.connect(); code >= 0 {
			return code
		}
		list, err := c.client.ListBookings(c.ctx, f)
		if err != nil {
			return c.fail(err)
		}
		all := list.Bookings
		if o.all {
			// Page by offset until the total is reached (or a page comes back empty).
			for page := 1; page < 10000 && len(list.Bookings) > 0 && len(all) < list.Total; page++ {
				f.Offset = len(all)
				list, err = c.client.ListBookings(c.ctx, f)
				if err != nil {
					return c.fail(err)
				}
				all = append(all, list.Bookings...)
			}
		}
		for i := range all {
			all[i] = c.cleanBooking(all[i])
		}
		total := list.Total
		if c.json {
			out := model.BookingList{Bookings: all, Total: total, Limit: list.Limit, Offset: list.Offset}
			if o.all {
				out.Limit, out.Offset = len(all), 0
			}
			c.emitJSON(out, false)
			return exitOK
		}
		if len(all) == 0 {
			c.out("No bookings match.\n")
			return exitOK
		}
		c.out(bookingsTable(all))
		switch {
		case total > len(all) && !o.all:
			c.out(fmt.Sprintf("\n%d of %d bookings (newest first); --all lists every one.\n", len(all), total))
		case len(all) == 1:
			c.out("\n1 booking.\n")
		default:
			c.out(fmt.Sprintf("\n%d bookings (newest first).\n", len(all)))
		}
		return exitOK
	}
}

// parseDay reads a day ("2026-12-01", "01.12.2026": its start, or with
// endOfDay the start of the next day) or anything model.ParseWhen reads.
func parseDay(s string, now time.Time, endOfDay bool) (time.Time, error) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{"2006-01-02", "02.01.2006", "2.1.2006"} {
		if t, err := time.ParseInLocation(layout, s, berlin); err == nil {
			if endOfDay {
				t = t.AddDate(0, 0, 1)
			}
			return t, nil
		}
	}
	t, err := model.ParseWhen(s, now, berlin)
	if err != nil {
		return time.Time{}, fmt.Errorf(`use "YYYY-MM-DD", "YYYY-MM-DD HH:MM" or RFC 3339`)
	}
	return t, nil
}

// bookingsTable lists bookings; b must be sanitised.
func bookingsTable(bs []model.Booking) string {
	rows := make([][]string, 0, len(bs))
	for _, b := range bs {
		created := "—"
		if b.CreatedAt != nil {
			created = b.CreatedAt.In(berlin).Format("2006-01-02 15:04")
		}
		loc := b.LocationName
		if loc == "" {
			loc = b.LocationID
		}
		loc = model.JoinNonEmpty(", ", loc, b.LocationCity)
		start, end := b.Window()
		rows = append(rows, []string{cell(b.ID, 40), created, cell(string(b.Status), 12), cell(b.ExternalID, 32),
			cell(whoText(b), 28), cell(loc, 48), shortWindow(start, end), priceText(b)})
	}
	return table([]string{"ID", "CREATED", "STATUS", "EXTERNAL ID", "CUSTOMER/TOKEN", "LOCATION", "WINDOW (BERLIN)", "PRICE"}, rows)
}
