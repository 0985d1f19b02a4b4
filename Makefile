SWIFT ?= swift
BIN := .build/debug/mzt
DEMO_HOME ?= /tmp/mzt-demo-home

PREFIX ?= /usr/local

.PHONY: build release test test-deps demo clean docs install man bench bench-peers reliability fmt fmt-check

build:
	$(SWIFT) build

## Static Swift runtime and static C++ runtime (see Package.swift), the client at a fixed address.
## Every module, the packages' too, reaches concrete generic types through metadata accessors
## rather than mangled names: a mangled name makes the runtime look up each generic
## requirement's conformance, and each first lookup scans all the binary's conformance records
## (half of the conductor's start-up instructions, most of a short command's).
release:
	@mkdir -p .build/static-cxx
	@a=$$(clang -print-file-name=libstdc++.a 2>/dev/null); case "$$a" in \
	    /*) echo "INPUT($$a)" > .build/static-cxx/libstdc++.so ;; *) rm -f .build/static-cxx/libstdc++.so ;; esac
	MZT_STATIC_RELEASE=1 $(SWIFT) build -c release --static-swift-stdlib --disable-local-rpath \
	    -Xswiftc -Xfrontend -Xswiftc -function-sections -Xcc -ffunction-sections \
	    -Xswiftc -Xfrontend -Xswiftc -disable-concrete-type-metadata-mangled-name-accessors

## Release binaries, a conductor on a temporary home, one table of medians and p90s.
bench: release
	.build/release/mzt-bench --mzt .build/release/mzt

## The same, with Debian's task-spooler measured side by side in the same run.
bench-peers: release
	command -v tsp >/dev/null || (apt-get update -qq && apt-get install -y -qq task-spooler)
	.build/release/mzt-bench --mzt .build/release/mzt --peers

## The reliability suites at full size (chaos, protocol fuzz, score fuzz, numeric fuzz, faults, security, two users).
reliability:
	$(SWIFT) build --build-tests
	MZT_RELIABILITY=full $(SWIFT) test --skip-build --filter 'ChaosTests|ProtocolFuzzTests|ScoreFuzzTests|FaultTests|SecurityTests|NumericFuzzSuiteTests|TwoUserTests|EngineHardeningTests'

## Runs every test suite (unit and end-to-end against a real conductor).
## Installs what the tests need beyond Swift (Debian and Python packages), when missing.
test-deps:
	@scripts/test-deps.sh

test: test-deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

## Builds, starts a conductor on a temporary home, runs Examples/hello.yaml and shows the result.
demo: build
	@rm -rf $(DEMO_HOME) /tmp/mzt-demo && mkdir -p /tmp/mzt-demo && cp Examples/hello.yaml /tmp/mzt-demo/
	@echo "== mzt start"; MZT_HOME=$(DEMO_HOME) $(BIN) start
	@echo "== mzt submit hello.yaml --wait"; MZT_HOME=$(DEMO_HOME) $(BIN) submit /tmp/mzt-demo/hello.yaml --wait || true
	@echo "== mzt status hello"; MZT_HOME=$(DEMO_HOME) $(BIN) status hello
	@echo "== mzt list"; MZT_HOME=$(DEMO_HOME) $(BIN) list
	@echo "== workspace"; ls /tmp/mzt-demo/hello-ws; cat /tmp/mzt-demo/hello-ws/greeting.txt
	@echo "== mzt stop"; MZT_HOME=$(DEMO_HOME) $(BIN) stop --yes

## Formats the sources in place with swift-format (settings in .swift-format).
fmt:
	$(SWIFT) format --in-place --recursive --parallel Sources Tests Package.swift

## Lists what `make fmt` would change, without changing anything.
fmt-check:
	$(SWIFT) format lint --recursive --parallel Sources Tests Package.swift

## The manual page, generated from the commands themselves (mzt generate-manual).
man: release
	.build/release/mzt generate-manual > .build/mzt.1

install: release man
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 0755 .build/release/mzt .build/release/mzt-conductor $(DESTDIR)$(PREFIX)/bin/
	install -m 0644 .build/mzt.1 $(DESTDIR)$(PREFIX)/share/man/man1/mzt.1

clean:
	rm -rf .build
