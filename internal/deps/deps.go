// Package deps pins the modules the packages under construction will import,
// so go.mod and go.sum stay stable while they are written. Delete once each
// is imported for real.
package deps

import (
	_ "fyne.io/fyne/v2/app"
	_ "fyne.io/fyne/v2/test"
	_ "github.com/golang-jwt/jwt/v5"
	_ "github.com/smallstep/pkcs7"
	_ "github.com/zalando/go-keyring"
	_ "golang.org/x/term"
	_ "software.sslmate.com/src/go-pkcs12"
)
