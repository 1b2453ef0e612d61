package main

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Window is the wizard's start-up under Xvfb: time from exec to the first
// frame on screen, and memory once it has settled. Medians over Runs.
type Window struct {
	Runs         int                `json:"runs"`
	Warm         bool               `json:"warm"` // HOME (Mesa's shader cache, Fyne's settings) kept between runs
	FirstFrameMS float64            `json:"first_frame_ms"`
	PeakRSSMB    float64            `json:"peak_rss_mb"` // VmHWM
	RSSByMB      map[string]float64 `json:"rss_by_mb"`   // where the resident memory is, from smaps
	GoHeapMB     float64            `json:"go_heap_mb"`  // largest Go heap a GC started at (GODEBUG=gctrace=1)
	PssMB        float64            `json:"pss_mb"`      // proportional set size once settled: shared pages divided among their users
	AllFrameMS   []float64          `json:"all_first_frame_ms"`
	AllPeakMB    []float64          `json:"all_peak_rss_mb"`
}

// The probe point: inside the wizard's window, which Xvfb (no window
// manager) maps at the top left, 900x650.
const probeX, probeY = 450, 325

// runWindow starts COMMAND -n times on the X display and, each time, polls
// one pixel of the screen until it changes: that is the first frame the
// program drew (a mapped but undrawn window shows what was there before).
// After -settle it reads the process's peak RSS and where its memory is,
// then stops it.
func runWindow(args []string) error {
	fs := newFlags("window")
	out := fs.String("o", "", "output JSON `file`")
	display := fs.String("display", "", "X display, e.g. :57 (a Xvfb with no window manager)")
	n := fs.Int("n", 10, "launches")
	warm := fs.Bool("warm", false, "keep one HOME for all launches (after an untimed first one)")
	settle := fs.Duration("settle", 3*time.Second, "wait after the first frame before reading memory")
	if err := fs.Parse(args); err != nil {
		return err
	}
	argv := fs.Args()
	if *display == "" || len(argv) == 0 {
		return errors.New("need -display and a command")
	}
	x, err := dialX(*display)
	if err != nil {
		return err
	}
	defer x.Close()
	res := Window{Warm: *warm, RSSByMB: map[string]float64{}}
	parts := map[string][]float64{}
	var goHeap, pss []float64
	home := ""
	if *warm {
		if home, err = os.MkdirTemp("", "benchtool-home-"); err != nil {
			return err
		}
		defer os.RemoveAll(home)
		if _, _, err := launch(x, *display, home, argv, 0); err != nil { // fills the caches
			return err
		}
	}
	for i := 0; i < *n; i++ {
		h := home
		if !*warm {
			if h, err = os.MkdirTemp("", "benchtool-home-"); err != nil {
				return err
			}
		}
		frame, mem, err := launch(x, *display, h, argv, *settle)
		if !*warm {
			os.RemoveAll(h)
		}
		if err != nil {
			return err
		}
		res.AllFrameMS = append(res.AllFrameMS, float64(frame.Microseconds())/1000)
		goHeap = append(goHeap, mem["goheap"])
		pss = append(pss, mem["pss"])
		res.AllPeakMB = append(res.AllPeakMB, mem["peak"])
		for k, v := range mem {
			if k != "peak" && k != "goheap" && k != "pss" {
				parts[k] = append(parts[k], v)
			}
		}
		fmt.Printf("launch %d: first frame %.0f ms, peak RSS %.1f MB\n", i+1, float64(frame.Microseconds())/1000, mem["peak"])
	}
	res.Runs = *n
	res.FirstFrameMS = median(res.AllFrameMS)
	res.PeakRSSMB = median(res.AllPeakMB)
	res.GoHeapMB = median(goHeap)
	res.PssMB = median(pss)
	for k, v := range parts {
		res.RSSByMB[k] = median(v)
	}
	return writeJSON(*out, res)
}

// launch runs argv once with HOME (and the XDG folders) in home, and
// returns the time to the first frame and, after settle, the memory
// figures in MB ("peak" is VmHWM). settle 0 only waits for the frame.
func launch(x *xconn, display, home string, argv []string, settle time.Duration) (time.Duration, map[string]float64, error) {
	before, err := x.pixel(probeX, probeY)
	if err != nil {
		return 0, nil, err
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = append(envWithout(os.Environ(), "HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME", "DISPLAY", "WAYLAND_DISPLAY"),
		"DISPLAY="+display, "HOME="+home,
		"XDG_CONFIG_HOME="+filepath.Join(home, ".config"),
		"XDG_CACHE_HOME="+filepath.Join(home, ".cache"),
		"XDG_DATA_HOME="+filepath.Join(home, ".local", "share"))
	cmd.Env = envWithout(cmd.Env, "GODEBUG") // gctrace alone: the others could change what is measured
	cmd.Env = append(cmd.Env, "GODEBUG=gctrace=1")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return 0, nil, err
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	stop := func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(3 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
		}
	}
	var frame time.Duration
	for {
		p, err := x.pixel(probeX, probeY)
		if err != nil {
			stop()
			return 0, nil, err
		}
		if p != before {
			frame = time.Since(start)
			break
		}
		select {
		case err := <-exited:
			return 0, nil, fmt.Errorf("%s exited before drawing (%v):\n%s", argv[0], err, stderr.String())
		case <-time.After(time.Millisecond):
		}
		if time.Since(start) > 30*time.Second {
			stop()
			return 0, nil, fmt.Errorf("no frame within 30 s:\n%s", stderr.String())
		}
	}
	time.Sleep(settle)
	mem, err := memory(cmd.Process.Pid)
	stop()
	if err != nil {
		return 0, nil, err
	}
	mem["goheap"] = goHeapPeak(stderr.String())
	// Wait for the window to go, so the next launch starts from a bare screen.
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if p, err := x.pixel(probeX, probeY); err != nil || p == before {
			break
		}
	}
	return frame, mem, nil
}

// gcLine is one GODEBUG=gctrace=1 line: "… 8->9->7 MB, 9 MB goal …".
var gcLine = regexp.MustCompile(`^gc \d+ @.* (\d+)->\d+->\d+ MB`)

// goHeapPeak is the largest heap any GC started at, in MB.
func goHeapPeak(stderr string) float64 {
	peak := 0.0
	for _, line := range strings.Split(stderr, "\n") {
		if m := gcLine.FindStringSubmatch(line); m != nil {
			v, _ := strconv.ParseFloat(m[1], 64)
			peak = max(peak, v)
		}
	}
	return peak
}

func envWithout(env []string, keys ...string) []string {
	var out []string
	for _, kv := range env {
		k, _, _ := strings.Cut(kv, "=")
		drop := false
		for _, d := range keys {
			drop = drop || k == d
		}
		if !drop {
			out = append(out, kv)
		}
	}
	return out
}

// memory reads VmHWM ("peak") and PSS ("pss") and sorts the resident set by
// what it belongs to, in MB.
func memory(pid int) (map[string]float64, error) {
	mem := map[string]float64{}
	for _, f := range []struct{ file, field, key string }{
		{"status", "VmHWM:", "peak"},
		{"smaps_rollup", "Pss:", "pss"},
	} {
		data, err := os.ReadFile(fmt.Sprintf("/proc/%d/%s", pid, f.file))
		if err != nil {
			return nil, err
		}
		for _, line := range strings.Split(string(data), "\n") {
			if v, ok := strings.CutPrefix(line, f.field); ok {
				mem[f.key] = kB(v)
			}
		}
	}
	exe, _ := os.Readlink(fmt.Sprintf("/proc/%d/exe", pid))
	f, err := os.Open(fmt.Sprintf("/proc/%d/smaps", pid))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	kind := ""
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) >= 5 && strings.Contains(fields[0], "-") && !strings.HasSuffix(fields[0], ":") {
			name := ""
			if len(fields) >= 6 {
				name = fields[5]
			}
			kind = classify(name, exe)
			continue
		}
		if len(fields) >= 2 && fields[0] == "Rss:" {
			mem[kind] += kB(fields[1])
		}
	}
	return mem, sc.Err()
}

// classify names what a mapping belongs to.
func classify(name, exe string) string {
	base := filepath.Base(name)
	switch {
	case name == exe:
		return "the program's binary (code and data)"
	case strings.HasPrefix(base, "libLLVM"):
		return "Mesa software renderer: LLVM"
	case strings.Contains(name, "/dri/"), strings.HasPrefix(base, "libgallium"), strings.HasPrefix(base, "libGL"):
		return "Mesa software renderer: driver"
	case name == "[heap]":
		return "C heap (Mesa, X11, GLFW)"
	case name == "", strings.HasPrefix(name, "[anon"):
		return "anonymous (Go heap and stacks, GL buffers)"
	case strings.HasPrefix(name, "[stack"):
		return "stacks"
	case strings.HasPrefix(name, "/SYSV"), strings.HasPrefix(name, "/dev/shm"):
		return "shared memory with the X server"
	case strings.Contains(base, ".so"):
		return "other shared libraries"
	}
	return "other files"
}

func kB(s string) float64 {
	f := strings.Fields(s)
	if len(f) == 0 {
		return 0
	}
	v, _ := strconv.ParseFloat(f[0], 64)
	return v / 1024
}

// xconn is just enough of the X11 protocol to read one pixel of the root
// window (GetImage), so the first frame is seen within a millisecond
// rather than the tens of milliseconds a screenshot tool takes.
type xconn struct {
	c    net.Conn
	root uint32
}

func dialX(display string) (*xconn, error) {
	num := strings.TrimPrefix(display, ":")
	if i := strings.IndexByte(num, '.'); i >= 0 {
		num = num[:i]
	}
	c, err := net.Dial("unix", "/tmp/.X11-unix/X"+num)
	if err != nil {
		return nil, fmt.Errorf("connecting to X display %s: %w", display, err)
	}
	// Little-endian, protocol 11.0, no authorisation (Xvfb's local default).
	if _, err := c.Write([]byte{'l', 0, 11, 0, 0, 0, 0, 0, 0, 0, 0, 0}); err != nil {
		c.Close()
		return nil, err
	}
	head := make([]byte, 8)
	if _, err := io.ReadFull(c, head); err != nil {
		c.Close()
		return nil, err
	}
	extra := make([]byte, int(binary.LittleEndian.Uint16(head[6:8]))*4)
	if _, err := io.ReadFull(c, extra); err != nil {
		c.Close()
		return nil, err
	}
	if head[0] != 1 {
		c.Close()
		n := min(int(head[1]), len(extra))
		return nil, fmt.Errorf("the X server refused the connection: %s", extra[:n])
	}
	vendor := int(binary.LittleEndian.Uint16(extra[16:18]))
	formats := int(extra[21])
	off := 32 + (vendor+3)/4*4 + 8*formats
	if off+4 > len(extra) {
		c.Close()
		return nil, errors.New("the X setup reply is too short")
	}
	return &xconn{c: c, root: binary.LittleEndian.Uint32(extra[off:])}, nil
}

func (x *xconn) Close() error { return x.c.Close() }

// pixel returns the RGB of the root window's pixel at (px, py).
func (x *xconn) pixel(px, py int) (uint32, error) {
	req := make([]byte, 20)
	req[0], req[1] = 73, 2 // GetImage, ZPixmap
	binary.LittleEndian.PutUint16(req[2:], 5)
	binary.LittleEndian.PutUint32(req[4:], x.root)
	binary.LittleEndian.PutUint16(req[8:], uint16(px))
	binary.LittleEndian.PutUint16(req[10:], uint16(py))
	binary.LittleEndian.PutUint16(req[12:], 1)
	binary.LittleEndian.PutUint16(req[14:], 1)
	binary.LittleEndian.PutUint32(req[16:], 0xffffffff)
	if _, err := x.c.Write(req); err != nil {
		return 0, err
	}
	for {
		reply := make([]byte, 32)
		if _, err := io.ReadFull(x.c, reply); err != nil {
			return 0, err
		}
		switch reply[0] {
		case 0:
			return 0, fmt.Errorf("the X server answered error %d to GetImage", reply[1])
		case 1:
			data := make([]byte, int(binary.LittleEndian.Uint32(reply[4:8]))*4)
			if _, err := io.ReadFull(x.c, data); err != nil {
				return 0, err
			}
			if len(data) < 3 {
				return 0, errors.New("empty GetImage reply")
			}
			return uint32(data[0]) | uint32(data[1])<<8 | uint32(data[2])<<16, nil
		default:
			// An event (none are selected, but be safe): skip it.
		}
	}
}
