package safetext

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

func TestLineEscapesWhatCouldFoolATerminal(t *testing.T) {
	for in, want := range map[string]string{
		"plain “quoted” text…":         "plain “quoted” text…",
		"\x1b[2J\x1b]0;pwned\x07":      `\u001b[2J\u001b]0;pwned\u0007`,
		"ok\rRegistered":               `ok\u000dRegistered`,
		"abc\u202edcba":                `abc\u202edcba`,
		"a\u2066b\u2069c\u200fd\ufeff": `a\u2066b\u2069c\u200fd\ufeff`,
		"two\nlines\tand tab":          `two\u000alines\u0009and tab`,
		"bad \xff byte":                `bad \ufffd byte`,
		"c1 \u009b31m":                 `c1 \u009b31m`,
		"del\x7f":                      `del\u007f`,
	} {
		if got := Line(in); got != want {
			t.Errorf("Line(%q) = %q, want %q", in, got, want)
		}
	}
	if got := Text("two\nlines\r"); got != "two\nlines\\u000d" {
		t.Errorf("Text kept %q", got)
	}
}

func TestCap(t *testing.T) {
	if got := Cap(strings.Repeat("é", 10), 5); got != "éé…[cut]" {
		t.Errorf("Cap = %q", got)
	}
	if got := Cap("short", 10); got != "short" {
		t.Errorf("Cap = %q", got)
	}
}

func TestWriterKeepsJSONValidAndEscapesBidi(t *testing.T) {
	var out bytes.Buffer
	w := Writer(&out)
	v := map[string]string{"client_id": "abc\u202e\x1b[31mdef", "note": "é"}
	data, _ := json.Marshal(v)
	// Split inside the two-byte é and the three-byte U+202E.
	for _, chunk := range [][]byte{data[:10], data[10 : len(data)-3], data[len(data)-3:]} {
		if _, err := w.Write(chunk); err != nil {
			t.Fatal(err)
		}
	}
	s := out.String()
	if strings.ContainsRune(s, '\u202e') || strings.ContainsRune(s, '\x1b') {
		t.Fatalf("raw control in %q", s)
	}
	var back map[string]string
	if err := json.Unmarshal(out.Bytes(), &back); err != nil || back["client_id"] != v["client_id"] || back["note"] != "é" {
		t.Fatalf("JSON through the writer: %v, %q", err, back)
	}
}

func TestCut(t *testing.T) {
	for _, c := range []struct {
		in   string
		n    int
		want string
	}{
		{"abc", 3, "abc"},
		{"abcd", 3, "abc…"},
		{"åäöü", 2, "åä…"}, // by character, never inside one
		{"a\xffbc", 2, "a\ufffd…"},
		{"", 0, ""},
	} {
		if got := Cut(c.in, c.n); got != c.want {
			t.Errorf("Cut(%q, %d) = %q, want %q", c.in, c.n, got, c.want)
		}
	}
}
