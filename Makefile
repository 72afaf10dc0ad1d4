# cnpc: the CNI NetworkPolicy conformance suite. `make help` lists the targets.
SHELL := /bin/bash
GO ?= go
export GOFLAGS ?= -mod=mod
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
COMMIT ?= $(shell git rev-parse --short HEAD 2>/dev/null || echo unknown)
LDFLAGS := -X github.com/cnpc-dev/cnpc/internal/version.Version=$(VERSION) -X github.com/cnpc-dev/cnpc/internal/version.Commit=$(COMMIT)
CNI ?=
FOCUS ?=
LABELS ?=
# CASES=catalog (default: documented + upstream), generated, own, all, or a list (catalog,own).
CASES ?=
# LANES=n: how many cases run at once (default: cnpc run's, one per two CPUs); LANES=1 one by one.
LANES ?=
# VIA=both: probe every pod through a ClusterIP Service too (default: cnpc run's, pod IPs only).
VIA ?=
# CASE_DIR=dir (or several, space-separated): your own case files; alone they run without the
# catalog, CASES=catalog,own runs both.
CASE_DIR ?=
KEEP ?=
# RUN_ARGS passes more flags to cnpc run, e.g. RUN_ARGS='--workers 1 --manifest my-cni.yaml'.
RUN_ARGS ?=
# hack/probe-image.sh tags the probe image with VERSION, so both must agree. Expand VERSION once:
# HEAD moves while others commit, and a later $(shell git describe) would name another tag.
VERSION := $(VERSION)
PROBE_IMAGE ?= localhost/cnpc/probe:$(VERSION)
export VERSION PROBE_IMAGE
# Check the arguments before building anything.
ifneq ($(filter conformance,$(MAKECMDGOALS)),)
ifeq ($(CNI),)
$(error usage: make conformance CNI=<kube-router|kube-router-nofw|flannel|calico|cilium|kindnet|antrea|custom> [FOCUS=re] [LABELS=expr] [CASES=catalog|generated|own|all] [CASE_DIR=dir] [KEEP=1] [RUN_ARGS='--workers 1 ...'])
endif
endif

.PHONY: help build test test-deps lint bench bench-conformance probe-image images conformance publish matrix report-screenshot clean mutants

help: ## list the targets
	@grep -E '^[a-z-]+:.*##' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | expand -t 22

build: ## build the CLI at bin/cnpc
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o bin/cnpc ./cmd/cnpc

test-deps: ## install what the tests need (Debian packages) when missing
	@./hack/test-deps.sh

test: test-deps build ## run every test (cluster suites are skipped by -short)
	$(GO) test -short -count=1 ./...

mutants: ## break each verdict guard in turn (go test -overlay) and require its tests to fail
	python3 hack/mutants.py

lint: ## go vet, staticcheck, gofmt and the package import map
	$(GO) vet ./...
	$(GO) tool staticcheck ./...
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { echo "gofmt needed:"; gofmt -l $$(git ls-files '*.go'); exit 1; }
	@./hack/check-imports.sh

bench: ## run the benchmarks (engine predict, probe batches)
	$(GO) test -run '^$$' -bench . -benchmem ./engine/... ./probes/...

probe-image: ## build the probe image (FROM scratch, static binary)
	@./hack/probe-image.sh

bench-conformance: build probe-image ## time CASES (default the catalog) with 1 lane and LANES (default 2) against CNI (default kube-router), and compare
	$(GO) test -c -ldflags '$(LDFLAGS)' -o bin/netpol.test ./suites/netpol
	./hack/bench-conformance.sh '$(or $(CNI),kube-router)' '$(or $(LANES),2)' '$(or $(CASES),catalog)' '$(PROBE_IMAGE)' $(RUN_ARGS)

images: build ## build CNI=<name>'s node image, CNI images and manifest from source (conformance does it too)
	./bin/cnpc build --cni "$(CNI)"

conformance: build probe-image ## create a kind cluster with CNI=<name>, run the catalog, write reports/out/<cni>
	$(GO) test -c -ldflags '$(LDFLAGS)' -o bin/netpol.test ./suites/netpol
	./bin/cnpc run --cni "$(CNI)" --probe-image '$(PROBE_IMAGE)' --suite bin/netpol.test $(if $(FOCUS),--focus '$(FOCUS)') $(if $(LABELS),--labels '$(LABELS)') $(if $(CASES),--cases '$(CASES)') $(foreach d,$(CASE_DIR),--case-dir '$(d)') $(if $(LANES),--lanes '$(LANES)') $(if $(VIA),--via '$(VIA)') $(if $(KEEP),--keep) $(RUN_ARGS)

publish: build ## copy the real run in reports/out/<CNI> to reports/published/<CNI> and remake the matrix
	@test -n "$(CNI)" || { echo "usage: make publish CNI=<profile>"; exit 2; }
	./bin/cnpc report reports/out/$(CNI)/results.json --out-dir reports/published/$(CNI)
	$(MAKE) matrix

matrix: build ## regenerate reports/published/matrix.md and matrix.html from the published runs
	./bin/cnpc report matrix -o markdown --out-file reports/published/matrix.md reports/published/*/results.json
	./bin/cnpc report matrix -o html --out-file reports/published/matrix.html reports/published/*/results.json

report-screenshot: test-deps ## screenshot the HTML report and matrix of a recorded run: reports/out/screenshot.png
	$(GO) test -count=1 -run 'TestHTMLInBrowser|TestMatrixInBrowser' ./reports -screenshot=$(CURDIR)/reports/out/screenshot.png
	@ls -l reports/out/screenshot.png reports/out/screenshot-matrix.png

clean: ## remove build outputs
	rm -rf bin
