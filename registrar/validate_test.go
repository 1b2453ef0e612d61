package registrar

import (
	"strings"
	"testing"
	"unicode/utf8"

	"dcrwizard/consumerkey"
	"dcrwizard/guidance"
)

func TestCleanAPIKey(t *testing.T) {
	for in, want := range map[string]string{
		"abcDEF0123456789xyz":             "abcDEF0123456789xyz",
		"  abcDEF0123456789xyz \n":        "abcDEF0123456789xyz",
		"abcDEF01234\r\n56789xyz":         "abcDEF0123456789xyz",
		"\ufeffabcDEF0123456789\u200bxyz": "abcDEF0123456789xyz",
		"\tabc DEF 0123 4567 89xyz\t":     "abcDEF0123456789xyz",
	} {
		if got := consumerkey.Clean(in); got != want {
			t.Errorf("consumerkey.Clean(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestValidateAPIKey(t *testing.T) {
	for _, tc := range []struct {
		key, wantPhrase string
	}{
		{"AbCdEfGh12345678", ""},
		{"", "Enter the consumer (API) key"},
		{"short", "only 5 characters"},
		{strings.Repeat("a", 257), "too long"},
		{"AbCdEfGh12345678<", "characters an ATO key never has"},
		{"Consumer key: AbCdEfGh12345678", "characters an ATO key never has"},
	} {
		err := consumerkey.Valid(tc.key)
		switch {
		case tc.wantPhrase == "" && err != nil:
			t.Errorf("consumerkey.Valid(%q) = %v, want nil", tc.key, err)
		case tc.wantPhrase != "" && (err == nil || !strings.Contains(err.Error(), tc.wantPhrase)):
			t.Errorf("consumerkey.Valid(%q) = %v, want it to say %q", tc.key, err, tc.wantPhrase)
		}
	}
}

func TestValidateInstanceName(t *testing.T) {
	for _, tc := range []struct {
		name, wantPhrase string
	}{
		{"Front desk PC", ""},
		{"Reception – Level 2", ""},
		{"", "Enter a name"},
		{strings.Repeat("x", MaxNameLength), ""},
		{strings.Repeat("x", MaxNameLength+1), "keep it to 64"},
		{"tab\there", "cannot be shown"},
		{"bad \xff byte", "could not be read"},
	} {
		err := ValidateInstanceName(tc.name)
		switch {
		case tc.wantPhrase == "" && err != nil:
			t.Errorf("ValidateInstanceName(%q) = %v, want nil", tc.name, err)
		case tc.wantPhrase != "" && (err == nil || !strings.Contains(guidance.Words(err), tc.wantPhrase)):
			t.Errorf("ValidateInstanceName(%q) = %v, want it to say %q", tc.name, guidance.Words(err), tc.wantPhrase)
		}
	}
	if got := CleanName("  Front \t desk\nPC "); got != "Front desk PC" {
		t.Errorf("CleanName = %q", got)
	}
	if err := ValidateInstanceName(DefaultInstanceName()); err != nil {
		t.Errorf("the default name %q is not valid: %v", DefaultInstanceName(), err)
	}
}

// FuzzCleanAndValidate: whatever is pasted, cleaning is idempotent, never
// leaves white space in a key, and validation never panics.
func FuzzCleanAndValidate(f *testing.F) {
	for _, s := range []string{"AbCdEfGh12345678", " a b\n", "\ufeff", "Front desk PC", "\xff\xfe"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		k := consumerkey.Clean(s)
		if consumerkey.Clean(k) != k || strings.ContainsAny(k, " \t\r\n") {
			t.Fatalf("consumerkey.Clean(%q) = %q is not clean", s, k)
		}
		_ = consumerkey.Valid(k)
		n := CleanName(s)
		if CleanName(n) != n {
			t.Fatalf("CleanName not idempotent on %q", s)
		}
		if ValidateInstanceName(n) == nil && (n == "" || utf8.RuneCountInString(n) > MaxNameLength) {
			t.Fatalf("ValidateInstanceName accepted %q", n)
		}
	})
}
