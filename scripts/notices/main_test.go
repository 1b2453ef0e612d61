package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The notices built into the program are those of what it is built from
// today: a module added, removed or with a new licence fails here until
// `go run ./scripts/notices` writes them again.
func TestNoticesAreCurrent(t *testing.T) {
	root := filepath.Join("..", "..")
	got, err := generate(root)
	if err != nil {
		t.Fatal(err)
	}
	have, err := os.ReadFile(filepath.Join(root, out))
	if err != nil {
		t.Fatal(err)
	}
	if string(have) != string(got) {
		t.Fatalf("%s is not current: run go run ./scripts/notices", out)
	}
	// The ones a reader would look for first.
	for _, want := range []string{"fyne.io/fyne/v2 (LICENSE)", "github.com/golang-jwt/jwt/v5 (LICENSE)",
		"software.sslmate.com/src/go-pkcs12 (LICENSE)", "github.com/zalando/go-keyring (LICENSE)",
		"github.com/danieljoos/wincred (LICENSE)", "github.com/go-gl/glfw/v3.3/glfw (glfw/LICENSE.md)",
		"Go (its standard library and runtime)"} {
		if !strings.Contains(string(got), "\n"+want+"\n") {
			t.Errorf("no %q in the notices", want)
		}
	}
}
