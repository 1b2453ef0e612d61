# DCR Wizard. The two commands a newcomer needs: `make run` and `make test`.
GO      ?= go
TAGS    := migrated_fynedo
export LANG ?= C.UTF-8

.PHONY: run build test vet lint fmt-check check screenshots deps test-deps clean

## run: install what is missing (Debian/Ubuntu), build and open the wizard
run: deps
	$(GO) run -tags $(TAGS) .

## build: the program, as ./dcrwizard
build: deps
	$(GO) build -tags $(TAGS) -o dcrwizard .

## test: every test, with the race detector, against a throw-away Secret Service
test: test-deps
	scripts/with-secret-service.sh $(GO) test -race -tags $(TAGS) -count=1 -timeout 20m ./...

## vet, lint: go vet and staticcheck (pinned in go.mod as a tool)
vet:
	$(GO) vet -tags $(TAGS) ./...
lint: vet
	$(GO) tool staticcheck -tags $(TAGS) ./...

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

## check: what CI runs besides the tests
check: fmt-check lint

## screenshots: a PNG of every wizard step into docs/screenshots/
screenshots: test-deps
	mkdir -p docs/screenshots
	DCRWIZARD_SCREENSHOTS=$(CURDIR)/docs/screenshots $(GO) test -tags $(TAGS) -count=1 -run TestScreenshots ./ui/

deps:
	@scripts/install-deps.sh run
test-deps:
	@scripts/install-deps.sh test

clean:
	rm -f dcrwizard dcrwizard.exe
