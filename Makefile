# DCR Wizard. The two commands a newcomer needs: `make run` and `make test`.
GO      ?= go
# Build tags, one list for every build and test (scripts/build-tags):
# migrated_fynedo — Fyne 2.6 threading; no_emoji — leave out Fyne's 4 MB colour
# emoji font, parsed once per text style at start (≈ 15 MB of RAM); an emoji
# typed into a name still shows through the system's own emoji font;
# nethttpomithttp2 — leave out net/http's HTTP/2 (0.5 MiB): every ATO request
# goes over HTTP/1.1 anyway (flow's pre-made connections offer only http/1.1);
# no_metadata — Fyne does not look for FyneApp.toml beside the program at start
# (its TOML parser and icon scaler stay out, 0.3 MiB): the ID, icon and version
# are set in code, and fyneDo comes from migrated_fynedo.
TAGS    := $(shell cat scripts/build-tags)
export LANG ?= C.UTF-8
SMOKE_BIN := $(or $(TMPDIR),/tmp)/dcrwizard-smoke-$(shell echo $$$$)
# What `dcrwizard version` and the About box show: FyneApp.toml's Version, plus
# +g<commit> when not on its tag (scripts/version.sh). `make release VERSION=…` overrides.
VERSION_LDFLAGS = -X dcrwizard/cli.Version=$(shell VERSION='$(VERSION)' scripts/version.sh)

.PHONY: run build test vet lint fmt-check check screenshots deps test-deps clean bench fuzz \
	package-linux package-windows package-darwin package-check release package-deps \
	vet-darwin wine-check wine-screenshot wine-deps deb-check

## run: install what is missing (Debian/Ubuntu), build and open the wizard
run: deps
	$(GO) run -tags $(TAGS) -ldflags "$(VERSION_LDFLAGS)" .

## build: the program, as ./dcrwizard
build: deps
	$(GO) build -tags $(TAGS) -ldflags "$(VERSION_LDFLAGS)" -o dcrwizard .

## test: every test, with the race detector, against a throw-away Secret Service
test: test-deps
	scripts/with-secret-service.sh $(GO) test -race -tags $(TAGS) -count=1 -timeout 20m ./...
	@# The real program, real GL driver, under Xvfb: does the window open and draw?
	$(GO) build -race -tags $(TAGS) -o $(SMOKE_BIN) . && scripts/with-secret-service.sh scripts/gui-smoke.sh $(SMOKE_BIN); \
		status=$$?; rm -f $(SMOKE_BIN); exit $$status
	@# A short run of every fuzz target (make fuzz for a long one).
	scripts/fuzz.sh 10000x

## bench: benchmarks, whole-process timings and the wizard's start-up; rewrites docs/BENCHMARKS.md
bench: test-deps
	scripts/bench/run.sh

## fuzz: every fuzz target for FUZZTIME seconds each (e.g. make fuzz FUZZTIME=600)
FUZZTIME ?= 60
fuzz:
	scripts/fuzz.sh $(FUZZTIME)

## vet, lint: go vet and staticcheck (pinned in go.mod as a tool)
vet:
	$(GO) vet -tags $(TAGS) ./...
lint: vet
	$(GO) tool staticcheck -tags $(TAGS) ./...

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

## vet-darwin: every package that does not import Fyne, vetted and built for macOS
## (GOOS=darwin CGO_ENABLED=0), and for Windows: what a Linux machine can check
vet-darwin:
	GO="$(GO)" scripts/vet-cross.sh

## check: what CI runs besides the tests
check: fmt-check lint vet-darwin

## screenshots: a PNG of every wizard step into docs/screenshots/
screenshots: test-deps
	mkdir -p docs/screenshots
	DCRWIZARD_SCREENSHOTS=$(CURDIR)/docs/screenshots $(GO) test -tags $(TAGS) -count=1 -run TestScreenshots ./ui/

## package-linux: dist/dcrwizard_<version>_amd64.deb (Debian/Ubuntu) and dist/dcrwizard-linux-amd64.tar.xz —
## binary, .desktop file, icon and a Makefile for `sudo make install` (other distributions)
package-linux: deps
	GO="$(GO)" scripts/package.sh linux

## package-windows: dist/dcrwizard-windows-amd64.exe, cross-built with mingw-w64 — icon, no console window —
## its console build, and dist/dcrwizard-<version>-windows-amd64.msi with both (wixl; packaging/windows/)
package-windows: package-deps
	GO="$(GO)" scripts/package.sh windows

## package-darwin: on a Mac with Xcode, dist/dcrwizard-macos-<arch>.zip (signed/notarised if configured);
## elsewhere it prints the steps (packaging/macOS.md)
package-darwin:
	GO="$(GO)" scripts/package.sh darwin

## package-check: build the Linux and Windows packages and inspect them (pkgcheck, lintian,
## desktop-file-validate; CI runs this)
package-check: package-deps
	GO="$(GO)" scripts/package.sh check

## deb-check: install dist/'s .deb on this machine (dpkg -i, with sudo), run it, remove it (CI runs it
## after package-check; it refuses to run where dcrwizard is installed already)
deb-check:
	scripts/deb-check.sh dist

## wine-check: run dist/'s Windows .exe for real under Wine (after package-check; CI runs it):
## CLI, Credential Manager, simulate, password files, proxy, the wizard through Practice mode, and
## the .msi installed with SETUPFILE, opened through its association, upgraded and uninstalled.
## WINE_CASE_COLLISION=warn only reports the case-collision step (names compare case-insensitively since issue 14 item 2).
WINE_CASE_COLLISION ?= strict
wine-check: wine-deps
	WINE_CASE_COLLISION=$(WINE_CASE_COLLISION) scripts/wine/run.sh dist

## wine-screenshot: wine-check, keeping the Done page as docs/screenshots/windows-done.png
wine-screenshot: wine-deps
	WINE_CASE_COLLISION=$(WINE_CASE_COLLISION) WINE_SCREENSHOT=$(CURDIR)/docs/screenshots/windows-done.png scripts/wine/run.sh dist

## release: a fresh dist/ — the .deb, .tar.xz, .exe (both builds) and .msi (inspected), a plain stripped
## Linux binary and SHA256SUMS over all of them
release: package-deps
	GO="$(GO)" scripts/package.sh release

deps:
	@scripts/install-deps.sh run
test-deps:
	@scripts/install-deps.sh test
package-deps:
	@scripts/install-deps.sh package
wine-deps:
	@scripts/install-deps.sh wine

clean:
	rm -f dcrwizard dcrwizard.exe
	rm -rf dist
