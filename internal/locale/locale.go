// Package locale gives Fyne a locale it can parse. Imported by main for its
// side effect: Go initialises packages in import-path order, so this runs
// before Fyne's lang package, which otherwise logs an "Error parsing user
// locale C" on every start under LANG=C, POSIX or no LANG at all — noise on
// the command line's stderr that scripts and support staff would misread.
package locale

import "os"

func init() {
	if os.Getenv("LC_ALL") != "" && !plain(os.Getenv("LC_ALL")) {
		return
	}
	if plain(os.Getenv("LANG")) {
		os.Setenv("LANG", "en_AU.UTF-8")
		if plain(os.Getenv("LC_ALL")) {
			os.Unsetenv("LC_ALL")
		}
	}
}

func plain(v string) bool {
	switch v {
	case "", "C", "POSIX", "C.UTF-8", "C.utf8":
		return true
	}
	return false
}
