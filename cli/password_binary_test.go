package cli_test

import (
	enc "encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf16"

	"dcrwizard/cli"
)

// Password files the way Windows tools save them open the keystore through
// the built binary (issue 14); a wrong one says how the file was read.
func TestPasswordFileEncodingsBinary(t *testing.T) {
	dir := t.TempDir()
	files := map[string][]byte{
		"notepad-utf8-bom":   []byte("\xEF\xBB\xBF" + samplePassword + "\r\n"),
		"powershell-utf16le": utf16BOM(samplePassword+"\r\n", enc.LittleEndian),
		"utf16be":            utf16BOM(samplePassword+"\r\n", enc.BigEndian),
		"cmd-echo-space":     []byte(samplePassword + " \r\n"),
		"crlf":               []byte(samplePassword + "\r\n"),
	}
	for name, content := range files {
		t.Run(name, func(t *testing.T) {
			f := filepath.Join(dir, name)
			if err := os.WriteFile(f, content, 0o600); err != nil {
				t.Fatal(err)
			}
			res := run{args: []string{"inspect", "--keystore", sampleKeystore, "--password-file", f}}.exec(t)
			if res.code != 0 || !strings.Contains(res.stdout, "27809366375") {
				t.Fatalf("exit %d, want 0 and the credentials listed:\n%s%s", res.code, res.stdout, res.stderr)
			}
		})
	}

	for _, tc := range []struct {
		name    string
		content []byte
		note    string // "" means: no note about the encoding
	}{
		{"wrong, UTF-16LE", utf16BOM("Wrong1234!\r\n", enc.LittleEndian), "read as UTF-16 little-endian"},
		{"wrong, UTF-8 BOM", []byte("\xEF\xBB\xBFWrong1234!"), "read as UTF-8 with a byte-order mark"},
		{"wrong, plain", []byte("Wrong1234!\n"), ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := filepath.Join(dir, "bad")
			if err := os.WriteFile(f, tc.content, 0o600); err != nil {
				t.Fatal(err)
			}
			res := run{args: []string{"inspect", "--keystore", sampleKeystore, "--password-file", f}}.exec(t)
			if res.code != cli.ExitBadInput || !strings.Contains(res.stderr, "password is not right") {
				t.Fatalf("exit %d, want %d and the wrong-password message:\n%s", res.code, cli.ExitBadInput, res.stderr)
			}
			if tc.note != "" && !strings.Contains(res.stderr, tc.note) {
				t.Errorf("stderr does not say %q:\n%s", tc.note, res.stderr)
			}
			if tc.note == "" && strings.Contains(res.stderr, "password file was read as") {
				t.Errorf("a plain file got an encoding note:\n%s", res.stderr)
			}
			if strings.Contains(res.stderr, "Wrong1234!") {
				t.Error("the password was printed")
			}
		})
	}
}

// utf16BOM is s in UTF-16 with a byte-order mark, as PowerShell 5.1 writes.
func utf16BOM(s string, order enc.AppendByteOrder) []byte {
	b := order.AppendUint16(nil, 0xFEFF)
	for _, u := range utf16.Encode([]rune(s)) {
		b = order.AppendUint16(b, u)
	}
	return b
}
