//go:build !unix

package credstore

import "os"

// processAlive reports whether pid may still hold the index lock. Where
// FindProcess cannot tell, the lock's age decides.
func processAlive(pid int) bool {
	p, err := os.FindProcess(pid)
	if err != nil {
		return false
	}
	_ = p.Release()
	return true
}
