package model

import (
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// LeadForBareTime is how far ahead a time of day alone ("14:30") must lie:
// it means the next 14:30 that is at least this far off, as a reservation
// needs (MinLeadTime).
const LeadForBareTime = MinLeadTime

// StartMargin is what the earliest start keeps above MinLeadTime: a request
// reaches the server a moment after it is made, and a start exactly 15
// minutes ahead of the client's clock would be too early there.
const StartMargin = 30 * time.Second

// EarliestStart is the earliest reservation start the API accepts for a
// request sent at now, to the minute: MinLeadTime and StartMargin ahead,
// rounded up to the next whole minute. It is what "now" means as a start.
func EarliestStart(now time.Time) time.Time {
	t := now.Add(MinLeadTime + StartMargin)
	if r := t.Truncate(time.Minute); r.Before(t) {
		return r.Add(time.Minute)
	}
	return t
}

// nowWords mean "as soon as possible" as a start.
var nowWords = map[string]bool{"now": true, "right now": true, "asap": true, "jetzt": true, "sofort": true, "gleich": true}

func isNow(s string) bool {
	return nowWords[strings.TrimRight(strings.ToLower(strings.TrimSpace(s)), ".!")]
}

// MovesWithClock tells whether a typed start is counted from the moment it
// is read ("jetzt", "in 30 min", "+1h"): such a start is read again when a
// booking is sent, so it never goes stale between the search and the send.
func MovesWithClock(s string) bool {
	_, rel := relative(strings.TrimSpace(s))
	return isNow(s) || rel
}

// windowSep joins a start and a length said in one breath: "für", "for",
// or a comma before a length with a unit ("in einer Stunde, zwei Stunden").
var windowSep = regexp.MustCompile(`(?i)\s+(?:für|fuer|for)\s+|\s*,\s+`)

// SplitWindow reads a window said in one breath, a start and then its
// length: "jetzt für 45 Minuten", "morgen 7:15 for 50 min", "in einer
// Stunde, zwei Stunden". said is false when s names no length (it is a
// start alone, as typed). After a comma only a length with its unit
// counts, so "Mi, 9:00" stays a start.
func SplitWindow(s string) (start string, length time.Duration, said bool) {
	for _, at := range windowSep.FindAllStringIndex(s, -1) {
		rest := s[at[1]:]
		comma := strings.Contains(s[at[0]:at[1]], ",")
		if d, err := ParseDuration(rest); err == nil && at[0] > 0 && (!comma || strings.IndexFunc(rest, unicode.IsLetter) >= 0) {
			return strings.TrimSpace(s[:at[0]]), d, true
		}
	}
	return s, 0, false
}

// SmallHours is the hour (Berlin) until which a person who has not slept
// yet still says "morgen" for the day that has already begun.
const SmallHours = 4

// AmbiguousDayError is "morgen" or "tomorrow" said between midnight and
// SmallHours: the caller may mean the day that has just begun (today's
// date) or the one after it. Readings are the two ways to write either,
// in the language of the word said.
type AmbiguousDayError struct {
	Said        string // the day word as typed
	Today, Next time.Time
	Readings    [2]string // unambiguous texts for Today and Next ("heute 07:15", "Mi 07:15")
}

func (e *AmbiguousDayError) Error() string {
	return fmt.Sprintf("%q said before %02d:00 may mean %s (today's date) or %s: ask the driver, then write %q or %q",
		e.Said, SmallHours, e.Today.Format("Mon 02 Jan 15:04"), e.Next.Format("Mon 02 Jan 15:04"), e.Readings[0], e.Readings[1])
}

// DayReadings are the two unambiguous ways to write a start whose day is
// ambiguous (AmbiguousDayError), today's date first, with the length said
// after it kept (SplitWindow); nil when s is not.
func DayReadings(s string, now time.Time, zone *time.Location) []string {
	start, _, _ := SplitWindow(s)
	rest := strings.TrimPrefix(s, start)
	var amb *AmbiguousDayError
	if _, err := ParseWhen(start, now, zone); errors.As(err, &amb) {
		return []string{amb.Readings[0] + rest, amb.Readings[1] + rest}
	}
	return nil
}

// AmbiguousTimeError is a wall-clock time that happens twice in the zone
// (the night the clocks go back). Earlier and Later are the two instants;
// the text says how to write either.
type AmbiguousTimeError struct {
	Earlier, Later time.Time
}

func (e *AmbiguousTimeError) Error() string {
	a, b := e.Earlier, e.Later
	an, _ := a.Zone()
	bn, _ := b.Zone()
	clock := a.Format("15:04")
	return fmt.Sprintf("%s on %s happens twice (the clocks go back that night): write %s %s for the first (UTC%s) or %s %s for the second (UTC%s)",
		clock, a.Format("Mon 02 Jan 2006"), clock, an, a.Format("-07:00"), clock, bn, b.Format("-07:00"))
}

// errWhenForm lists the forms ParseWhen reads.
var errWhenForm = errors.New(`use "HH:MM", "YYYY-MM-DD HH:MM", "DD.MM.YYYY HH:MM", "tomorrow 14:30", "Wed 14:30" or "in 2 h"`)

// ParseWhen reads a date and time as people say it on the phone, in zone:
//   - "now", "jetzt", "sofort", "asap": the earliest start the API accepts (EarliestStart);
//   - "14:30" (also "14.30", "14 Uhr"): the next 14:30 at least 15 minutes ahead;
//   - "today 14:30", "heute 14:30", "tomorrow 14:30", "morgen 14:30", "übermorgen 9:00";
//   - a weekday, "Wed 14:30", "Mi 14:30", "Mittwoch 14:30": its next one (today if still ahead);
//   - "in 2 h", "in 90 min", "in einer Stunde", "+2h", "+1h30": that long from now;
//   - "2026-11-30 14:30", "30.11.2026 14:30", "2026-11-30T14:30", a day alone (its midnight);
//   - RFC 3339 ("2026-11-30T13:30:00Z"), or any of the above with an offset or a zone name
//     ("02:30 +01:00", "02:30 CET", "02:30 MESZ").
//
// A time that does not exist in zone (the spring gap) is refused saying why;
// one that happens twice (the autumn change) is an *AmbiguousTimeError unless
// an offset or zone name picks one. "morgen" or "tomorrow" (and "übermorgen")
// with a time said before SmallHours is an *AmbiguousDayError unless only
// the later day is still ahead.
func ParseWhen(s string, now time.Time, zone *time.Location) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, errors.New("empty")
	}
	if isNow(s) {
		return EarliestStart(now).In(zone), nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	if d, ok := relative(s); ok {
		return now.Add(d).Truncate(time.Minute).In(zone), nil
	}
	rest, offset, hasOffset := cutOffset(s)
	day, clock, err := splitDayClock(rest, now.In(zone))
	if err != nil {
		return time.Time{}, err
	}
	w := wall{day: day}
	if clock != nil {
		w.hour, w.min = clock[0], clock[1]
	}
	t, err := w.resolve(zone, offset, hasOffset)
	if err == nil && day.ahead > 0 && now.In(zone).Hour() < SmallHours {
		return t, w.smallHours(t, now, zone, offset, hasOffset)
	}
	if err != nil || clock == nil || day.step == 0 {
		return t, err
	}
	// A bare time of day, or a weekday: the next one far enough ahead for a
	// reservation (a day later, or a week).
	for t.Before(now.Add(LeadForBareTime)) {
		w.day.date = w.day.date.AddDate(0, 0, day.step)
		if t, err = w.resolve(zone, offset, hasOffset); err != nil {
			return t, err
		}
	}
	return t, nil
}

// relative reads "in 2 h", "in 90 min", "in einer Stunde", "+2h".
func relative(s string) (time.Duration, bool) {
	l := strings.ToLower(s)
	var rest string
	switch {
	case strings.HasPrefix(l, "in "):
		rest = l[3:]
	case strings.HasPrefix(l, "+"):
		rest = l[1:]
	default:
		return 0, false
	}
	d, err := ParseDuration(rest)
	return d, err == nil && d > 0
}

// smallHours judges a day word said before SmallHours: t is its usual
// reading (the later day); when the earlier one, a day before, is still
// ahead, the caller may have meant either, and the error says both.
func (w wall) smallHours(t, now time.Time, zone *time.Location, offset int, hasOffset bool) error {
	earlier := w
	earlier.day.date = w.day.date.AddDate(0, 0, -1)
	e, err := earlier.resolve(zone, offset, hasOffset)
	if err != nil || !e.After(now) {
		return nil
	}
	today := dateOf(now.In(zone))
	return &AmbiguousDayError{Said: w.day.said, Today: e, Next: t,
		Readings: [2]string{reading(e, today, w.day.german), reading(t, today, w.day.german)}}
}

// reading writes t so that ParseWhen reads it back without doubt: "heute
// 07:15" for today's date, else its weekday ("Mi 07:15"), in German or English.
func reading(t, today time.Time, german bool) string {
	clock := t.Format("15:04")
	day := t.Format("Mon")
	switch {
	case dateOf(t).Equal(today) && german:
		day = "heute"
	case dateOf(t).Equal(today):
		day = "today"
	case german:
		day = germanWeekdays[t.Weekday()]
	}
	return day + " " + clock
}

var germanWeekdays = [...]string{"So", "Mo", "Di", "Mi", "Do", "Fr", "Sa"}

var offsetRe = regexp.MustCompile(`(?i)\s*(?:([+-]\d{2}):?(\d{2})|\b(cest|cet|mesz|mez|utc|gmt|z))$`)

// cutOffset takes a trailing offset or zone name off s.
func cutOffset(s string) (rest string, offset int, ok bool) {
	m := offsetRe.FindStringSubmatchIndex(s)
	if m == nil || m[0] == 0 {
		return s, 0, false
	}
	g := offsetRe.FindStringSubmatch(s)
	switch strings.ToLower(g[3]) {
	case "cest", "mesz":
		offset = 2 * 3600
	case "cet", "mez":
		offset = 3600
	case "utc", "gmt", "z":
		offset = 0
	default:
		h, _ := strconv.Atoi(g[1])
		mi, _ := strconv.Atoi(g[2])
		offset = h*3600 + sign(h, g[1])*mi*60
	}
	return strings.TrimSpace(s[:m[0]]), offset, true
}

func sign(h int, s string) int {
	if h < 0 || strings.HasPrefix(s, "-") {
		return -1
	}
	return 1
}

// dayPart is the date of a typed time. step is how many days to move on
// while the time lies too close or in the past: 1 for a time of day alone,
// 7 for a weekday, 0 for a date or a day word given outright. ahead is how
// many days on a day word said ("morgen": 1), said the word and german its
// language.
type dayPart struct {
	date   time.Time // midnight of the day, in the zone's calendar (its location unused)
	step   int
	ahead  int
	said   string
	german bool
}

// wall is a wall-clock time in a zone's calendar.
type wall struct {
	day       dayPart
	hour, min int
}

var (
	clockRe = regexp.MustCompile(`(?i)^(\d{1,2})(?:[:.]?(\d{2}))?(?:\s*(?:uhr|h))?$`)
	dateRes = []string{"2006-01-02", "02.01.2006", "2.1.2006", "2006-01-02T15:04", "2006-01-02 15:04:05"}
)

var dayWords = map[string]int{"today": 0, "heute": 0, "tomorrow": 1, "morgen": 1, "übermorgen": 2, "uebermorgen": 2,
	// what agents type in a hurry: unambiguous beginnings
	"tod": 0, "heu": 0, "tom": 1, "tmrw": 1, "mor": 1, "morg": 1}

// germanDayWords are the dayWords in German.
var germanDayWords = map[string]bool{"heute": true, "morgen": true, "übermorgen": true, "uebermorgen": true, "heu": true, "mor": true, "morg": true}

var weekdays = map[string]time.Weekday{
	"mon": time.Monday, "monday": time.Monday, "mo": time.Monday, "montag": time.Monday,
	"tue": time.Tuesday, "tues": time.Tuesday, "tuesday": time.Tuesday, "di": time.Tuesday, "dienstag": time.Tuesday,
	"wed": time.Wednesday, "wednesday": time.Wednesday, "mi": time.Wednesday, "mittwoch": time.Wednesday,
	"thu": time.Thursday, "thur": time.Thursday, "thursday": time.Thursday, "do": time.Thursday, "donnerstag": time.Thursday,
	"fri": time.Friday, "friday": time.Friday, "fr": time.Friday, "freitag": time.Friday,
	"sat": time.Saturday, "saturday": time.Saturday, "sa": time.Saturday, "samstag": time.Saturday, "sonnabend": time.Saturday,
	"sun": time.Sunday, "sunday": time.Sunday, "so": time.Sunday, "sonntag": time.Sunday,
}

// splitDayClock reads "[day] [time]" into a day and an optional clock.
func splitDayClock(s string, local time.Time) (dayPart, *[2]int, error) {
	today := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, time.UTC)
	for _, layout := range dateRes {
		if t, err := time.Parse(layout, s); err == nil {
			return dayPart{date: dateOf(t)}, &[2]int{t.Hour(), t.Minute()}, nil
		}
	}
	fields := strings.Fields(strings.ReplaceAll(strings.ToLower(s), ",", " "))
	if len(fields) == 0 || len(fields) > 3 {
		return dayPart{}, nil, errWhenForm
	}
	first := strings.TrimSuffix(fields[0], ".")
	clockText := strings.Join(fields[1:], " ")
	var day dayPart
	if n, ok := dayWords[first]; ok {
		day = dayPart{date: today.AddDate(0, 0, n), ahead: n, said: first, german: germanDayWords[first]}
	} else if wd, ok := weekdays[first]; ok {
		day = dayPart{date: today.AddDate(0, 0, (int(wd)-int(today.Weekday())+7)%7), step: 7}
	} else if t, ok := parseDate(first); ok {
		day = dayPart{date: t}
	} else {
		day, clockText = dayPart{date: today, step: 1}, strings.Join(fields, " ")
	}
	if clockText == "" {
		if day.step == 1 {
			return dayPart{}, nil, errWhenForm
		}
		return day, nil, nil
	}
	clock, err := parseClock(clockText)
	if err != nil {
		return dayPart{}, nil, err
	}
	return day, &clock, nil
}

func parseDate(s string) (time.Time, bool) {
	for _, layout := range []string{"2006-01-02", "02.01.2006", "2.1.2006"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

func dateOf(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

func parseClock(s string) ([2]int, error) {
	m := clockRe.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return [2]int{}, errWhenForm
	}
	h, _ := strconv.Atoi(m[1])
	mi := 0
	if m[2] != "" {
		mi, _ = strconv.Atoi(m[2])
	}
	if h > 23 || mi > 59 {
		return [2]int{}, fmt.Errorf("%s is not a time of day (00:00 to 23:59)", s)
	}
	return [2]int{h, mi}, nil
}

// resolve finds the instant of a wall-clock time in zone: refused in a gap,
// ambiguous in a repeated hour unless offset (when given) picks one.
func (w wall) resolve(zone *time.Location, offset int, hasOffset bool) (time.Time, error) {
	d := w.day.date
	naive := time.Date(d.Year(), d.Month(), d.Day(), w.hour, w.min, 0, 0, time.UTC)
	if hasOffset {
		t := naive.Add(-time.Duration(offset) * time.Second).In(zone)
		if _, off := t.Zone(); off != offset && zone != time.UTC {
			return time.Time{}, fmt.Errorf("%s is not %s: at that time it is UTC%s", zoneName(zone), offsetText(offset), t.Format("-07:00"))
		}
		return t, nil
	}
	cands := wallInstants(naive, zone)
	switch len(cands) {
	case 0:
		return time.Time{}, gapError(naive, zone)
	case 1:
		return cands[0], nil
	}
	return time.Time{}, &AmbiguousTimeError{Earlier: cands[0], Later: cands[len(cands)-1]}
}

// wallInstants are the instants whose wall clock in zone reads naive.
func wallInstants(naive time.Time, zone *time.Location) []time.Time {
	seen := map[int]bool{}
	var out []time.Time
	for _, probe := range []time.Duration{-26 * time.Hour, -2 * time.Hour, 0, 2 * time.Hour, 26 * time.Hour} {
		_, off := naive.Add(probe).In(zone).Zone()
		if seen[off] {
			continue
		}
		seen[off] = true
		t := naive.Add(-time.Duration(off) * time.Second).In(zone)
		if t.Year() == naive.Year() && t.YearDay() == naive.YearDay() && t.Hour() == naive.Hour() && t.Minute() == naive.Minute() {
			out = append(out, t)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Before(out[j]) })
	return out
}

// gapError explains a time the clocks skip (the spring change).
func gapError(naive time.Time, zone *time.Location) error {
	return fmt.Errorf("%s on %s does not exist in %s time: the clocks jump forward from %02d:00 to %02d:00 that night; choose a time before or after",
		naive.Format("15:04"), naive.Format("Mon 02 Jan 2006"), zoneName(zone), naive.Hour(), naive.Hour()+1)
}

func zoneName(z *time.Location) string {
	if n := z.String(); n == "Europe/Berlin" {
		return "Berlin"
	} else if n != "" {
		return n
	}
	return "local"
}

func offsetText(off int) string {
	return time.Unix(0, 0).In(time.FixedZone("", off)).Format("UTC-07:00")
}
