//go:build !((dragonfly && cgo) || (freebsd && cgo) || linux || netbsd || openbsd)

package credstore

// defaultKeyring is go-keyring's keychain for this platform, one item per call.
func defaultKeyring() Keyring { return systemKeyring{} }
