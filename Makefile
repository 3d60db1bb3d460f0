.PHONY: test demo build bootstrap

bootstrap:
	./scripts/bootstrap

build: bootstrap
	swift build -c release

test: bootstrap
	swift test

demo: build
	.build/release/ember train lenet --epochs 5 --out runs/lenet
