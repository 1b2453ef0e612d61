package cleanup

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

func TestRemoveAll(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "dcrwizard-practice-1")
	for _, f := range []string{"keystore.xml", "README.txt", "sub/deeper/practice.pem", "sub/a.p12"} {
		p := filepath.Join(dir, f)
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(dir); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("%s is still there: %v", dir, err)
	}
	// Gone already is not an error.
	if err := RemoveAll(dir); err != nil {
		t.Errorf("second RemoveAll: %v", err)
	}
}
