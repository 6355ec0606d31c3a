# shopconform: the two commands first.
#   make conformance   every domain suite on the embedded reference sandbox
#   make test          the project's own checks: gofmt, vet, actionlint, race tests

GO ?= go

.PHONY: conformance test suites lint fmt-check vet actionlint race fuzz-native replay test-adapters record drift bench serve api-notes

# The binary is built, then run: make reports any failure as its own exit
# 2, so the binary's exit code (README, "Exit codes") is printed with its
# meaning. CI jobs call the binary directly. Extra flags: RUN_FLAGS, e.g.
# make conformance RUN_FLAGS='--domains coupon'.
SHOPCONFORM_BIN ?= bin/shopconform
RUN_FLAGS ?=
conformance:
	@$(GO) build -o $(SHOPCONFORM_BIN) ./cmd/shopconform
	@$(SHOPCONFORM_BIN) run $(RUN_FLAGS); code=$$?; \
	case $$code in \
	0) ;; \
	1) echo "make conformance: shopconform exited 1: a case failed, errored or was inconclusive without an expectation, or an expectation broke (the run's summary.md says which)";; \
	2) echo "make conformance: shopconform exited 2: bad usage or bad input (flags, configuration, fixtures, a regular expression, a URL); no case ran";; \
	3) echo "make conformance: shopconform exited 3: the target is unreachable or does not speak the API";; \
	*) echo "make conformance: shopconform exited $$code";; \
	esac >&2; exit $$code

# make test runs its steps two at a time: the fuzzer's build shares
# nothing with the race-enabled one, and a second step keeps a core busy
# whenever one step cannot (vet's last packages, race tests waiting on
# their servers). Each step's output is printed whole when it ends (GNU
# make 4's output-sync; an older make interleaves the lines); the first
# step to fail fails make test. The steps are the targets below, and each
# can be run alone.
TEST_STEPS = vet fuzz-native race actionlint test-adapters replay
test: fmt-check
	@$(MAKE) --no-print-directory -j2 $(if $(filter output-sync,$(.FEATURES)),--output-sync=target) IN_MAKE_TEST=1 $(TEST_STEPS)

ifdef IN_MAKE_TEST
# Within make test: the steps that test race-enabled packages wait for vet,
# which compiles them (go test would otherwise compile the same packages
# at the same time), and replay for race, whose suites it runs again.
# vet has vetted every package and its tests, so go test does not vet
# again: its own pass is a subset of the same checks, worked out anew for
# every package and every dependency for each set of build flags. And go
# test runs twice as many test binaries at once as there are cores: a
# race-enabled binary sleeps a second at exit, and the end-to-end tests
# wait on their servers, so that one per core would leave cores idle.
race test-adapters: | vet
replay: | race
CORES := $(shell getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2)
GOTEST_VET = -vet=off
GOTEST_P = -p $(shell expr 2 \* $(CORES))
endif

# The SDK adapters are modules of their own: ./... does not enter them.
# Vetted first, so go test need not vet again.
test-adapters:
	cd adapters/silenceper && $(GO) vet -race ./... && $(GO) test -race -count=1 -vet=off ./...

lint:
	$(GO) run ./cmd/shopconform lint

fmt-check:
	@unformatted=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$unformatted" ]; then echo "gofmt would change:"; echo "$$unformatted"; exit 1; fi

# -race, here and in replay: every step of make test then builds the one
# race-enabled set of packages that `race` needs, instead of a second set.
vet:
	$(GO) vet -race ./...

# The GitHub workflows (.github/workflows), with actionlint pinned in go.mod
# (a tool directive); shellcheck, where installed, checks their scripts too.
# ci/gitlab and ci/kubernetes are checked by cmd/shopconform's tests.
actionlint:
	$(GO) tool actionlint

race:
	$(GO) test -race -count=1 $(GOTEST_VET) $(GOTEST_P) ./...

# Native fuzzing of the reference sandbox's request path, seeded with the
# requests the corpus gets accepted (refsandbox/README.md, "Fuzzing and the
# mutation score"): 10 s in make test, longer on demand with
# make fuzz-native FUZZTIME=10m. A failing input is saved under
# refsandbox/corpuscheck/testdata/fuzz/, where plain go test replays it.
FUZZTIME ?= 10s
fuzz-native:
	$(GO) test $(GOTEST_VET) -run='^$$' -fuzz='^FuzzRequestPath$$' -fuzztime=$(FUZZTIME) ./refsandbox/corpuscheck/

# The domain suites through the Ginkgo CLI (go test ./suites/... runs the
# same): `ginkgo -r ./suites`, not -r from the root, which also runs every
# other package's plain tests and enters the adapter module. Ginkgo compiles
# each suite to suites/<domain>/<domain>.test and removes it after the run;
# --keep-going runs every suite even after one fails, so that it removes
# them all. What an interrupt leaves (compiled but not run, or still being
# written by a `go test -c` that outlives Ginkgo) the cleanup below removes:
# only binaries this run wrote. Extra flags: GINKGO_FLAGS, e.g.
# make suites GINKGO_FLAGS='--label-filter=errcode:40066'.
GINKGO_FLAGS ?=
suites:
	@stamp=$$(mktemp); \
	clean() { find suites -name '*.test' -type f -newer "$$stamp" -delete; }; \
	trap 'clean; sleep 2; clean; rm -f "$$stamp"; exit 130' INT TERM; \
	$(GO) tool ginkgo -r --keep-going $(GINKGO_FLAGS) ./suites; status=$$?; \
	clean; rm -f "$$stamp"; exit $$status

# Every suite again, answered from the committed cassettes through gock.
replay:
	SHOPCONFORM_TARGET=replay $(GO) test -race -count=1 $(GOTEST_VET) $(GOTEST_P) ./suites/...

# Re-record every cassette from the reference sandbox (deterministic: an
# unchanged sandbox leaves every file as it is); drift only reports.
record:
	$(GO) run ./cmd/shopconform record

drift:
	$(GO) run ./cmd/shopconform record --check

bench:
	$(GO) test -run='^$$' -bench=. -benchmem ./runner/
	$(GO) test -run='^$$' -bench=PacingHoldsRate -benchtime=1x ./runner/runstate/
	$(GO) test -run='^$$' -bench=Replay10k -benchtime=1x ./cmd/shopconform/
	$(GO) test -run='^$$' -bench=MutationScore -benchtime=1x ./refsandbox/corpuscheck/

serve:
	$(GO) run ./cmd/shopconform serve --addr 127.0.0.1:8089 --accounts-out reports/accounts.json

# Rewrite apispec/API.md from the spec; a test fails while it is stale.
api-notes:
	$(GO) run ./cmd/shopconform spec --format markdown --out apispec/API.md
