package main

import (
	"bytes"
	"fmt"
	"os/exec"
	"strings"
	"time"
)

// Timing is one command's wall-clock times, in milliseconds.
type Timing struct {
	Command  string    `json:"command"`
	Runs     int       `json:"runs"`
	MedianMS float64   `json:"median_ms"`
	MinMS    float64   `json:"min_ms"`
	MaxMS    float64   `json:"max_ms"`
	AllMS    []float64 `json:"all_ms"`
}

// cmdFlags collects repeated -cmd NAME=COMMAND flags, in order.
type cmdFlags struct {
	names []string
	cmds  map[string][]string
}

func (c *cmdFlags) String() string { return strings.Join(c.names, ",") }

func (c *cmdFlags) Set(v string) error {
	name, command, ok := strings.Cut(v, "=")
	if !ok || name == "" || strings.TrimSpace(command) == "" {
		return fmt.Errorf("want NAME=COMMAND, got %q", v)
	}
	if c.cmds == nil {
		c.cmds = map[string][]string{}
	}
	if _, dup := c.cmds[name]; dup {
		return fmt.Errorf("%s given twice", name)
	}
	c.names = append(c.names, name)
	c.cmds[name] = strings.Fields(command) // arguments hold no spaces
	return nil
}

// runTime runs each command -n times, interleaved (A B C A B C …) so a
// change in the machine's load hits them all alike, after -warmup untimed
// rounds (page cache, keychain daemon, simulator warmed), running -between
// untimed after each round. A command that
// fails stops everything: a failing run is not a timing.
func runTime(args []string) error {
	fs := newFlags("time")
	out := fs.String("o", "", "output JSON `file`")
	n := fs.Int("n", 20, "timed runs of each command")
	warmup := fs.Int("warmup", 2, "untimed rounds first")
	between := fs.String("between", "", "untimed `COMMAND` run after every round (split at spaces)")
	var cmds cmdFlags
	fs.Var(&cmds, "cmd", "`NAME=COMMAND` to time (repeat); COMMAND is split at spaces")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if len(cmds.names) == 0 {
		return fmt.Errorf("no -cmd given")
	}
	all := map[string][]float64{}
	for round := 0; round < *warmup+*n; round++ {
		for _, name := range cmds.names {
			argv := cmds.cmds[name]
			c := exec.Command(argv[0], argv[1:]...)
			var stderr bytes.Buffer
			c.Stderr = &stderr
			start := time.Now()
			err := c.Run()
			took := time.Since(start)
			if err != nil {
				return fmt.Errorf("%s failed (%v):\n%s", name, err, stderr.String())
			}
			if round >= *warmup {
				all[name] = append(all[name], float64(took.Microseconds())/1000)
			}
		}
		if argv := strings.Fields(*between); len(argv) > 0 {
			if out, err := exec.Command(argv[0], argv[1:]...).CombinedOutput(); err != nil {
				return fmt.Errorf("-between %s failed (%v):\n%s", *between, err, out)
			}
		}
	}
	res := map[string]Timing{}
	for _, name := range cmds.names {
		ms := all[name]
		res[name] = Timing{
			Command:  strings.Join(cmds.cmds[name], " "),
			Runs:     len(ms),
			MedianMS: median(ms),
			MinMS:    minOf(ms),
			MaxMS:    maxOf(ms),
			AllMS:    ms,
		}
		fmt.Printf("%-24s median %7.1f ms  (min %.1f, max %.1f, %d runs)\n", name, median(ms), minOf(ms), maxOf(ms), len(ms))
	}
	return writeJSON(*out, res)
}

func minOf(xs []float64) float64 {
	m := 0.0
	for i, x := range xs {
		if i == 0 || x < m {
			m = x
		}
	}
	return m
}

func maxOf(xs []float64) float64 {
	m := 0.0
	for _, x := range xs {
		m = max(m, x)
	}
	return m
}
