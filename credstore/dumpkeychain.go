package credstore

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"strconv"
	"strings"
)

// parseDumpKeychain picks from the output of macOS's `security
// dump-keychain` the accounts ("acct") of the generic passwords ("genp")
// whose service ("svce") is service. A value prints as "text" or, when it is
// not plain ASCII, as 0xHEX followed by a quoted rendering; <NULL> is none.
// (Kept apart from the darwin build so that it is tested everywhere.)
func parseDumpKeychain(out []byte, service string) []string {
	var accounts []string
	var class, svce, acct string
	var haveAcct bool
	flush := func() {
		if class == "genp" && svce == service && haveAcct && acct != "" {
			accounts = append(accounts, acct)
		}
		class, svce, acct, haveAcct = "", "", "", false
	}
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case strings.HasPrefix(line, "keychain: "):
			flush()
		case strings.HasPrefix(line, "class: "):
			class, _ = dumpValue(strings.TrimPrefix(line, "class: "))
		case strings.HasPrefix(line, `"svce"<blob>=`):
			svce, _ = dumpValue(strings.TrimPrefix(line, `"svce"<blob>=`))
		case strings.HasPrefix(line, `"acct"<blob>=`):
			acct, haveAcct = dumpValue(strings.TrimPrefix(line, `"acct"<blob>=`))
		}
	}
	flush()
	return accounts
}

// dumpValue decodes one attribute value of `security dump-keychain`.
func dumpValue(v string) (string, bool) {
	switch {
	case v == "<NULL>":
		return "", false
	case strings.HasPrefix(v, "0x"):
		h := strings.TrimPrefix(v, "0x")
		if i := strings.IndexByte(h, ' '); i >= 0 {
			h = h[:i]
		}
		b, err := hex.DecodeString(h)
		if err != nil {
			return "", false
		}
		return string(b), true
	case strings.HasPrefix(v, `"`):
		// The quoted form escapes only '"' and '\' (and octal for
		// non-ASCII, which then comes as 0xHEX instead).
		s, err := strconv.Unquote(v)
		if err != nil {
			s = strings.Trim(v, `"`)
		}
		return s, true
	}
	return v, true
}
