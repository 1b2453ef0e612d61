package flow

import (
	"encoding/base64"
	"encoding/hex"
	"strings"
	"unicode/utf8"
)

// A server, or a gateway in front of it, may echo a secret in another form
// than it was sent: upper- or lower-cased, base64 or hex encoded, spaced out
// or with separators between its characters, JSON-, HTML- or URL-escaped,
// or split in two halves in different places of the text. scrubAltered
// finds these forms by comparing letters and digits only, case folded,
// against the secret and its base64 and hex encodings, and hides every run
// of text that repeats a long enough piece of one of them.

// minAlteredSecret is the shortest secret (counting letters and digits) whose
// altered forms are looked for: 16, the shortest consumer key
// consumerkey.New accepts; tokens and client assertions are far
// longer. Pieces of a shorter value — 8 letters or digits, case and
// punctuation ignored — would too often be ordinary words, numbers or parts
// of the names and addresses support staff need; such a value is still
// hidden where it is echoed as it is.
const minAlteredSecret = 16

// A piece of an encoded secret is hidden from two fifths of the encoding's
// length (so both parts of a secret cut in two are found, also when the cut
// is not in the middle or one part holds more punctuation), but never from
// fewer than minPiece letters and digits, and always from maxPiece: 24
// letters and digits of a random secret do not occur in other text by chance.
const (
	minPiece = 8
	maxPiece = 24
)

// folded is text reduced to its ASCII letters and digits, lower-cased, with
// where each came from in the text.
type folded struct {
	b          []byte
	start, end []int // byte range in the text of b[i]'s source
}

func fold(s string) folded {
	var f folded
	for i := 0; i < len(s); {
		r, n := decodeEscape(s[i:])
		if c, ok := foldRune(r); ok {
			f.b = append(f.b, c)
			f.start = append(f.start, i)
			f.end = append(f.end, i+n)
		}
		i += n
	}
	return f
}

// letters is fold(s) without the positions: for secrets and their encodings.
func letters(s string) string {
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); {
		r, n := decodeEscape(s[i:])
		if c, ok := foldRune(r); ok {
			b = append(b, c)
		}
		i += n
	}
	return string(b)
}

// foldRune is r as a lower-case ASCII letter or digit, if it is one.
func foldRune(r rune) (byte, bool) {
	switch {
	case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
		return byte(r), true
	case r >= 'A' && r <= 'Z':
		return byte(r - 'A' + 'a'), true
	}
	return 0, false
}

// decodeEscape reads the character at the start of s, decoding a JSON
// \uXXXX escape, an HTML numeric reference (&#65; &#x41;) or a URL %XX; any
// other backslash escape (\n, \/) counts as a separator. It returns the
// character and how many bytes it took.
func decodeEscape(s string) (rune, int) {
	switch {
	case len(s) >= 6 && s[0] == '\\' && s[1] == 'u' && isHex(s[2:6]):
		return rune(hexValue(s[2:6])), 6
	case len(s) >= 2 && s[0] == '\\':
		return 0, 2
	case len(s) >= 3 && s[0] == '%' && isHex(s[1:3]):
		return rune(hexValue(s[1:3])), 3
	case len(s) >= 4 && s[0] == '&' && s[1] == '#':
		digits, base := s[2:], 10
		if digits[0] == 'x' || digits[0] == 'X' {
			digits, base = digits[1:], 16
		}
		if end := strings.IndexByte(digits, ';'); end > 0 && end <= 8 {
			v, ok := 0, true
			for _, c := range digits[:end] {
				d, isDigit := digitValue(byte(c), base)
				if !isDigit {
					ok = false
					break
				}
				v = v*base + d
			}
			if ok {
				return rune(v), len(s) - len(digits) + end + 1
			}
		}
	}
	r, n := utf8.DecodeRuneInString(s)
	return r, n
}

func isHex(s string) bool {
	for i := 0; i < len(s); i++ {
		if _, ok := digitValue(s[i], 16); !ok {
			return false
		}
	}
	return true
}

func hexValue(s string) int {
	v := 0
	for i := 0; i < len(s); i++ {
		d, _ := digitValue(s[i], 16)
		v = v*16 + d
	}
	return v
}

func digitValue(c byte, base int) (int, bool) {
	var d int
	switch {
	case c >= '0' && c <= '9':
		d = int(c - '0')
	case c >= 'a' && c <= 'f':
		d = int(c-'a') + 10
	case c >= 'A' && c <= 'F':
		d = int(c-'A') + 10
	default:
		return 0, false
	}
	return d, d < base
}

// encodings are the forms of secret looked for, each folded: the secret
// itself, its hex, and its base64 (standard and URL-safe fold alike) at each
// of the three alignments it can have inside a longer encoded text, without
// the characters that alignment shares with its neighbours.
func encodings(secret string) []string {
	out := []string{letters(secret), hex.EncodeToString([]byte(secret))}
	for pad, skip := range []int{0, 2, 3} {
		enc := base64.RawStdEncoding.EncodeToString([]byte(strings.Repeat("\x00", pad) + secret))[skip:]
		if (pad+len(secret))%3 != 0 {
			enc = enc[:len(enc)-1] // its last character depends on what follows
		}
		out = append(out, letters(enc))
	}
	return out
}

// pieceLength is how long a piece of the folded encoding enc must be to be hidden.
func pieceLength(enc string) int {
	return min(max(len(enc)*2/5, minPiece), maxPiece)
}

// scrubAltered hides every run of s that repeats, in any of the forms above,
// a piece of a secret of at least minAlteredSecret letters and digits.
func (r redactor) scrubAltered(s string) string {
	f := fold(s)
	if len(f.b) < minPiece {
		return s
	}
	var forms []string
	total := 0
	for _, secret := range r {
		if len(letters(secret)) >= minAlteredSecret {
			for _, enc := range encodings(secret) {
				forms = append(forms, enc)
				total += len(enc)
			}
		}
	}
	if len(forms) == 0 {
		return s
	}
	text := string(f.b)
	hide := make([]bool, len(text))
	found := false
	mark := func(i, n int) {
		found = true
		for j := i; j < i+n; j++ {
			hide[j] = true
		}
	}
	if len(text)*total <= 1<<20 {
		// Short text (a receipt, a code): look each piece up in the forms,
		// cheaper than indexing every piece of a long token.
		for _, enc := range forms {
			n := pieceLength(enc)
			for i := 0; i+n <= len(text); i++ {
				if strings.Contains(enc, text[i:i+n]) {
					mark(i, n)
				}
			}
		}
	} else {
		pieces := map[int]map[string]struct{}{} // by length
		for _, enc := range forms {
			n := pieceLength(enc)
			if pieces[n] == nil {
				pieces[n] = map[string]struct{}{}
			}
			for i := 0; i+n <= len(enc); i++ {
				pieces[n][enc[i:i+n]] = struct{}{}
			}
		}
		for n, set := range pieces {
			for i := 0; i+n <= len(text); i++ {
				if _, ok := set[text[i:i+n]]; ok {
					mark(i, n)
				}
			}
		}
	}
	if !found {
		return s
	}
	var b strings.Builder
	last := 0
	for i := 0; i < len(hide); {
		if !hide[i] {
			i++
			continue
		}
		j := i
		for j < len(hide) && hide[j] {
			j++
		}
		b.WriteString(s[last:f.start[i]])
		b.WriteString("[hidden]")
		last = f.end[j-1]
		i = j
	}
	b.WriteString(s[last:])
	return b.String()
}
