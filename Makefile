# shopconform: the two commands first.
#   make conformance   every domain suite on the embedded reference sandbox
#   make test          the project's own checks: gofmt, vet, race tests

GO ?= go

.PHONY: conformance test lint fmt-check vet race bench serve

conformance:
	$(GO) run ./cmd/shopconform run

test: fmt-check vet race

lint:
	$(GO) run ./cmd/shopconform lint

fmt-check:
	@unformatted=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$unformatted" ]; then echo "gofmt would change:"; echo "$$unformatted"; exit 1; fi

vet:
	$(GO) vet ./...

race:
	$(GO) test -race -count=1 ./...

bench:
	$(GO) test -run='^$$' -bench=. -benchmem ./runner/

serve:
	$(GO) run ./cmd/shopconform serve --addr 127.0.0.1:8089 --accounts-out reports/accounts.json
