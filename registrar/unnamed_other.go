//go:build !linux

package registrar

import "errors"

var errNoUnnamed = errors.New("unnamed temp files are a Linux feature")

// writeUnnamed: not on this OS; WriteValuesFile uses a named temp file.
func writeUnnamed(dir, path string, data []byte) error { return errNoUnnamed }
