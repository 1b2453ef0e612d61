package cli

import (
	"bytes"
	"encoding/binary"
	"errors"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// Password files as Windows writes them (issue 14): Notepad adds a UTF-8
// byte-order mark, PowerShell 5.1's `"pw" > pw.txt` writes UTF-16LE with a
// BOM, and cmd's `echo pw > pw.txt` leaves a space before the CRLF. RAM
// passwords never contain spaces (ato-facts §11), so trailing white space is
// never part of one.

// Encodings decodePasswordFile reports; encodingPlain is ASCII or UTF-8 with
// no byte-order mark.
const (
	encodingPlain    = ""
	encodingUTF8BOM  = "UTF-8 with a byte-order mark"
	encodingUTF16LE  = "UTF-16 little-endian (as PowerShell 5.1 writes with >)"
	encodingUTF16BE  = "UTF-16 big-endian"
	encodingNoBOM16  = "text with zero bytes in it (perhaps UTF-16 without a byte-order mark)"
	encodingNotUTF8  = "text that is not UTF-8 (perhaps the Windows \"ANSI\" code page)"
	maxPasswordBytes = 4096
)

var errOddUTF16 = errors.New("the password file starts like UTF-16 text but has an odd number of bytes: save it again as plain text holding only the password")

// decodePasswordFile returns the password in a password file: the first
// line, with a byte-order mark removed, UTF-16 (with a BOM) decoded, and
// trailing white space and line endings stripped. encoding names what was
// found when it was not plain ASCII/UTF-8, for the message if the password
// then turns out wrong.
func decodePasswordFile(b []byte) (pw, encoding string, err error) {
	var text string
	switch {
	case bytes.HasPrefix(b, []byte{0xEF, 0xBB, 0xBF}):
		text, encoding = string(b[3:]), encodingUTF8BOM
	case bytes.HasPrefix(b, []byte{0xFF, 0xFE}):
		if text, err = decodeUTF16(b[2:], binary.LittleEndian); err != nil {
			return "", "", err
		}
		encoding = encodingUTF16LE
	case bytes.HasPrefix(b, []byte{0xFE, 0xFF}):
		if text, err = decodeUTF16(b[2:], binary.BigEndian); err != nil {
			return "", "", err
		}
		encoding = encodingUTF16BE
	default:
		text = string(b)
		switch {
		case bytes.IndexByte(b, 0) >= 0:
			encoding = encodingNoBOM16
		case !utf8.Valid(b):
			encoding = encodingNotUTF8
		}
	}
	line, _, _ := strings.Cut(text, "\n")
	return strings.TrimRightFunc(line, unicode.IsSpace), encoding, nil
}

func decodeUTF16(b []byte, order binary.ByteOrder) (string, error) {
	if len(b)%2 != 0 {
		return "", errOddUTF16
	}
	u := make([]uint16, len(b)/2)
	for i := range u {
		u[i] = order.Uint16(b[2*i:])
	}
	return string(utf16.Decode(u)), nil
}

// wrongPasswordNote is added to "the password is not right" when the
// password came from a file that was not plain text: the user then knows it
// was read, and how.
func wrongPasswordNote(encoding string) string {
	return "The password file was read as " + encoding + " and the password in it is still not right: " +
		"check it, or save the file again as plain text holding only the password."
}
