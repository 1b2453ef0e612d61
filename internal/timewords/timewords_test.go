package timewords

import (
	"testing"
	"time"
)

func TestDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{
		0:                                "0 seconds",
		time.Second:                      "1 second",
		45 * time.Second:                 "45 seconds",
		90 * time.Second:                 "1 minute 30 seconds",
		time.Hour:                        "1 hour",
		time.Hour + 499*time.Millisecond: "1 hour",
		time.Hour + 30*time.Minute:       "1 hour 30 minutes",
		24 * time.Hour:                   "24 hours",
		50 * time.Hour:                   "2 days 2 hours",
		-5 * time.Minute:                 "5 minutes",
	} {
		if got := Duration(d); got != want {
			t.Errorf("Duration(%v) = %q, want %q", d, got, want)
		}
	}
}

func TestRough(t *testing.T) {
	for d, want := range map[time.Duration]string{
		5 * time.Minute:              "5 minutes",
		time.Minute:                  "1 minute",
		3*time.Hour + 59*time.Minute: "3 hours",
		72 * time.Hour:               "3 days",
		-(90 * time.Minute):          "90 minutes",
	} {
		if got := Rough(d); got != want {
			t.Errorf("Rough(%v) = %q, want %q", d, got, want)
		}
	}
}
