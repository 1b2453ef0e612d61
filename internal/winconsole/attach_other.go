//go:build !windows

package winconsole

// Attach does nothing outside Windows: a terminal is already connected.
func Attach() bool { return false }
