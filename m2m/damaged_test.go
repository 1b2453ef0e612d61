package m2m

import (
	"bytes"
	"encoding/asn1"
	"errors"
	"testing"
)

// Issue 16 finding 10: a .p12 whose MAC was changed, or that was cut
// short, is "damaged" — not a wrong password, not "not a credential file".
func TestPKCS12DamagedNotWrongPassword(t *testing.T) {
	p := getPKI(t)
	c := p.credential(t, 0, "11000002568", "Machine One")
	p12, err := MarshalPKCS12(c, testPassword)
	if err != nil {
		t.Fatal(err)
	}
	var pfx struct {
		Version  int
		AuthSafe asn1.RawValue
		MacData  struct {
			Mac struct {
				Algorithm asn1.RawValue
				Digest    []byte
			}
			MacSalt    []byte
			Iterations int `asn1:"optional,default:1"`
		}
	}
	if _, err := asn1.Unmarshal(p12, &pfx); err != nil || len(pfx.MacData.Mac.Digest) == 0 {
		t.Fatalf("no MAC found: %v", err)
	}
	at := bytes.Index(p12, pfx.MacData.Mac.Digest)
	badMAC := bytes.Clone(p12)
	badMAC[at] ^= 0xff

	var d *DamagedError
	if _, err := Parse(badMAC, "f.p12", testPassword); !errors.As(err, &d) || errors.Is(err, ErrWrongPassword) {
		t.Errorf("changed MAC, right password: %v, want a *DamagedError", err)
	}
	if _, err := Parse(badMAC, "f.p12", "Secret-Guess-123"); !errors.Is(err, ErrWrongPassword) {
		t.Errorf("changed MAC, wrong password: %v, want the wrong-password error", err)
	}
	for _, n := range []int{len(p12) / 2, len(p12) - 10, 40} {
		_, err := Parse(p12[:n], "f.p12", testPassword)
		var fe *FormatError
		if !errors.As(err, &d) || errors.As(err, &fe) {
			t.Errorf("cut at %d of %d bytes: %v, want a *DamagedError", n, len(p12), err)
		}
	}
	if _, err := Parse(p12, "f.p12", testPassword); err != nil {
		t.Fatalf("the whole file: %v", err)
	}
}
