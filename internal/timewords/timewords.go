// Package timewords says a length of time the way a person does ("1 hour",
// "1 hour 30 minutes"), never as Go prints a time.Duration ("1h0m0s"). Every
// duration a user reads goes through it.
package timewords

import (
	"strconv"
	"time"
)

// units, largest first.
var units = []struct {
	d    time.Duration
	name string
}{
	{24 * time.Hour, "day"},
	{time.Hour, "hour"},
	{time.Minute, "minute"},
	{time.Second, "second"},
}

// Duration is d in at most two units, rounded to the second: "45 seconds",
// "1 minute 30 seconds", "1 hour", "2 days 3 hours". Below 48 hours hours
// are used rather than days (a token "valid for 24 hours").
func Duration(d time.Duration) string {
	if d < 0 {
		d = -d
	}
	d = d.Round(time.Second)
	for i, u := range units {
		if u.d == 24*time.Hour && d < 48*time.Hour {
			continue
		}
		if d < u.d && u.d != time.Second {
			continue
		}
		n := d / u.d
		s := count(int64(n), u.name)
		if i+1 < len(units) {
			next := units[i+1]
			if r := (d - n*u.d) / next.d; r > 0 {
				s += " " + count(int64(r), next.name)
			}
		}
		return s
	}
	return "0 seconds"
}

// Rough is d in its largest unit only, rounded down ("about 3 hours"); at
// least minutes.
func Rough(d time.Duration) string {
	if d < 0 {
		d = -d
	}
	switch {
	case d >= 48*time.Hour:
		return count(int64(d/(24*time.Hour)), "day")
	case d >= 2*time.Hour:
		return count(int64(d/time.Hour), "hour")
	default:
		return count(int64(d/time.Minute), "minute")
	}
}

func count(n int64, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return strconv.FormatInt(n, 10) + " " + unit + "s"
}
