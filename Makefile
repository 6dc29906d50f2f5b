# rdsreplication — see README.md. Main job: `make demo`. All tests: `make test`.
SHELL := /bin/bash
ROOT := $(CURDIR)
MVN ?= mvn -B -q -e
VERSION := $(shell sed -n 's:.*<version>\(.*\)</version>.*:\1:p' pom.xml | head -1)
JAR := provider/target/pulumi-resource-rdsreplication-$(VERSION)-all.jar
PROVIDER_DIR := $(ROOT)/.bin/provider
export PATH := $(ROOT)/.bin:$(PATH)

.PHONY: help provider install pulumi sdk dist testbed-up testbed-down demo test test-unit bench clean java-check

help:
	@echo "make demo          run the example against the local test bed (main job)"
	@echo "make test          unit, integration and end-to-end tests (brings the test bed up)"
	@echo "make provider      build the plugin jar;  make install: into .bin/provider"
	@echo "make testbed-up    start MariaDB source + RDS-like replica, moto, build pulumi;  make testbed-down"
	@echo "make sdk           regenerate sdk/java from schema.json;  make dist: plugin tarball;  make bench"

java-check:
	@command -v mvn >/dev/null || { echo "Maven is required (apt-get install maven)"; exit 1; }
	@command -v java >/dev/null || { echo "A JDK 17+ is required (apt-get install openjdk-17-jdk-headless)"; exit 1; }

provider: java-check
	$(MVN) -DskipTests -DskipITs package

install: provider
	@mkdir -p $(PROVIDER_DIR)
	cp $(JAR) $(PROVIDER_DIR)/pulumi-resource-rdsreplication.jar
	cp provider/bin/pulumi-resource-rdsreplication $(PROVIDER_DIR)/
	chmod +x $(PROVIDER_DIR)/pulumi-resource-rdsreplication
	scripts/cds.sh $(PROVIDER_DIR)
	@echo "installed the plugin into $(PROVIDER_DIR)"

pulumi:
	testbed/build-pulumi.sh

sdk: pulumi
	scripts/gen-sdk.sh

testbed-up:
	testbed/testbed.sh up

testbed-down:
	testbed/testbed.sh down

test-unit: java-check
	$(MVN) test

# Unit tests (surefire), then the packaged plugin, then integration and end-to-end tests (failsafe) against
# the test bed. Surefire/failsafe print their summaries.
test: java-check testbed-up
	$(MAKE) install
	$(MVN) -DskipTests -pl sdk/java -am install
	mvn -B -e -ntp verify

demo: testbed-up install
	examples/demo.sh

bench: testbed-up install
	bench/run.sh

dist: provider
	scripts/dist.sh $(VERSION) $(JAR)

clean:
	$(MVN) clean
	rm -rf dist
