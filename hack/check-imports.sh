#!/usr/bin/env bash
# Keeps the package map of STYLE.md true: which of our packages each folder may import.
set -euo pipefail
mod=$(go list -m)
fail=0
check() { # folder allowed-regex (of our packages, besides the folder itself)
  local dir=$1 allowed=$2
  [ -d "$dir" ] || return 0
  local bad
  bad=$(go list -deps "./$dir/..." 2>/dev/null | grep "^$mod/" | grep -v "^$mod/$dir\(/\|$\)" | grep -Ev "^$mod/($allowed)(/|$)" || true)
  if [ -n "$bad" ]; then echo "$dir may not import: $bad"; fail=1; fi
}
check cases 'internal/version'
check engine 'cases'
check probes 'cases|internal/version'
check images 'internal/version'
check clusters 'images|internal/version'
check reports 'cases|engine|internal/version'
check cmd 'cases|engine|probes|images|clusters|reports|internal/version'
for d in engine cases probes reports; do
  [ -d "$d" ] || continue
  if go list -deps "./$d/..." | grep -Eq '^(k8s.io/client-go|sigs.k8s.io/kind|sigs.k8s.io/e2e-framework)(/|$)'; then
    echo "$d must not depend on client-go, kind or e2e-framework"; fail=1; fi
done
if go list -deps ./... | grep -q "^$mod/suites" && go list -f '{{.ImportPath}} {{join .Imports " "}}' ./... | grep -v "^$mod/suites" | grep -q " $mod/suites"; then
  echo "nothing may import suites"; fail=1; fi
exit $fail
