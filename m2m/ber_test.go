package m2m

import (
	"bytes"
	"encoding/hex"
	"strings"
	"testing"
)

func TestBERToDER(t *testing.T) {
	tests := []struct {
		name    string
		in, out string // hex; out "" = error
	}{
		{"DER stays DER", "3003020105", "3003020105"},
		{"indefinite sequence", "30800201050000", "3003020105"},
		{"nested indefinite", "3080a08002010500000000", "3005a003020105"},
		{"constructed octet string flattened", "2480040141040142" + "0000", "04024142"},
		{"non-minimal length", "308200030201" + "05", "3003020105"},
		{"high tag number", "bf8a3c80020101" + "0000", "bf8a3c03020101"},
		{"long content", "0481c8" + strings.Repeat("00", 200), "0481c8" + strings.Repeat("00", 200)},
		{"empty input", "", ""},
		{"trailing data", "300302010500", ""},
		{"missing end-of-contents", "3080020105", ""},
		{"primitive with indefinite length", "0480", ""},
		{"length past end", "3005020105", ""},
		{"child past parent", "3003020205aa", ""},
		{"5-byte length", "30850000000003020105", ""},
		{"constructed bit string left as is", "23800303000102" + "0000", "2305030300" + "0102"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in, _ := hex.DecodeString(tt.in)
			got, err := berToDER(in)
			if tt.out == "" {
				if err == nil {
					t.Fatalf("no error; got %x", got)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if want, _ := hex.DecodeString(tt.out); !bytes.Equal(got, want) {
				t.Errorf("got %x, want %s", got, tt.out)
			}
		})
	}
	// Depth and element caps stop hostile nesting without a stack blow-up.
	deep := bytes.Repeat([]byte{0x30, 0x80}, 100000)
	if _, err := berToDER(deep); err == nil {
		t.Error("deep nesting accepted")
	}
	many := append([]byte{0x30, 0x80}, bytes.Repeat([]byte{0x05, 0x00}, maxBERElements+1)...)
	many = append(many, 0, 0)
	if _, err := berToDER(many); err == nil {
		t.Error("element cap not applied")
	}
}
