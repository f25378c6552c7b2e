package model

// Status is a booking status. Values the project does not know are kept and
// shown as they are.
type Status string

// The booking lifecycle: REQUESTED → PENDING → CONFIRMED → ATTENDING →
// COMPLETED, side exits CANCELLED, EXPIRED, NO_SHOW.
const (
	Requested Status = "REQUESTED"
	Pending   Status = "PENDING"
	Confirmed Status = "CONFIRMED"
	Attending Status = "ATTENDING"
	Completed Status = "COMPLETED"
	Cancelled Status = "CANCELLED"
	Expired   Status = "EXPIRED"
	NoShow    Status = "NO_SHOW"
)

// Statuses lists every known status in lifecycle order.
var Statuses = []Status{Requested, Pending, Confirmed, Attending, Completed, Cancelled, Expired, NoShow}

// StatusInfo is what a status means to the person at the keyboard.
type StatusInfo struct {
	Known       bool
	Terminal    bool
	Cancellable bool // the client may cancel from here
	FreeCancel  bool // cancelling costs nothing
	Meaning     string
	Action      string // what to tell or do, from the provider's guide
}

var statusInfo = map[Status]StatusInfo{
	Requested: {Known: true, Cancellable: true, FreeCancel: true,
		Meaning: "Sent to the CPO; waiting for it to pick the request up.",
		Action:  "Waiting for the CPO to confirm (usually 1–10 s)."},
	Pending: {Known: true, Cancellable: true, FreeCancel: true,
		Meaning: "The CPO is processing the reservation.",
		Action:  "Waiting for the CPO to confirm (usually 1–10 s)."},
	Confirmed: {Known: true, Cancellable: true,
		Meaning: "The CPO has reserved the charger.",
		Action:  "Show the driver the reservation details and the charger's location."},
	Attending: {Known: true,
		Meaning: "The vehicle is at the charger.",
		Action:  "Vehicle detected — charging is about to start."},
	Completed: {Known: true, Terminal: true,
		Meaning: "The charging session is over.",
		Action:  "Session finished — show the final price if available."},
	Cancelled: {Known: true, Terminal: true,
		Meaning: "The reservation was cancelled (by the client, or by the CPO).",
		Action:  "Cancelled — try another charger if the driver still needs one."},
	Expired: {Known: true, Terminal: true,
		Meaning: "The CPO never answered the request.",
		Action:  "The CPO didn't respond — suggest trying another charger."},
	NoShow: {Known: true, Terminal: true,
		Meaning: "No vehicle arrived within the grace period.",
		Action:  "The driver didn't arrive — a fee may apply."},
}

// Info tells what the status means and allows. An unknown status is not
// terminal (keep watching) and not cancellable (let the server decide).
func (s Status) Info() StatusInfo {
	if i, ok := statusInfo[s]; ok {
		return i
	}
	return StatusInfo{Meaning: "Status not known to chargedesk: shown as the server sent it.",
		Action: "Unrecognised status — check again, or ask the API's support what it means."}
}

// Terminal tells whether nothing will change any more.
func (s Status) Terminal() bool { return s.Info().Terminal }

// Cancellable tells whether a client cancel is allowed.
func (s Status) Cancellable() bool { return s.Info().Cancellable }

// Rebookable tells whether the driver needs another charger after this outcome.
func (s Status) Rebookable() bool { return s == Expired || s == NoShow || s == Cancelled }

// CanTransition tells whether the lifecycle allows from → to.
func CanTransition(from, to Status) bool {
	for _, t := range transitions[from] {
		if t == to {
			return true
		}
	}
	return false
}

var transitions = map[Status][]Status{
	Requested: {Pending, Cancelled, Expired},
	Pending:   {Confirmed, Cancelled, Expired},
	Confirmed: {Attending, Cancelled, Expired, NoShow},
	Attending: {Completed},
}
