.PHONY: test demo build bootstrap

bootstrap:
	./scripts/bootstrap

build: bootstrap
	swift build -c release

# The suite runs in a debug build; its command-line tests drive the release-built `ember`.
test: build
	EMBER_BIN=$(CURDIR)/.build/release/ember swift test

demo: build
	.build/release/ember train lenet --epochs 5 --out runs/lenet
