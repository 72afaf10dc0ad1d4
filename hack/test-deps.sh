#!/usr/bin/env bash
# Installs the Debian packages the tests use when they are missing: iproute2, iptables and procps
# (probe tests in network namespaces), chromium and libxml2-utils (reports: browser test, JUnit schema
# check). Prints what it installs; never fails the build just because apt is absent
# (the tests that need a tool then skip and say why).
set -euo pipefail
need=()
command -v ip >/dev/null 2>&1 || need+=(iproute2)
command -v iptables >/dev/null 2>&1 || need+=(iptables)
command -v sysctl >/dev/null 2>&1 || need+=(procps) # probes' netns tests set sysctls inside their namespaces
command -v chromium >/dev/null 2>&1 || need+=(chromium) # reports' headless browser test of the HTML page
command -v xmllint >/dev/null 2>&1 || need+=(libxml2-utils) # reports' JUnit XML schema check
if [ ${#need[@]} -eq 0 ]; then exit 0; fi
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "test-deps: missing ${need[*]} and cannot apt-get here (not root or no apt); the tests that need them will skip" >&2
  exit 0
fi
echo "test-deps: installing ${need[*]}" >&2
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
