.PHONY: test demo build bootstrap fuzz sanitize

bootstrap:
	./scripts/bootstrap

# Only the command-line tool: the demo runs it and the command-line tests drive it (the examples are
# built, in debug, by the test build).
build: bootstrap
	swift build -c release --product ember

# The suite runs in a debug build; its command-line tests drive the release-built `ember`.
test: build
	EMBER_BIN=$(CURDIR)/.build/release/ember swift test

demo: build
	.build/release/ember train lenet --epochs 5 --out runs/lenet

# Each parser under libFuzzer and AddressSanitizer for FUZZ_SECONDS (see RELIABILITY.md).
FUZZ_SECONDS ?= 60
fuzz: bootstrap
	./scripts/fuzz $(FUZZ_SECONDS)

# The test suite under AddressSanitizer, then ThreadSanitizer (own build folders; slow). The
# command-line suites run without the leak checker: Foundation's Process leaks on Linux.
sanitize: build
	LSAN_OPTIONS=suppressions=$(CURDIR)/scripts/lsan.supp \
		swift test --sanitize address --build-path .build-asan --skip 'CraftedInputTests|CraftedOptionTests|CommandLineTests'
	EMBER_BIN=$(CURDIR)/.build/release/ember ASAN_OPTIONS=detect_leaks=0 \
		swift test --sanitize address --build-path .build-asan --filter 'CraftedInputTests|CraftedOptionTests|CommandLineTests'
	EMBER_BIN=$(CURDIR)/.build/release/ember EMBER_NO_OPENMP=1 \
		TSAN_OPTIONS="halt_on_error=1 suppressions=$(CURDIR)/scripts/tsan.supp" \
		swift test --sanitize thread --build-path .build-tsan
