package main

import (
	"debug/elf"
	"encoding/binary"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
)

// rsrcType is one resource type for buildRsrc: its ID and how many resources.
type rsrcType struct {
	id    uint32
	named bool // given by name rather than by number
	count int
}

// buildRsrc lays out a PE resource directory the way linkers do: the root
// directory of types, then one directory per type whose entries point at data
// entries (the language level is left out; the walker does not go that deep).
func buildRsrc(types ...rsrcType) []byte {
	le := binary.LittleEndian
	header := func(b []byte, named, ids int) []byte {
		h := make([]byte, 16)
		le.PutUint16(h[12:], uint16(named))
		le.PutUint16(h[14:], uint16(ids))
		return append(b, h...)
	}
	entry := func(b []byte, name, target uint32) []byte {
		return le.AppendUint32(le.AppendUint32(b, name), target)
	}
	named, ids := 0, 0
	for _, t := range types {
		if t.named {
			named++
		} else {
			ids++
		}
	}
	b := header(nil, named, ids)
	sub := 16 + 8*len(types) // where the first type's directory goes
	for _, t := range types {
		name := t.id
		if t.named {
			name |= 0x80000000
		}
		b = entry(b, name, 0x80000000|uint32(sub))
		sub += 16 + 8*t.count
	}
	data := sub // data entries (16 bytes each) after all the directories
	for _, t := range types {
		b = header(b, 0, t.count)
		for i := range t.count {
			b = entry(b, uint32(i+1), uint32(data))
			data += 16
		}
	}
	for _, t := range types {
		b = append(b, make([]byte, 16*t.count)...)
	}
	return b
}

func TestResourceTypes(t *testing.T) {
	tests := []struct {
		name    string
		rsrc    []byte
		want    map[uint32]int
		wantErr string
	}{
		{"what fyne links: icon, group icon, version, manifest",
			buildRsrc(rsrcType{id: rtIcon, count: 2}, rsrcType{id: rtGroupIcon, count: 1}, rsrcType{id: rtVersion, count: 1}, rsrcType{id: rtManifest, count: 1}),
			map[uint32]int{rtIcon: 2, rtGroupIcon: 1, rtVersion: 1, rtManifest: 1}, ""},
		{"manifest only: no icon",
			buildRsrc(rsrcType{id: rtManifest, count: 1}),
			map[uint32]int{rtManifest: 1}, ""},
		{"types given by name are skipped",
			buildRsrc(rsrcType{id: 0x40, named: true, count: 1}, rsrcType{id: rtGroupIcon, count: 1}),
			map[uint32]int{rtGroupIcon: 1}, ""},
		{"empty directory", buildRsrc(), map[uint32]int{}, ""},
		{"shorter than a directory header", make([]byte, 10), nil, "outside"},
		{"claims more entries than it holds",
			func() []byte { b := make([]byte, 16); binary.LittleEndian.PutUint16(b[14:], 5); return b }(),
			nil, "claims 5 entries"},
		{"type directory out of range",
			func() []byte {
				b := buildRsrc(rsrcType{id: rtGroupIcon, count: 1})
				binary.LittleEndian.PutUint32(b[20:], 0x80000000|4096)
				return b
			}(),
			nil, "resource type 14"},
		{"type pointing at data, not a directory",
			func() []byte {
				b := buildRsrc(rsrcType{id: rtGroupIcon, count: 1})
				binary.LittleEndian.PutUint32(b[20:], 24)
				return b
			}(),
			nil, "points at data"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := resourceTypes(tt.rsrc)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

// buildTiny compiles a small Go program for goos with the given ldflags and
// returns the path of the executable. Pure Go, so no C cross-compiler is needed.
func buildTiny(t *testing.T, goos, ldflags string) string {
	t.Helper()
	return buildTinyIn(t, t.TempDir(), goos, ldflags)
}

// buildTinyIn is buildTiny in dir, which may already hold a .syso to link.
func buildTinyIn(t *testing.T, dir, goos, ldflags string) string {
	t.Helper()
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command on PATH")
	}
	for name, body := range map[string]string{
		"go.mod":  "module tiny\n\ngo 1.26\n",
		"main.go": "package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\"hello\") }\n",
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out := filepath.Join(dir, "tiny-"+goos)
	cmd := exec.Command(gobin, "build", "-trimpath", "-ldflags="+ldflags, "-o", out, ".")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOOS="+goos, "GOARCH=amd64", "CGO_ENABLED=0", "GOWORK=off", "GOFLAGS=-buildvcs=false")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build for %s: %v\n%s", goos, err, b)
	}
	return out
}

func TestCheckPERealGoBuilds(t *testing.T) {
	tests := []struct {
		ldflags string
		want    []string // a fragment of each problem expected, in order
	}{
		{"", []string{"console subsystem", "no icon resource", "no manifest", "no version resource", "not stripped"}},
		{"-H=windowsgui -s -w", []string{"no icon resource", "no manifest", "no version resource"}},
	}
	for _, tt := range tests {
		t.Run("ldflags="+tt.ldflags, func(t *testing.T) {
			exe := buildTiny(t, "windows", tt.ldflags)
			summary, problems, err := checkPE(exe, "", false)
			if err != nil {
				t.Fatal(err)
			}
			if len(problems) != len(tt.want) {
				t.Fatalf("problems = %q, want %d matching %q", problems, len(tt.want), tt.want)
			}
			for i, w := range tt.want {
				if !strings.Contains(problems[i], w) {
					t.Errorf("problem %d = %q, want it to mention %q", i, problems[i], w)
				}
			}
			if !strings.Contains(summary, "kernel32.dll") {
				t.Errorf("summary %q does not list kernel32.dll among the imports", summary)
			}
		})
	}
}

func TestCheckPERefusesOtherFiles(t *testing.T) {
	if _, _, err := checkPE(buildTiny(t, "linux", "-s -w"), "", false); err == nil {
		t.Error("checkPE accepted a Linux executable")
	}
}

func TestCheckELF(t *testing.T) {
	if _, problems, err := checkELF(buildTiny(t, "linux", "-s -w")); err != nil || len(problems) != 0 {
		t.Errorf("stripped build: problems %q, err %v; want none", problems, err)
	}
	_, problems, err := checkELF(buildTiny(t, "linux", ""))
	if err != nil {
		t.Fatal(err)
	}
	if len(problems) != 1 || !strings.Contains(problems[0], "not stripped") {
		t.Errorf("unstripped build: problems %q, want one saying it is not stripped", problems)
	}
}

func TestNeededGLIBC(t *testing.T) {
	f, err := elf.Open("/bin/sh")
	if err != nil {
		t.Skipf("no ELF /bin/sh to read: %v", err)
	}
	defer f.Close()
	got, err := neededGLIBC(f)
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`^2\.[0-9]+$`).MatchString(got) {
		t.Errorf("/bin/sh needs glibc %q, want a version like 2.34", got)
	}

	static, err := elf.Open(buildTiny(t, "linux", "-s -w"))
	if err != nil {
		t.Fatal(err)
	}
	defer static.Close()
	if got, err := neededGLIBC(static); err != nil || got != "" {
		t.Errorf("static Go program: neededGLIBC = %q, %v; want none", got, err)
	}
}

func TestVersionLess(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"2.9", "2.34", true},
		{"2.34", "2.9", false},
		{"2.35", "2.35", false},
		{"2.3", "2.3.4", true},
		{"2.35", "3", true},
	}
	for _, tt := range tests {
		if got := versionLess(tt.a, tt.b); got != tt.want {
			t.Errorf("versionLess(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestCheckPNG(t *testing.T) {
	summary, problems, err := checkPNG(filepath.Join("..", "..", "assets", "icon.png"))
	if err != nil || len(problems) != 0 {
		t.Fatalf("assets/icon.png: problems %q, err %v; want none", problems, err)
	}
	if summary != "png 512×512" {
		t.Errorf("summary = %q, want png 512×512", summary)
	}

	small := filepath.Join(t.TempDir(), "small.png")
	f, err := os.Create(small)
	if err != nil {
		t.Fatal(err)
	}
	if err := png.Encode(f, image.NewRGBA(image.Rect(0, 0, 100, 50))); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	if _, problems, err := checkPNG(small); err != nil || len(problems) != 1 || !strings.Contains(problems[0], "100×50") {
		t.Errorf("100×50 PNG: problems %q, err %v; want one about its size", problems, err)
	}

	if _, _, err := checkPNG(filepath.Join("..", "..", "LICENSE")); err == nil {
		t.Error("checkPNG accepted a text file")
	}
}
