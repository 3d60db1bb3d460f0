.PHONY: test demo build bootstrap

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
