#!/usr/bin/env bash
# bench-conformance.sh CNI LANES CASES PROBE_IMAGE [cnpc run flags...]
# Runs CASES against CNI twice in one session, once with one lane and once with LANES, each on a
# fresh cluster, then compares the two runs case by case and prints the suites' times and their
# ratio (cnpc report compare). It exits non-zero when the verdicts differ.
set -euo pipefail
cni=$1 lanes=$2 cases=$3 image=$4
shift 4
out=reports/out/bench/$cni
mkdir -p "$out"
for n in 1 "$lanes"; do
  echo "== $cni, cases $cases, $n lane(s): $out/lanes$n"
  # A run with mismatches exits 1; the comparison below is what this script judges.
  ./bin/cnpc run --cni "$cni" --cases "$cases" --lanes "$n" --probe-image "$image" --suite bin/netpol.test \
    --out-dir "$out/lanes$n" "$@" || [ $? -eq 1 ]
done
./bin/cnpc report compare "$out/lanes1/results.json" "$out/lanes$lanes/results.json"
