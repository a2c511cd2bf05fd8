# Terrarium: run `make help` for the targets.
SHELL := /usr/bin/env bash
.SHELLFLAGS := -euo pipefail -c
MVN ?= mvn -B -q
.DEFAULT_GOAL := help

.PHONY: help
help: ## List the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  %-14s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

.PHONY: prereqs
prereqs: ## Install what builds and tests need and the machine lacks (apt packages, python packaging)
	hack/prereqs.sh

.PHONY: binaries
binaries: ## Build the control-plane binaries, helm and cosign from Go modules into the cache (once per version set)
	hack/build-binaries.sh
	hack/build-helm.sh
	hack/build-cosign.sh

.PHONY: build
build: ## Compile, run unit tests and package the operator (target/quarkus-app)
	$(MVN) package

.PHONY: test
test: prereqs binaries ## Run every test: unit tests, then integration tests against a local control plane
	$(MVN) verify

.PHONY: unit
unit: ## Run the unit tests only (no cluster)
	$(MVN) test

.PHONY: bench
bench: prereqs binaries ## Benchmark N Environments + N Workloads converging (BENCH_N, default 300) on a cluster of its own
	TERRARIUM_CLUSTER=bench TERRARIUM_REGISTRY_PORT=5002 TERRARIUM_KUBECONFIG=$$HOME/.cache/terrarium/kubeconfig-bench \
	  $(MVN) -Pbench verify

.PHONY: bench-build
bench-build: prereqs ## Benchmark a real venv and a real conda build with buildah: cold, warm rebuild, cache hit, size, uv vs pip
	$(MVN) -Pbench verify -Dbench.includes='**/bench/BuildBench.java'

.PHONY: images
images: prereqs ## Build and push the operator, builder and JRE images, no Docker (REGISTRY=host:port, default: local)
	hack/images.sh $(REGISTRY)

.PHONY: run
run: prereqs ## Run the operator against the current kube context, or a local control plane when there is none
	hack/run.sh

.PHONY: cluster
cluster: binaries ## Start (or reuse) the local control plane and registry; prints the KUBECONFIG to use
	hack/cluster.sh up

.PHONY: cluster-down
cluster-down: ## Stop the local control plane and registry and remove their state
	hack/cluster.sh down

.PHONY: deploy
deploy: ## Install CRDs, RBAC, operator, roles, admission policy (deploy/) in the current context; WITH_REGISTRY=1 adds a registry
	hack/deploy.sh apply $(if $(WITH_REGISTRY),with-registry)

.PHONY: undeploy
undeploy: ## Remove what make deploy installed, CRDs included: every Environment, ImageBuild and Workload goes too
	hack/deploy.sh delete

.PHONY: crds
crds: ## Regenerate the CRDs from the API classes into crds/ and the Helm chart
	$(MVN) package -DskipTests
	hack/copy-crds.sh

.PHONY: manifests
manifests: ## Render the Helm chart (deploy/helm/terrarium) into the static manifests of deploy/
	hack/manifests.sh
