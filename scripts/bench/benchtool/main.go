// Command benchtool does the measuring and reporting of scripts/bench/run.sh
// (make bench) that a shell does badly: medians of Go benchmark output,
// interleaved timing of whole processes, the wizard's first frame and peak
// memory under Xvfb, and the Markdown report docs/BENCHMARKS.md.
//
//	benchtool machine -o FILE
//	benchtool medians -o FILE BENCH_OUTPUT...
//	benchtool time    -o FILE [-n 20] [-warmup 2] -cmd NAME=COMMAND...
//	benchtool window  -o FILE -display :N [-n 10] [-warm] [-settle 3s] -- COMMAND...
//	benchtool report  -dir WORKDIR -o docs/BENCHMARKS.md
//
// Every figure it reports is a median over repeated runs.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"slices"
)

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	cmd, args := os.Args[1], os.Args[2:]
	var err error
	switch cmd {
	case "machine":
		err = runMachine(args)
	case "medians":
		err = runMedians(args)
	case "time":
		err = runTime(args)
	case "window":
		err = runWindow(args)
	case "report":
		err = runReport(args)
	default:
		usage()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchtool "+cmd+":", err)
		os.Exit(1)
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: benchtool machine|medians|time|window|report [flags] (see the package comment)")
	os.Exit(2)
}

// median of xs (xs is not changed); 0 for none.
func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

func writeJSON(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}

func readJSON(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}

// newFlags is a FlagSet that reports its own errors as returned errors.
func newFlags(name string) *flag.FlagSet {
	return flag.NewFlagSet("benchtool "+name, flag.ContinueOnError)
}
