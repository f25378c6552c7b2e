package sim

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// ParseFaults reads a fault spec, as `chargedesk serve --faults` takes it:
// comma-separated items, each a preset name or key=value. Later items win.
//
//	presets:      none, flaky, slow, cpo, chaos (flaky + slow + cpo)
//	seed=N        Faults.Seed
//	only=P;P…     Faults.Only, e.g. only=POST /bookings;GET /bookings/**
//	latency=D     fixed; D+J fixed plus uniform 0..J (20ms+30ms); M/P
//	              log-normal median M, p99 P (80ms/1s); all: D+J+M/P
//	latency-max=D cap
//	latency-after=true  spend the latency after processing (slow answers)
//	429=S 5xx=S drop-before=S drop-after=S 5xx-after=S malformed=S truncated=S
//	              shares: 0.05 or 5%
//	retry-after=D Retry-After of injected 429s
//	burst=L/E     429 for L of every E (5s/1m)
//	late-confirm=S[@D]      CPO confirms D after create (default 28s)
//	cpo-cancel=S[@D[..D2]]  CPO cancels D (or U(D, D2)) after confirming
//
// Durations are Go durations (250ms, 2s, 1m30s). The result is validated.
func ParseFaults(spec string) (Faults, error) {
	var f Faults
	for _, item := range strings.Split(spec, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		key, val, hasVal := strings.Cut(item, "=")
		key = strings.ToLower(strings.TrimSpace(key))
		val = strings.TrimSpace(val)
		if !hasVal {
			if err := applyPreset(&f, key); err != nil {
				return Faults{}, err
			}
			continue
		}
		if err := setFault(&f, key, val); err != nil {
			return Faults{}, fmt.Errorf("faults: %s: %w", item, err)
		}
	}
	if err := f.Validate(); err != nil {
		return Faults{}, err
	}
	return f, nil
}

// FaultPresets are the names ParseFaults accepts alone.
var FaultPresets = []string{"none", "flaky", "slow", "cpo", "chaos"}

func applyPreset(f *Faults, name string) error {
	switch name {
	case "none":
		*f = Faults{}
	case "flaky":
		f.Latency.Fixed, f.Latency.Jitter = 20*time.Millisecond, 80*time.Millisecond
		f.RateLimited, f.ServerError, f.DropBefore, f.DropAfter = 0.03, 0.03, 0.02, 0.02
		f.ServerErrorAfter, f.Malformed, f.Truncated = 0.02, 0.02, 0.02
	case "slow":
		f.Latency.Median, f.Latency.P99, f.Latency.Max = 300*time.Millisecond, 3*time.Second, 10*time.Second
	case "cpo":
		f.CPO.LateConfirm, f.CPO.Cancel = 0.2, 0.1
	case "chaos":
		for _, p := range []string{"flaky", "slow", "cpo"} {
			_ = applyPreset(f, p)
		}
		f.Burst = Burst{Length: 5 * time.Second, Every: 2 * time.Minute}
	default:
		return fmt.Errorf("faults: unknown item %q (a preset: %s; or key=value)", name, strings.Join(FaultPresets, ", "))
	}
	return nil
}

func parseShare(v string) (float64, error) {
	pct := strings.HasSuffix(v, "%")
	x, err := strconv.ParseFloat(strings.TrimSuffix(v, "%"), 64)
	if err != nil {
		return 0, errors.New("not a number")
	}
	if pct {
		x /= 100
	}
	if !(x >= 0 && x <= 1) {
		return 0, errors.New("a share is between 0 and 1 (or 0% and 100%)")
	}
	return x, nil
}

func parseDur(v string) (time.Duration, error) {
	d, err := time.ParseDuration(v)
	if err != nil {
		return 0, fmt.Errorf("%q is not a duration such as 250ms or 2s", v)
	}
	if d < 0 {
		return 0, errors.New("negative duration")
	}
	return d, nil
}

// faultSetter sets one key of a spec from its value.
type faultSetter func(f *Faults, val string) error

// faultSetters are the keys of a spec, as String writes them.
var faultSetters = map[string]faultSetter{
	"seed":          setSeed,
	"only":          setOnly,
	"latency":       setLatency,
	"latency-max":   durationSetter(func(f *Faults) *time.Duration { return &f.Latency.Max }),
	"latency-after": setLatencyAfter,
	"429":           shareSetter(func(f *Faults) *float64 { return &f.RateLimited }),
	"5xx":           shareSetter(func(f *Faults) *float64 { return &f.ServerError }),
	"drop-before":   shareSetter(func(f *Faults) *float64 { return &f.DropBefore }),
	"drop-after":    shareSetter(func(f *Faults) *float64 { return &f.DropAfter }),
	"5xx-after":     shareSetter(func(f *Faults) *float64 { return &f.ServerErrorAfter }),
	"malformed":     shareSetter(func(f *Faults) *float64 { return &f.Malformed }),
	"truncated":     shareSetter(func(f *Faults) *float64 { return &f.Truncated }),
	"retry-after":   durationSetter(func(f *Faults) *time.Duration { return &f.RetryAfter }),
	"burst":         setBurst,
	"late-confirm":  setLateConfirm,
	"cpo-cancel":    setCPOCancel,
}

// faultKeyAliases are the other names ParseFaults accepts for a key.
var faultKeyAliases = map[string]string{
	"rate-limited":       "429",
	"server-error":       "5xx",
	"server-error-after": "5xx-after",
}

// setFault sets key (lower case) of f from val.
func setFault(f *Faults, key, val string) error {
	if canonical, ok := faultKeyAliases[key]; ok {
		key = canonical
	}
	set, ok := faultSetters[key]
	if !ok {
		return fmt.Errorf("unknown key %q", key)
	}
	return set(f, val)
}

// shareSetter sets the share field points to.
func shareSetter(field func(*Faults) *float64) faultSetter {
	return func(f *Faults, val string) (err error) {
		*field(f), err = parseShare(val)
		return err
	}
}

// durationSetter sets the duration field points to.
func durationSetter(field func(*Faults) *time.Duration) faultSetter {
	return func(f *Faults, val string) (err error) {
		*field(f), err = parseDur(val)
		return err
	}
}

func setSeed(f *Faults, val string) (err error) {
	f.Seed, err = strconv.ParseInt(val, 10, 64)
	return err
}

func setLatencyAfter(f *Faults, val string) (err error) {
	f.Latency.After, err = strconv.ParseBool(val)
	return err
}

// setOnly reads only=P;P…, each pattern checked.
func setOnly(f *Faults, val string) error {
	f.Only = nil
	for _, p := range strings.Split(val, ";") {
		if p = strings.TrimSpace(p); p != "" {
			if _, err := parseRoutePattern(p); err != nil {
				return err
			}
			f.Only = append(f.Only, p)
		}
	}
	return nil
}

// setLatency reads latency=FIXED[+JITTER][+MEDIAN/P99]; the parts not given
// are reset to 0 (latency-max and latency-after are keys of their own).
func setLatency(f *Faults, val string) error {
	f.Latency.Fixed, f.Latency.Jitter, f.Latency.Median, f.Latency.P99 = 0, 0, 0, 0
	parts := strings.Split(val, "+")
	if last := parts[len(parts)-1]; strings.Contains(last, "/") {
		m, p, _ := strings.Cut(last, "/")
		var err error
		if f.Latency.Median, err = parseDur(m); err != nil {
			return err
		}
		if f.Latency.P99, err = parseDur(p); err != nil {
			return err
		}
		parts = parts[:len(parts)-1]
	}
	if len(parts) > 2 {
		return errors.New("latency is FIXED[+JITTER][+MEDIAN/P99], e.g. 20ms+30ms or 80ms/1s")
	}
	for i, p := range parts {
		d, err := parseDur(p)
		if err != nil {
			return err
		}
		if i == 0 {
			f.Latency.Fixed = d
		} else {
			f.Latency.Jitter = d
		}
	}
	return nil
}

// setBurst reads burst=LENGTH/EVERY.
func setBurst(f *Faults, val string) (err error) {
	l, e, ok := strings.Cut(val, "/")
	if !ok {
		return errors.New("burst is LENGTH/EVERY, e.g. 5s/1m")
	}
	if f.Burst.Length, err = parseDur(l); err == nil {
		f.Burst.Every, err = parseDur(e)
	}
	return err
}

// setLateConfirm reads late-confirm=SHARE[@AFTER].
func setLateConfirm(f *Faults, val string) (err error) {
	s, d, hasD := strings.Cut(val, "@")
	if f.CPO.LateConfirm, err = parseShare(s); err == nil && hasD {
		f.CPO.LateConfirmAfter, err = parseDur(d)
	}
	return err
}

// setCPOCancel reads cpo-cancel=SHARE[@MIN[..MAX]].
func setCPOCancel(f *Faults, val string) (err error) {
	s, d, hasD := strings.Cut(val, "@")
	if f.CPO.Cancel, err = parseShare(s); err != nil || !hasD {
		return err
	}
	lo, hi, isRange := strings.Cut(d, "..")
	if f.CPO.CancelAfterMin, err = parseDur(lo); err != nil {
		return err
	}
	f.CPO.CancelAfterMax = f.CPO.CancelAfterMin
	if isRange {
		f.CPO.CancelAfterMax, err = parseDur(hi)
	}
	return err
}

// String is f as a spec ParseFaults reads back to the same Faults ("none"
// when it injects nothing).
func (f Faults) String() string {
	var parts []string
	add := func(key, val string) { parts = append(parts, key+"="+val) }
	if f.Seed != 0 {
		add("seed", strconv.FormatInt(f.Seed, 10))
	}
	if len(f.Only) > 0 {
		add("only", strings.Join(f.Only, ";"))
	}
	if v := f.Latency.spec(); v != "" {
		add("latency", v)
	}
	if f.Latency.Max > 0 {
		add("latency-max", f.Latency.Max.String())
	}
	if f.Latency.After {
		add("latency-after", "true")
	}
	for i, v := range f.shares() {
		if v != 0 {
			add(shareKeys[i], formatShare(v))
		}
	}
	if f.RetryAfter > 0 {
		add("retry-after", f.RetryAfter.String())
	}
	if f.Burst.Length > 0 || f.Burst.Every > 0 {
		add("burst", f.Burst.Length.String()+"/"+f.Burst.Every.String())
	}
	if v := f.CPO.lateConfirmSpec(); v != "" {
		add("late-confirm", v)
	}
	if v := f.CPO.cancelSpec(); v != "" {
		add("cpo-cancel", v)
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ",")
}

func formatShare(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

// spec is the value of latency=, "" when there is no delay to write.
func (l Latency) spec() string {
	var lat []string
	if l.Fixed > 0 || l.Jitter > 0 {
		lat = append(lat, l.Fixed.String())
	}
	if l.Jitter > 0 {
		lat = append(lat, l.Jitter.String())
	}
	if l.Median > 0 || l.P99 > 0 {
		lat = append(lat, l.Median.String()+"/"+l.P99.String())
	}
	return strings.Join(lat, "+")
}

// lateConfirmSpec is the value of late-confirm=, "" when unset.
func (c CPOFaults) lateConfirmSpec() string {
	if c.LateConfirm == 0 && c.LateConfirmAfter == 0 {
		return ""
	}
	v := formatShare(c.LateConfirm)
	if c.LateConfirmAfter > 0 {
		v += "@" + c.LateConfirmAfter.String()
	}
	return v
}

// cancelSpec is the value of cpo-cancel=, "" when unset.
func (c CPOFaults) cancelSpec() string {
	if c.Cancel == 0 && c.CancelAfterMin == 0 && c.CancelAfterMax == 0 {
		return ""
	}
	v := formatShare(c.Cancel)
	if c.CancelAfterMin > 0 || c.CancelAfterMax > 0 {
		v += "@" + c.CancelAfterMin.String()
		if c.CancelAfterMax != c.CancelAfterMin {
			v += ".." + c.CancelAfterMax.String()
		}
	}
	return v
}
