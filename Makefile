.PHONY: test demo build bootstrap bench

bootstrap:
	./scripts/bootstrap

build: bootstrap
	swift build -c release

test: bootstrap
	swift test

demo: build
	.build/release/ember tour
