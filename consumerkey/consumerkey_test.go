package consumerkey

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
)

const raw = "AbCdEfGh12345678wxyz"

func TestNewCleansAndChecks(t *testing.T) {
	for _, in := range []string{raw, "  " + raw + "\r\n", "\ufeff" + raw[:8] + "\u200b" + raw[8:] + "\t", raw[:10] + "\n" + raw[10:]} {
		k, err := New(in, SetupFile)
		if err != nil || k.Header() != raw || k.Source() != SetupFile || k.Hint() != "wxyz" {
			t.Errorf("New(%q) = %q %v %v", in, k.Header(), k.Source(), err)
		}
	}
	for in, want := range map[string]Problem{"": Empty, " \n ": Empty, "short": TooShort, strings.Repeat("a", 300): TooLong, raw + "!": BadCharacters} {
		var ie *InvalidError
		if _, err := New(in, Typed); !errors.As(err, &ie) || ie.Problem != want {
			t.Errorf("New(%q): %v, want problem %d", in, err, want)
		} else if strings.Contains(err.Error(), in) && in != "" && strings.TrimSpace(in) != "" {
			t.Errorf("the error names the key: %v", err)
		}
	}
}

// No format verb, %#v, or JSON shows the key.
func TestRedacted(t *testing.T) {
	k, err := New(raw, Typed)
	if err != nil {
		t.Fatal(err)
	}
	type holder struct {
		Key  Key
		Name string
	}
	type hidden struct{ key Key } // fmt cannot call methods on an unexported field
	for _, verb := range []string{"%s", "%v", "%+v", "%#v", "%q", "%x", "%X", "%10s", "%d"} {
		for _, v := range []any{k, &k, holder{Key: k}, &holder{Key: k}, []Key{k}, hidden{k}, &hidden{k}, map[string]Key{"k": k}} {
			if out := fmt.Sprintf(verb, v); strings.Contains(out, raw) || strings.Contains(out, fmt.Sprintf("%x", raw)) || strings.Contains(out, fmt.Sprintf("%X", raw)) {
				t.Errorf("%s of %T shows the key: %s", verb, v, out)
			}
		}
	}
	if !strings.Contains(k.String(), "wxyz") {
		t.Errorf("String() = %q, want the hint", k.String())
	}
	if out, err := json.Marshal(holder{Key: k}); err == nil || strings.Contains(string(out), raw) {
		t.Errorf("json.Marshal = %s, %v; want refused", out, err)
	}
	if out, err := json.Marshal(map[string]any{"k": k}); err == nil || strings.Contains(string(out), raw) {
		t.Errorf("json.Marshal in a map = %s, %v; want refused", out, err)
	}
}
