# rdsreplication — see README.md. Main job: `make demo`. All tests: `make test`.
SHELL := /bin/bash
ROOT := $(CURDIR)
MVN ?= mvn -B -q -e
VERSION := $(shell sed -n 's:.*<version>\(.*\)</version>.*:\1:p' pom.xml | head -1)
JAR := provider/target/pulumi-resource-rdsreplication-$(VERSION)-all.jar
PROVIDER_DIR := $(ROOT)/.bin/provider
export PATH := $(ROOT)/.bin:$(PATH)

# Engine pairs <source>:<replica> (see testbed/engines.sh): `make test` runs the integration and end-to-end
# tiers on each of PAIRS, `make test-matrix` on each of MATRIX_PAIRS (the extended tier and cross-engine pairs).
PAIRS ?= mariadb1011:mariadb1011 mariadb114:mariadb114 mysql80:mysql80
MATRIX_PAIRS ?= mysql9:mysql9 mariadb118:mariadb118 mysql80:mysql9 mariadb1011:mariadb114

.PHONY: help provider install pulumi schema sdk dist testbed-up testbed-prepare testbed-down demo test test-unit test-matrix bench clean java-check

help:
	@echo "make demo          run the example against the local test bed (main job)"
	@echo "make test          unit tests, then integration and end-to-end tests on each engine pair of PAIRS"
	@echo "make test-matrix   integration and end-to-end tests on the extended pairs (MATRIX_PAIRS)"
	@echo "make provider      build the plugin jar;  make install: into .bin/provider"
	@echo "make testbed-up    start source + RDS-like replica (ENGINES=src:replica), moto, pulumi;  make testbed-down"
	@echo "make schema        regenerate schema.json from the provider's declarations"
	@echo "make sdk           regenerate sdk/{java,nodejs,python,go} from schema.json;  make dist: plugin tarball;  make bench"

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

# schema.json is generated from the provider's Java declarations (a test keeps the committed file equal to them)
schema: java-check
	$(MVN) test -pl provider -Dtest=SchemaTest -Dschema.update=true -Dsurefire.failIfNoSpecifiedTests=false

sdk: pulumi
	scripts/gen-sdk.sh

testbed-up:
	testbed/testbed.sh up

testbed-prepare:
	testbed/testbed.sh prepare mariadb114 mysql80 mysql9 mariadb118

testbed-down:
	testbed/testbed.sh down

test-unit: java-check
	$(MVN) test

# Unit tests (surefire) once, then the packaged plugin, then the integration and end-to-end tests (failsafe) on
# each engine pair in turn; every pair runs, and the target fails if any failed (a summary line per pair).
test: java-check testbed-up
	$(MAKE) install
	$(MVN) -DskipTests -pl sdk/java -am install
	mvn -B -e -ntp test
	scripts/check-sdk.sh
	scripts/dist.sh $(VERSION) $(JAR)
	scripts/dist-test.sh
	FIRST_PAIR_ARGS=-Dlanguages testbed/test-pairs.sh $(PAIRS)

test-matrix: java-check testbed-up
	$(MAKE) install
	$(MVN) -DskipTests -pl sdk/java -am install
	testbed/test-pairs.sh $(MATRIX_PAIRS)

demo: testbed-up install
	examples/demo.sh

bench: testbed-up install dist
	bench/run.sh

dist: provider
	scripts/dist.sh $(VERSION) $(JAR)

clean:
	$(MVN) clean
	rm -rf dist
