// Package winpaths knows where Windows puts what DCR Wizard looks for, with
// no Fyne import so the wizard, the command line and tests can share it:
//
//   - RAM's installer (Relationship Authorisation Manager) writes the M2M
//     credential to %APPDATA%\ATOMAS\keystore.xml, and a renewed one may
//     arrive beside it as keystore-new.xml (ato-facts §11);
//   - an export is best written inside the user's profile, whose folders'
//     access control list admits only that user (and administrators): a
//     file takes the ACL of the folder it is written to, whatever the program
//     asks (Windows has no Unix modes).
//
// Paths come from %APPDATA% and the home folder, so the functions do nothing
// surprising elsewhere: on Linux and macOS APPDATA is normally unset.
package winpaths

import (
	"os"
	"path/filepath"
	"sort"
)

// RAMFolderName is the folder under %APPDATA% where RAM's installer writes
// the keystore.
const RAMFolderName = "ATOMAS"

// RAMKeystoreNames are the files RAM's installer leaves there: the keystore,
// and a renewed one.
var RAMKeystoreNames = []string{"keystore.xml", "keystore-new.xml"}

// RAMFolder returns %APPDATA%\ATOMAS when that folder exists, else "".
func RAMFolder(getenv func(string) string) string {
	appData := getenv("APPDATA")
	if appData == "" {
		return ""
	}
	dir := filepath.Join(appData, RAMFolderName)
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return ""
	}
	return dir
}

// RAMKeystores returns the RAM keystore files that exist in RAMFolder, the
// most recently written first (a renewal is newer than the file it renews;
// on a tie keystore-new.xml comes first).
func RAMKeystores(getenv func(string) string) []string {
	dir := RAMFolder(getenv)
	if dir == "" {
		return nil
	}
	type found struct {
		path  string
		mod   int64
		order int
	}
	var fs []found
	for i, name := range RAMKeystoreNames {
		p := filepath.Join(dir, name)
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() && fi.Size() > 0 {
			fs = append(fs, found{p, fi.ModTime().UnixNano(), i})
		}
	}
	sort.Slice(fs, func(i, j int) bool {
		if fs[i].mod != fs[j].mod {
			return fs[i].mod > fs[j].mod
		}
		return fs[i].order > fs[j].order
	})
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.path
	}
	return out
}

// ExportFolder is where a save dialog for an export starts: the user's
// Documents folder when there is one, else the home folder ("" if neither is
// known). Both are inside the user's profile, so on Windows the file gets
// the profile's ACL, not that of a shared folder the dialog last visited.
func ExportFolder() string {
	home, err := os.UserHomeDir()
	if err != nil || home == "" {
		return ""
	}
	docs := filepath.Join(home, "Documents")
	if fi, err := os.Stat(docs); err == nil && fi.IsDir() {
		return docs
	}
	return home
}
