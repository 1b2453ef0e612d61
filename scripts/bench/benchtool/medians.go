package main

import (
	"bufio"
	"fmt"
	"os"
	"path"
	"regexp"
	"strconv"
	"strings"
)

// Bench is one Go benchmark's results over its runs (-count N): each unit's
// median, and how many runs there were.
type Bench struct {
	Runs    int                `json:"runs"`
	Medians map[string]float64 `json:"medians"` // unit ("ns/op", "B/op", "cancel-ended-p50-ms", …) -> median
	Min     map[string]float64 `json:"min"`
	Max     map[string]float64 `json:"max"`
}

// procSuffix is the -GOMAXPROCS suffix go test adds to a benchmark's name.
var procSuffix = regexp.MustCompile(`-\d+$`)

// runMedians reads `go test -bench` output and writes, per benchmark (named
// "pkg/BenchmarkName[/sub]"), the median of every unit.
func runMedians(args []string) error {
	fs := newFlags("medians")
	out := fs.String("o", "", "output JSON `file`")
	if err := fs.Parse(args); err != nil {
		return err
	}
	values := map[string]map[string][]float64{}
	runs := map[string]int{}
	for _, file := range fs.Args() {
		f, err := os.Open(file)
		if err != nil {
			return err
		}
		pkg := ""
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			line := sc.Text()
			if p, ok := strings.CutPrefix(line, "pkg: "); ok {
				pkg = path.Base(strings.TrimSpace(p))
				continue
			}
			fields := strings.Fields(line)
			if len(fields) < 4 || !strings.HasPrefix(fields[0], "Benchmark") {
				continue
			}
			if _, err := strconv.Atoi(fields[1]); err != nil {
				continue // a log line that happens to start with Benchmark
			}
			name := pkg + "/" + procSuffix.ReplaceAllString(fields[0], "")
			if values[name] == nil {
				values[name] = map[string][]float64{}
			}
			runs[name]++
			for i := 2; i+1 < len(fields); i += 2 {
				v, err := strconv.ParseFloat(fields[i], 64)
				if err != nil {
					return fmt.Errorf("%s: %q is not a number in %q", file, fields[i], line)
				}
				values[name][fields[i+1]] = append(values[name][fields[i+1]], v)
			}
		}
		f.Close()
		if err := sc.Err(); err != nil {
			return err
		}
	}
	if len(values) == 0 {
		return fmt.Errorf("no benchmark results in %v", fs.Args())
	}
	res := map[string]Bench{}
	for name, units := range values {
		b := Bench{Runs: runs[name], Medians: map[string]float64{}, Min: map[string]float64{}, Max: map[string]float64{}}
		for unit, vs := range units {
			b.Medians[unit], b.Min[unit], b.Max[unit] = median(vs), minOf(vs), maxOf(vs)
		}
		res[name] = b
	}
	return writeJSON(*out, res)
}
