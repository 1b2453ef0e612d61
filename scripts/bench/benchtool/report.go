package main

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// inputs are the files run.sh leaves in its work folder.
type inputs struct {
	start, end  Machine
	bench       map[string]Bench
	cli         map[string]Timing
	cold, warm  Window
	bare        Window // scripts/bench/barewindow, cold
	bareWarm    Window
	kinds       Window // barewindow -kinds: the first page's kinds of drawing, cold
	kindsWarm   Window
	binaryBytes int64
	bareBytes   int64 // the bare window's binary, built the same way
	count       int   // -count of the Go benchmarks
}

func runReport(args []string) error {
	fs := newFlags("report")
	dir := fs.String("dir", "", "run.sh's work `folder`")
	out := fs.String("o", "docs/BENCHMARKS.md", "Markdown `file` to write")
	count := fs.Int("count", 10, "the -count the benchmarks ran with")
	if err := fs.Parse(args); err != nil {
		return err
	}
	in := inputs{count: *count}
	for name, v := range map[string]any{
		"machine-start.json": &in.start, "machine-end.json": &in.end, "medians.json": &in.bench,
		"cli.json": &in.cli, "window-cold.json": &in.cold, "window-warm.json": &in.warm,
		"window-bare.json": &in.bare, "window-bare-warm.json": &in.bareWarm,
		"window-kinds.json": &in.kinds, "window-kinds-warm.json": &in.kindsWarm,
	} {
		if err := readJSON(filepath.Join(*dir, name), v); err != nil {
			return err
		}
	}
	fi, err := os.Stat(filepath.Join(*dir, "dcrwizard"))
	if err != nil {
		return err
	}
	in.binaryBytes = fi.Size()
	if fi, err := os.Stat(filepath.Join(*dir, "barewindow")); err == nil {
		in.bareBytes = fi.Size()
	}
	return os.WriteFile(*out, []byte(in.markdown()), 0o644)
}

// bareSize is the bare window's binary size in words.
func (in *inputs) bareSize() string {
	if in.bareBytes == 0 {
		return "not measured"
	}
	return fmt.Sprintf("%.2f MiB", float64(in.bareBytes)/(1<<20))
}

// ms is a benchmark's median time per operation in milliseconds; -1 when
// it did not run (skipped).
func (in *inputs) ms(name string) float64 {
	b, ok := in.bench[name]
	if !ok {
		return -1
	}
	return b.Medians["ns/op"] / 1e6
}

func (in *inputs) metric(name, unit string) float64 {
	if b, ok := in.bench[name]; ok {
		if v, ok := b.Medians[unit]; ok {
			return v
		}
	}
	return -1
}

// binaryPart is window.go's name for the program's own mapped file.
const binaryPart = "the program's binary (code and data)"

func verdict(ok bool) string {
	if ok {
		return "**PASS**"
	}
	return "**MISS**"
}

func fmtMS(v float64) string {
	switch {
	case v < 0:
		return "not run"
	case v < 0.1:
		return fmt.Sprintf("%.3f ms", v)
	case v < 10:
		return fmt.Sprintf("%.2f ms", v)
	}
	return fmt.Sprintf("%.0f ms", v)
}

// markdown is docs/BENCHMARKS.md: a section per part of the program
// measured, then the targets missed and how to run it again.
func (in *inputs) markdown() string {
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	f := in.figures()
	in.writeIntro(p)
	in.writeTargets(p, f)
	in.writeOpen(p)
	in.writeFlow(p, f)
	in.writeRegistrar(p, f)
	in.writeRTT(p)
	in.writeProcesses(p)
	in.writeWizard(p)
	in.writeResponsiveness(p)
	in.writeWhereTimeGoes(p, f)
	if misses := in.misses(f); len(misses) > 0 {
		p("\n## Missed targets\n\n")
		for _, m := range misses {
			p("- %s\n", m)
		}
	}
	p("\n## Reproduce\n\n```sh\nmake bench                      # all of it, about 9 minutes on 2 cores; writes this file\nCOUNT=3 RUNS=5 make bench       # a quicker, noisier pass\n```\n")
	return b.String()
}

// printer writes formatted text to the report.
type printer func(format string, args ...any)

// uiBench is the wizard's responsiveness benchmark.
const uiBench = "ui/BenchmarkResponsiveWhileRegistering"

// figures are the medians (ms, MiB) that several sections use; -1 for a
// benchmark that did not run.
type figures struct {
	flowReg     float64 // one registration in process
	floor       float64 // its physical floor: a signature, its check, two POSTs
	keychainReg float64 // the registrar's, with the keychain
	regXML      float64 // dcrwizard register with keystore.xml
	regPEM      float64 // dcrwizard register with a PEM file
	shell       float64 // openssl-curl.sh with the same PEM file
	version     float64 // dcrwizard version: process start
	sizeMB      float64 // the release binary
	mesa        float64 // the software renderer's share of the wizard's RSS, cold
}

// figures reads the shared medians from in.
func (in *inputs) figures() figures {
	f := figures{
		flowReg:     in.ms("flow/BenchmarkRegister"),
		floor:       in.ms("flow/BenchmarkFloorRSASign") + in.ms("flow/BenchmarkFloorRSAVerify") + in.ms("flow/BenchmarkFloorTwoPOSTs"),
		keychainReg: in.ms("registrar/BenchmarkRegisterKeychain"),
		regXML:      in.cli["register-keystore-xml"].MedianMS,
		regPEM:      in.cli["register-pem"].MedianMS,
		shell:       in.cli["openssl-curl"].MedianMS,
		version:     in.cli["version"].MedianMS,
		sizeMB:      float64(in.binaryBytes) / (1 << 20),
	}
	for _, k := range rssParts(in.cold) {
		if strings.HasPrefix(k, "Mesa") || strings.HasPrefix(k, "C heap") {
			f.mesa += in.cold.RSSByMB[k]
		}
	}
	return f
}

// rssParts are the parts of w's resident memory, largest first.
func rssParts(w Window) []string {
	var kinds []string
	for k := range w.RSSByMB {
		kinds = append(kinds, k)
	}
	sort.Slice(kinds, func(i, j int) bool { return w.RSSByMB[kinds[i]] > w.RSSByMB[kinds[j]] })
	return kinds
}

// writeIntro is the title, how the figures were taken and on what machine.
func (in *inputs) writeIntro(p printer) {
	p("# Benchmarks\n\n")
	p("Written by `make bench` (`scripts/bench/run.sh`); do not edit by hand — run it again. ")
	p("Every figure is a **median**: Go benchmarks over %d runs (`-count %d`), whole processes over %d interleaved runs, the wizard over %d launches. ",
		in.count, in.count, in.cli["openssl-curl"].Runs, in.cold.Runs)
	p("Where there is a baseline, the comparison is a ratio of two figures taken in the same run.\n\n")
	p("**Machine:** %s, %d cores, Linux %s, %s; %s.  \n", in.start.CPU, in.start.Cores, in.start.Kernel, in.start.Go, in.start.Date)
	p("**Load average** (1/5/15 min) at the start: %s; at the end: %s. ", in.start.LoadAvg, in.end.LoadAvg)
	p("The machine is shared with other work, so absolute times carry noise; the ratios are steadier.\n\n")
}

// writeTargets is the table of every target against its median.
func (in *inputs) writeTargets(p printer, f figures) {
	p("## Targets\n\n| What | Median | Target | |\n|---|---|---|---|\n")
	p("| One registration in process (JWT, token, DCR against the simulator over loopback HTTP) | %s (%.1f× the physical floor of %s) | ≤ 5 ms | %s |\n",
		fmtMS(f.flowReg), f.flowReg/f.floor, fmtMS(f.floor), verdict(f.flowReg >= 0 && f.flowReg <= 5))
	p("| `dcrwizard register` as a whole process (ATO keystore.xml, keychain write and read-back included) | %s | ≤ 40 ms | %s |\n",
		fmtMS(f.regXML), verdict(f.regXML <= 40))
	p("| `dcrwizard register` vs the openssl + curl script, same PEM file | %s vs %s = **%.2f×** | ≤ 0.5× | %s |\n",
		fmtMS(f.regPEM), fmtMS(f.shell), f.regPEM/f.shell, verdict(f.regPEM/f.shell <= 0.5))
	p("| Wizard: launch to first frame, fresh HOME (cold caches) | %s | ≤ 700 ms | %s |\n", fmtMS(in.cold.FirstFrameMS), verdict(in.cold.FirstFrameMS <= 700))
	p("| Wizard: launch to first frame, second and later launches | %s | ≤ 700 ms | %s |\n", fmtMS(in.warm.FirstFrameMS), verdict(in.warm.FirstFrameMS <= 700))
	p("| Wizard: peak RSS (VmHWM, settled on the first page) | %.0f MiB (a bare Fyne window on the same screen: %.0f MiB) | ≤ 100 MB | %s |\n",
		in.cold.PeakRSSMB, in.bare.PeakRSSMB, verdict(in.cold.PeakRSSMB <= 100))
	p("| Release binary (`-trimpath -ldflags \"-s -w\"`) | %.1f MiB | ≤ 30 MB | %s |\n", f.sizeMB, verdict(f.sizeMB <= 30))
	rttWarm, rttCold := in.ms("registrar/BenchmarkRegisterRTT/100msRTT/warm"), in.ms("registrar/BenchmarkRegisterRTT/100msRTT/cold")
	p("| Register → stored at 100 ms RTT, TLS 1.3, two hosts: warm (pre-connected) · cold beside it | %s = %.2f RTT · cold %s = %.2f RTT | warm ≤ 2.3 RTT + 20 ms = 250 ms | %s |\n",
		fmtMS(rttWarm), in.metric("registrar/BenchmarkRegisterRTT/100msRTT/warm", "RTT"), fmtMS(rttCold), in.metric("registrar/BenchmarkRegisterRTT/100msRTT/cold", "RTT"),
		verdict(rttWarm >= 0 && rttWarm <= 250))
	p("| Wizard first frame ÷ the bare window's, cold · warm (÷ the first page's kinds of drawing: cold · warm) | **%.2f×** · %.2f× (%.2f× · %.2f×) | ≤ 1.1× | %s |\n",
		in.cold.FirstFrameMS/in.bare.FirstFrameMS, in.warm.FirstFrameMS/in.bareWarm.FirstFrameMS,
		in.cold.FirstFrameMS/in.kinds.FirstFrameMS, in.warm.FirstFrameMS/in.kindsWarm.FirstFrameMS,
		verdict(in.cold.FirstFrameMS <= 1.1*in.bare.FirstFrameMS))
	p("| Wizard peak RSS above the bare window's, cold (above the kinds window's) | **+%.1f MiB** (+%.1f MiB) | ≤ +10 MiB | %s |\n",
		in.cold.PeakRSSMB-in.bare.PeakRSSMB, in.cold.PeakRSSMB-in.kinds.PeakRSSMB, verdict(in.cold.PeakRSSMB-in.bare.PeakRSSMB <= 10))
	p("| Release binary, no growth (issue 20) | %.2f MiB (the bare window: %s) | ≤ 21 MiB | %s |\n", f.sizeMB, in.bareSize(), verdict(f.sizeMB <= 21))
	postP99, keyP99 := in.metric(uiBench, "post-p99-ms"), in.metric(uiBench, "key-p99-ms")
	p("| UI event handled while a registration is in flight (p99: posted event / key press) | %s / %s | < 50 ms | %s |\n",
		fmtMS(postP99), fmtMS(keyP99), verdict(postP99 >= 0 && postP99 < 50 && keyP99 < 50))
	shownP99, endedP99 := in.metric(uiBench, "cancel-shown-p99-ms"), in.metric(uiBench, "cancel-ended-p99-ms")
	p("| Cancel while in flight (p99): page changed / run's goroutines ended and request abandoned | %s / %s | < 50 ms / promptly (tests check that Cancel ends the run, not how fast) | %s |\n\n",
		fmtMS(shownP99), fmtMS(endedP99), verdict(shownP99 >= 0 && shownP99 < 50 && endedP99 < 2000))
}

// writeOpen is m2m.Open for each kind of credential file.
func (in *inputs) writeOpen(p printer) {
	p("## Opening a credential file (`m2m.Open`)\n\n")
	p("The password's key derivation is the cost, and the file chooses it: the ATO sample asks for 1,024 PKCS#12-KDF iterations, ")
	p("our keystore.xml writer 10,000, our .p12 and PEM writers PBKDF2-SHA-256 with 200,000.\n\n")
	p("| File | Median | Memory | Allocations |\n|---|---|---|---|\n")
	for _, c := range []struct{ name, label string }{
		{"ato-sample-keystore", "ATO sample keystore.xml (2 credentials)"},
		{"keystore-xml", "keystore.xml written by DCR Wizard"},
		{"p12", ".p12 (PKCS#12)"},
		{"pem", "PEM (chain + encrypted PKCS#8)"},
	} {
		n := "m2m/BenchmarkOpen/" + c.name
		p("| %s | %s | %.0f KB | %.0f |\n", c.label, fmtMS(in.ms(n)), in.metric(n, "B/op")/1024, in.metric(n, "allocs/op"))
	}
}

// writeFlow is the three ATO steps in process, beside their floor.
func (in *inputs) writeFlow(p printer, f figures) {
	p("\n## The three ATO steps in process (`flow`)\n\n| What | Median |\n|---|---|\n")
	p("| Build and sign one JWT (step 1) | %s |\n", fmtMS(in.ms("flow/BenchmarkSignJWT")))
	p("| One registration: JWT, token request, DCR POST, new HTTP client and connection each time | %s |\n", fmtMS(f.flowReg))
	p("| *Floor:* one RSA-2048 signature | %s |\n", fmtMS(in.ms("flow/BenchmarkFloorRSASign")))
	p("| *Floor:* its verification (the simulator does it) | %s |\n", fmtMS(in.ms("flow/BenchmarkFloorRSAVerify")))
	p("| *Floor:* two small POSTs over one new loopback connection | %s |\n", fmtMS(in.ms("flow/BenchmarkFloorTwoPOSTs")))
	p("| **Registration ÷ floor** | **%.2f×** |\n\n", f.flowReg/f.floor)
}

// writeRegistrar is the registration with the pending record and keychain.
func (in *inputs) writeRegistrar(p printer, f figures) {
	p("## With the pending record and the keychain (`registrar`)\n\n")
	if f.keychainReg < 0 {
		p("Not run: `registrar/BenchmarkRegisterKeychain` needs the throw-away Secret Service (`make bench` provides it).\n\n")
	} else {
		p("| What | Median |\n|---|---|\n")
		b := in.bench["registrar/BenchmarkRegisterKeychain"]
		p("| Registration end to end: pending record, the three steps, keychain write and read-back (GNOME Keyring) | %s (runs ranged %s – %s) |\n",
			fmtMS(f.keychainReg), fmtMS(b.Min["ns/op"]/1e6), fmtMS(b.Max["ns/op"]/1e6))
		p("| of which the pending record, the index and the keychain (this minus `flow`'s registration) | %s |\n\n", fmtMS(f.keychainReg-f.flowReg))
		p("The keychain's share is the least steady figure here: each of its D-Bus calls crosses three processes (ours, dbus-daemon, gnome-keyring-daemon, which itself spends noticeable CPU per item), ")
		p("so on two shared cores it stretches whenever another program holds a core.\n\n")
	}
}

// writeRTT is the registration over a 100 ms round trip, cold and warm.
func (in *inputs) writeRTT(p printer) {
	p("## Over a real network's round trips (`registrar/BenchmarkRegisterRTT`)\n\n")
	rtt := "registrar/BenchmarkRegisterRTT/"
	if in.ms(rtt+"100msRTT/warm") < 0 {
		p("Not run: it needs the throw-away Secret Service (`make bench` provides it).\n\n")
	} else {
		p("Register pressed → values stored in the keychain, over TLS 1.3, with the token endpoint and the DCR API on two host names (two listeners, `atosimtest.StartTwoHosts`), ")
		p("each behind a loopback forwarder that holds every chunk of data 50 ms in each direction (`internal/netdelay`): a 100 ms round trip (RTT). ")
		p("The physical limit is **2 RTT** plus the local work: the token request, then the registration that needs its answer. ")
		p("*Cold* is a new client that must first open TCP and TLS to each host; *warm* has pre-connected both hosts, as the wizard does while the Review page is shown and the command line does while the keystore's key is decrypted (`flow.Preconnect`); ")
		p("*+verify* adds the test of the new registration (a token as the new client, then the heartbeat: limit +2 RTT). ")
		p("The *loopback* rows are the same runs with no delay: the local work (signing, the pending note, the keychain write and read-back), measured in the same run.\n\n")
		p("| Run | at 100 ms RTT | in RTTs | loopback (local work) | (RTTs − limit) × RTT vs local work |\n|---|---|---|---|---|\n")
		for _, c := range []struct {
			name  string
			limit float64
		}{{"cold", 2}, {"warm", 2}, {"warm+verify", 4}} {
			net, local, r := in.ms(rtt+"100msRTT/"+c.name), in.ms(rtt+"loopback/"+c.name), in.metric(rtt+"100msRTT/"+c.name, "RTT")
			p("| %s | %s | %.2f | %s | %s over the limit |\n", c.name, fmtMS(net), r, fmtMS(local), fmtMS((r-c.limit)*100))
		}
		p("\nGoal: warm Register → stored ≤ 2.3 RTT + 20 ms at 100 ms RTT, i.e. ≤ %s here: %s (%s).\n\n",
			fmtMS(250), fmtMS(in.ms(rtt+"100msRTT/warm")), verdict(in.ms(rtt+"100msRTT/warm") <= 250))
	}
}

// writeProcesses is whole commands against the openssl + curl script.
func (in *inputs) writeProcesses(p printer) {
	p("## Whole processes\n\n")
	p("`dcrwizard simulate` serves the simulator; each command runs %d times, interleaved with the others, after warm-up rounds; ", in.cli["openssl-curl"].Runs)
	p("after each round every registration is forgotten again (untimed, `scripts/bench/forget-all.sh`), so the keychain stays the size of a user's rather than growing with the benchmark. ")
	p("`scripts/bench/openssl-curl.sh` does the same three steps with openssl, curl and jq and keeps nothing; `dcrwizard register` also writes the pending record, the keychain items and the index, and reads the keychain back.\n\n")
	p("| Command | Median | Min | Max |\n|---|---|---|---|\n")
	for _, c := range []struct{ name, label string }{
		{"version", "`dcrwizard version` (process start only)"},
		{"register-keystore-xml", "`dcrwizard register --keystore keystore.xml`"},
		{"register-pem", "`dcrwizard register --keystore practice.pem`"},
		{"openssl-curl", "`openssl-curl.sh` with practice.pem"},
	} {
		t := in.cli[c.name]
		p("| %s | %s | %s | %s |\n", c.label, fmtMS(t.MedianMS), fmtMS(t.MinMS), fmtMS(t.MaxMS))
	}
}

// writeWizard is the wizard's first frame and memory under Xvfb, beside the
// two bare-window floors.
func (in *inputs) writeWizard(p printer) {
	p("\n## The wizard under Xvfb\n\n")
	p("Launched %d times on a bare Xvfb screen (Mesa's llvmpipe software renderer, no window manager). ", in.cold.Runs)
	p("*First frame* is the time from exec until a pixel inside the window changes, read over the X protocol every millisecond. ")
	p("*Cold* launches get a fresh HOME each (no Mesa shader cache, no Fyne settings), as on first use; *warm* ones share one HOME after an untimed first launch.\n\n")
	p("The floor is `scripts/bench/barewindow`: a Fyne window of the wizard's size with one label, built with the same tags and flags and launched the same way, right after the wizard. ")
	p("The second floor, `barewindow -kinds`, adds one of each kind of thing the wizard's first page draws — bold text, a separator, a check box, two buttons with icons (one of high importance) — and nothing of the wizard's own: what any Fyne page with a button costs. ")
	p("*PSS* divides each shared page among the processes mapping it (libLLVM's code is shared with the Xvfb server, which renders with the same Mesa); it is what one more copy of the program costs the machine.\n\n")
	p("| | First frame | Peak RSS | PSS, settled | Go heap, at most |\n|---|---|---|---|---|\n")
	for _, r := range []struct {
		label string
		w     Window
	}{{"Wizard, cold", in.cold}, {"Wizard, warm", in.warm}, {"Bare Fyne window (floor), cold", in.bare}, {"Bare Fyne window (floor), warm", in.bareWarm},
		{"Bare window with the first page's kinds, cold", in.kinds}, {"Bare window with the first page's kinds, warm", in.kindsWarm}} {
		p("| %s | %s | %.1f MiB | %.0f MiB | %.0f MiB |\n", r.label, fmtMS(r.w.FirstFrameMS), r.w.PeakRSSMB, r.w.PssMB, r.w.GoHeapMB)
	}
	for _, d := range []struct {
		label      string
		wiz, floor Window
	}{{"**Wizard above the bare window**, cold", in.cold, in.bare}, {"**Wizard above the bare window**, warm", in.warm, in.bareWarm},
		{"Wizard above the kinds window, cold", in.cold, in.kinds}, {"Wizard above the kinds window, warm", in.warm, in.kindsWarm}} {
		p("| %s | %s (%.2f×) | **%+.1f MiB** | %+.0f MiB | %+.0f MiB |\n", d.label, fmtMS(d.wiz.FirstFrameMS-d.floor.FirstFrameMS), d.wiz.FirstFrameMS/d.floor.FirstFrameMS,
			d.wiz.PeakRSSMB-d.floor.PeakRSSMB, d.wiz.PssMB-d.floor.PssMB, d.wiz.GoHeapMB-d.floor.GoHeapMB)
	}
	p("\n")
	p("Between the two floors is what Fyne and the renderer charge for a page with a button, before the wizard does anything (cold: %s and %+.1f MiB). ",
		fmtMS(in.kinds.FirstFrameMS-in.bare.FirstFrameMS), in.kinds.PeakRSSMB-in.bare.PeakRSSMB)
	p("Fyne draws button labels in bold, and every text style costs a font parse twice over (its theme font, and a system fallback font found through go-text's fontscan, which Fyne 2.7 loads for every style up front), so the second style alone is about 3 MiB of Go heap. ")
	p("Every kind of shape (rectangle, rounded rectangle, line) is a GL program of its own, and Mesa's llvmpipe compiles each one's shader variant with LLVM the first time it draws it: most of the cold gap, and what Mesa's shader cache saves on warm launches. ")
	p("The first page uses the fonts it needs and no more: regular and bold (no monospace, italic or symbol face is loaded until a later page shows one), and the other pages are built when first shown.\n\n")
	p("Where the resident memory is (cold launches, median, from `/proc/PID/smaps`):\n\n| Part | RSS |\n|---|---|\n")
	for _, k := range rssParts(in.cold) {
		if in.cold.RSSByMB[k] >= 0.5 {
			p("| %s | %.1f MiB |\n", k, in.cold.RSSByMB[k])
		}
	}
	p("\nThe Go heap within the anonymous memory: at most %.0f MiB when a collection started (`GODEBUG=gctrace=1`, median of the launches). ", in.cold.GoHeapMB)
	p("Most of it is fonts: Fyne parses its theme fonts once per text style, plus one system font per style through go-text's fontscan. ")
	p("Builds use Fyne's `no_emoji` tag (`scripts/build-tags`): the bundled 4 MB colour emoji font would otherwise be parsed for every style too, about 15 MiB more at peak and 4 MiB more binary; an emoji in a name still shows through the system's emoji font.\n\n")
	p("The binary's share depends on how the kernel holds the file, not only on the program: the same binary measured up to 4 MiB more when freshly written than when read back from disk (the page cache maps a written file in larger pieces). ")
	p("The wizard and both floors are therefore built fresh into one folder in the same run; to compare two versions of the wizard, build or copy both the same way, then launch them in turn.\n")
}

// writeResponsiveness is the wizard's UI while a registration is in flight.
func (in *inputs) writeResponsiveness(p printer) {
	p("\n## UI responsiveness while a registration is in flight\n\n")
	p("`ui/BenchmarkResponsiveWhileRegistering`: the wizard on Fyne's test driver, a registration started with the simulator holding the DCR POST open; ")
	p("per iteration 10 samples of each measure, then Cancel. Medians over the runs of each percentile.\n\n")
	p("| Measure | p50 | p99 |\n|---|---|---|\n")
	for _, m := range []struct{ unit, label string }{
		{"post", "Event posted from another goroutine until the UI goroutine ran it"},
		{"key", "Key press (Escape, ignored while running) handled"},
		{"frame", "Whole window drawn by the test driver's software painter (not the GL driver)"},
		{"cancel-shown", "Cancel tapped until the page says cancelled"},
		{"cancel-ended", "Cancel tapped until the run's goroutines ended and the server saw the request abandoned"},
	} {
		p("| %s | %s | %s |\n", m.label, fmtMS(in.metric(uiBench, m.unit+"-p50-ms")), fmtMS(in.metric(uiBench, m.unit+"-p99-ms")))
	}
}

// writeWhereTimeGoes explains the figures: what each is made of.
func (in *inputs) writeWhereTimeGoes(p printer, f figures) {
	p("\n## Where the time goes\n\n")
	p("- **`dcrwizard register` (%s)** ≈ process start %s (`dcrwizard version`: the CLI is the GUI binary, so it maps the GL/X11 libraries and runs every Fyne package's init — `GODEBUG=inittrace=1` shows about 8 ms of init, Fyne's translations the largest) ",
		fmtMS(f.regXML), fmtMS(f.version))
	rest := f.regXML - f.version - in.ms("m2m/BenchmarkOpen/keystore-xml") - f.flowReg
	p("+ opening keystore.xml %s + the three ATO steps %s + the rest, %s: the pending record, the keychain write and read-back, the index, and connecting to the session bus. ",
		fmtMS(in.ms("m2m/BenchmarkOpen/keystore-xml")), fmtMS(f.flowReg), fmtMS(rest))
	p("The ATO steps themselves (JWT and two loopback round trips) are a small part; process start and the keychain dominate.\n")
	p("- **The keychain:** a registration's four items (registration access token, registration client URI, consumer key, and the by-name client ID) are written and read back over one Secret Service session (about a dozen D-Bus method calls; go-keyring's per-item functions took a session and an unlock each, 5 calls per write and 7 per read). Each call goes through dbus-daemon to gnome-keyring, which rewrites and fsyncs its keyring file for every item written, about 3 ms each here: that is most of what is left. The pending record and the index are small files written with fsync.\n")
	p("- **With the PEM file** the 200,000-iteration PBKDF2 adds about %s; the shell script pays the same in `openssl dgst -sign`, plus seven more process starts (openssl ×2, curl ×2, jq ×3).\n",
		fmtMS(in.ms("m2m/BenchmarkOpen/pem")-in.ms("m2m/BenchmarkOpen/keystore-xml")))
	p("- **The .p12** takes %.1f× the PEM's time at the same iteration count: it derives twice (the MAC's key with go-pkcs12's PKCS#12 KDF, which allocates once per iteration — its %.0f allocations — and then the key's PBKDF2).\n",
		in.ms("m2m/BenchmarkOpen/p12")/in.ms("m2m/BenchmarkOpen/pem"), in.metric("m2m/BenchmarkOpen/p12", "allocs/op"))
	p("- **In process**, a registration costs %.1f× its floor: the rest is JSON, the simulator's own checks (certificate chain, HMAC tokens, request log) and Go's HTTP machinery.\n", f.flowReg/f.floor)
	p("- **The wizard's memory** is mostly the software renderer: Mesa's llvmpipe with its LLVM JIT, its driver and the C heap come to about %.0f MiB of the %.0f MiB; the binary's mapped code is %.0f MiB and the Go heap at most %.0f MiB. ",
		f.mesa, in.cold.PeakRSSMB, in.cold.RSSByMB[binaryPart], in.cold.GoHeapMB)
	p("A bare Fyne window already peaks at %.0f MiB on this screen, so the wizard adds %.0f MiB to what any Fyne program costs here. On a machine with a GPU driver the Mesa share differs.\n",
		in.bare.PeakRSSMB, in.cold.PeakRSSMB-in.bare.PeakRSSMB)
	p("- **First frame** includes creating the GL context with llvmpipe (compiling its shaders); warm launches reuse Mesa's shader cache.\n")
	if w := in.ms("registrar/BenchmarkRegisterRTT/100msRTT/warm"); w >= 0 {
		p("- **Register → stored, warm (%s)** = the 2 round trips (200 ms) + %s of local work, which the loopback run puts at %s: the keychain and index checks before anything is sent, "+
			"the signature, the pending note (written beside the token request, so it costs no time on a real network), then after the ATO's answer the accepted note and the keychain save "+
			"(one Secret Service session for all four items). Nothing is sent before Register is pressed: the pre-made connections only carry the TCP and TLS handshakes.\n",
			fmtMS(w), fmtMS(w-200), fmtMS(in.ms("registrar/BenchmarkRegisterRTT/loopback/warm")))
	}
}

// misses says, for each target missed, why and what would meet it.
func (in *inputs) misses(f figures) []string {
	var misses []string
	if f.regXML > 40 {
		misses = append(misses, fmt.Sprintf("**`dcrwizard register` over 40 ms (%s).** Not the ATO steps: process start (%s) and the keychain are most of it. "+
			"What would meet it: a command line that does not link and initialise Fyne (`main.go` imports `ui` and Fyne's `app` for every subcommand); "+
			"on a busy machine, rerun when the load average is low.",
			fmtMS(f.regXML), fmtMS(f.version)))
	}
	if in.cold.PeakRSSMB > 100 {
		why := fmt.Sprintf("About %.0f MiB of it is Mesa's software renderer under Xvfb; DCR Wizard adds %.0f MiB to a bare Fyne window (%.0f MiB). ",
			f.mesa, in.cold.PeakRSSMB-in.bare.PeakRSSMB, in.bare.PeakRSSMB)
		if in.bare.PeakRSSMB > 100 {
			why += "No Fyne program meets 100 MB on this screen: the floor alone is over it. Meeting it needs a measurement on a machine with a GPU driver, or a target stated above the floor. "
		}
		misses = append(misses, fmt.Sprintf("**Peak RSS over 100 MB (%.0f MiB).** %sThe target was kept as written, not adjusted to the renderer.", in.cold.PeakRSSMB, why))
	}
	if in.cold.FirstFrameMS > 1.1*in.bare.FirstFrameMS || in.cold.PeakRSSMB-in.bare.PeakRSSMB > 10 {
		misses = append(misses, fmt.Sprintf("**The wizard does not open like a bare one-label window (%.2f× its first frame, %+.1f MiB).** "+
			"The bare window with only the kinds of drawing the first page has — bold text, buttons, a check box, a separator — is already %.2f× and %+.1f MiB: "+
			"Fyne's per-style fonts (bold for every button label, each with a system fallback font loaded up front) and llvmpipe's per-shape shader compiles. "+
			"Against that floor the wizard is %.2f× and %+.1f MiB: its own part, the longer wrapped text being shaped and measured, and a bigger binary mapped. "+
			"Meeting the goal against the one-label window needs a first page without bold text or buttons, or changes inside Fyne (fonts loaded on first use of a glyph); it was kept as written.",
			in.cold.FirstFrameMS/in.bare.FirstFrameMS, in.cold.PeakRSSMB-in.bare.PeakRSSMB,
			in.kinds.FirstFrameMS/in.bare.FirstFrameMS, in.kinds.PeakRSSMB-in.bare.PeakRSSMB,
			in.cold.FirstFrameMS/in.kinds.FirstFrameMS, in.cold.PeakRSSMB-in.kinds.PeakRSSMB))
	}
	if f.sizeMB > 21 {
		misses = append(misses, fmt.Sprintf("**Release binary over 21 MiB (%.2f MiB).** The bare Fyne window alone is %s; the rest is the program: TLS and HTTP, X.509 and PKCS#12, the built-in ATO simulator, the keychain over D-Bus and the wizard's pages. "+
			"HTTP/2 is already left out (`nethttpomithttp2`, 0.5 MiB) and so is Fyne's colour emoji font (`no_emoji`, 4 MiB).", f.sizeMB, in.bareSize()))
	}
	if f.flowReg > 5 || f.regPEM/f.shell > 0.5 || in.cold.FirstFrameMS > 700 || in.warm.FirstFrameMS > 700 || f.sizeMB > 30 {
		misses = append(misses, "Other targets missed in this run: see the table above; on a busy machine rerun when the load average is low.")
	}
	return misses
}
