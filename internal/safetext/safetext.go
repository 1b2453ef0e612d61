// Package safetext makes text that came from outside — a server's answer, a
// keystore, index.json — safe to print on a terminal or show in a window:
// control characters (ANSI escapes, CR, backspace), C1 controls and
// bidirectional overrides (U+202E …) could otherwise clear the screen,
// retitle the window or make a line read as something else ("Registered").
// They are written as \uXXXX, so nothing is hidden and JSON stays valid.
package safetext

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// unsafe reports a rune that must not reach a terminal or label as itself.
// Newline and tab are allowed only where keepLines says so.
func unsafe(r rune, keepLines bool) bool {
	switch {
	case r == '\n' || r == '\t':
		return !keepLines
	case r < 0x20, r == 0x7f, r >= 0x80 && r <= 0x9f: // C0, DEL, C1
		return true
	case r == 0x061c, r >= 0x200b && r <= 0x200f, r >= 0x2028 && r <= 0x202e,
		r >= 0x2060 && r <= 0x206f, r == 0xfeff, r >= 0xfff9 && r <= 0xfffb:
		// Arabic letter mark, zero-width and direction marks, line and
		// paragraph separators, embeddings and overrides, isolates,
		// invisible operators, BOM, interlinear annotation.
		return true
	case r == utf8.RuneError:
		return true
	}
	return false
}

func escape(b *strings.Builder, r rune) {
	fmt.Fprintf(b, `\u%04x`, r)
}

func clean(s string, keepLines bool) string {
	clean := true
	for _, r := range s {
		if unsafe(r, keepLines) {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if unsafe(r, keepLines) {
			escape(&b, r)
		} else {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// Line is s for one line of output: every unsafe character, newline and tab
// included, written as \uXXXX; invalid UTF-8 as \ufffd.
func Line(s string) string { return clean(s, false) }

// Text is s for a block of text: as Line, but newlines and tabs are kept.
func Text(s string) string { return clean(s, true) }

// Cut is s cut to its first n characters, with "…" when something was
// left out: for a value shown where only so much fits. Bytes that are not
// UTF-8 count as one character each and come out as U+FFFD.
func Cut(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

// Cap is Text(s) cut to at most n bytes (on a rune boundary), with "…[cut]"
// when something was left out: for support text of unknown size.
func Cap(s string, n int) string {
	s = Text(s)
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…[cut]"
}

// Writer escapes what is written to w as Text does. JSON written through it
// stays valid: unsafe characters can only be inside its strings, where
// \uXXXX is their JSON escape. A rune split across two writes is kept until
// it is whole.
func Writer(w io.Writer) io.Writer { return &writer{w: w} }

type writer struct {
	w    io.Writer
	tail []byte // an incomplete UTF-8 sequence from the last write
}

func (sw *writer) Write(p []byte) (int, error) {
	n := len(p)
	buf := append(sw.tail, p...)
	sw.tail = nil
	// Keep back an incomplete rune at the end (at most 3 bytes).
	for i := 1; i <= 3 && i <= len(buf); i++ {
		j := len(buf) - i
		if utf8.RuneStart(buf[j]) {
			if !utf8.FullRune(buf[j:]) {
				sw.tail = append([]byte(nil), buf[j:]...)
				buf = buf[:j]
			}
			break
		}
	}
	if _, err := io.WriteString(sw.w, Text(string(buf))); err != nil {
		return 0, err
	}
	return n, nil
}
