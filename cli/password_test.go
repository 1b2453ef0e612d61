package cli

import (
	"context"
	"encoding/binary"
	"errors"
	"strings"
	"testing"
	"unicode/utf16"
)

// utf16File is s in UTF-16 with a byte-order mark, as PowerShell 5.1 writes.
func utf16File(s string, order binary.AppendByteOrder) []byte {
	var b []byte
	b = order.AppendUint16(b, 0xFEFF)
	for _, u := range utf16.Encode([]rune(s)) {
		b = order.AppendUint16(b, u)
	}
	return b
}

func TestDecodePasswordFile(t *testing.T) {
	const pw = "Password1!"
	tests := []struct {
		name     string
		file     []byte
		want     string
		encoding string
	}{
		{"plain", []byte(pw), pw, encodingPlain},
		{"LF", []byte(pw + "\n"), pw, encodingPlain},
		{"CRLF", []byte(pw + "\r\n"), pw, encodingPlain},
		{"cmd echo pw > f: trailing space", []byte(pw + " \r\n"), pw, encodingPlain},
		{"trailing tab and spaces, no newline", []byte(pw + "\t  "), pw, encodingPlain},
		{"only the first line", []byte(pw + "\r\nsecond line\r\n"), pw, encodingPlain},
		{"Notepad: UTF-8 BOM", []byte("\xEF\xBB\xBF" + pw + "\r\n"), pw, encodingUTF8BOM},
		{"PowerShell 5.1: UTF-16LE BOM", utf16File(pw+"\r\n", binary.LittleEndian), pw, encodingUTF16LE},
		{"UTF-16BE BOM", utf16File(pw+"\r\n", binary.BigEndian), pw, encodingUTF16BE},
		{"UTF-16LE, not ASCII", utf16File("Pässwörd1!", binary.LittleEndian), "Pässwörd1!", encodingUTF16LE},
		{"UTF-8, not ASCII, is plain", []byte("Pässwörd1!\n"), "Pässwörd1!", encodingPlain},
		{"UTF-16LE without BOM", []byte("P\x00w\x00\r\x00\n\x00"), "P\x00w\x00\r\x00", encodingNoBOM16},
		{"ANSI (Windows-1252) é", []byte("Pass\xE9\r\n"), "Pass\xE9", encodingNotUTF8},
		{"empty", nil, "", encodingPlain},
		{"BOM only", []byte("\xEF\xBB\xBF"), "", encodingUTF8BOM},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, enc, err := decodePasswordFile(tt.file)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want || enc != tt.encoding {
				t.Errorf("got %q (%q), want %q (%q)", got, enc, tt.want, tt.encoding)
			}
		})
	}
	if _, _, err := decodePasswordFile([]byte{0xFF, 0xFE, 'P', 0, 'w'}); !errors.Is(err, errOddUTF16) {
		t.Errorf("odd-length UTF-16: err %v, want errOddUTF16", err)
	}
}

// The environment variable and standard input keep their rules: the first
// line, a CR before its LF dropped, nothing else changed.
func TestPasswordStdinAndEnvUnchanged(t *testing.T) {
	for _, tt := range []struct {
		src  passwordSource
		st   Streams
		want string
	}{
		{passwordSource{stdin: true}, Streams{Stdin: strings.NewReader("pw \r\nnext")}, "pw "},
		{passwordSource{stdin: true}, Streams{Stdin: strings.NewReader("\xEF\xBB\xBFpw\n")}, "\xEF\xBB\xBFpw"},
		{passwordSource{}, Streams{Getenv: func(k string) string {
			if k == "DCRWIZARD_PASSWORD" {
				return " pw \n"
			}
			return ""
		}}, " pw \n"},
	} {
		if tt.st.Getenv == nil {
			tt.st.Getenv = func(string) string { return "" }
		}
		got, given, err := tt.src.read(context.Background(), tt.st)
		if err != nil || !given || got != tt.want {
			t.Errorf("read = %q, %v, %v; want %q", got, given, err, tt.want)
		}
	}
}
