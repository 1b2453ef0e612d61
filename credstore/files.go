package credstore

import "io"

// readRegular reads a file DCR Wizard keeps (index.json, a pending note),
// refusing anything but a plain file.
func readRegular(path string) ([]byte, error) {
	f, err := openKept(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, &NotRegularError{Path: path, Mode: fi.Mode()}
	}
	return io.ReadAll(f)
}
