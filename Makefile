SWIFT ?= swift

.PHONY: build release test demo clean

build:
	$(SWIFT) build

release:
	$(SWIFT) build -c release --static-swift-stdlib

test:
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

clean:
	rm -rf .build
