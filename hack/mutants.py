#!/usr/bin/env python3
"""Mutation check of the suite's guards: break each guard in turn (through `go test -overlay`,
so the working tree is never touched), run the tests that should catch it, and require them to
fail. A mutant whose text is no longer in its file is reported as stale, which fails the check:
the list must follow the code. Usage: hack/mutants.py (from the repository root)."""

import json
import os
import subprocess
import sys
import tempfile

# (name, file, text to replace, replacement, packages, test regexp)
MUTANTS = [
    ("lane namespace selectors keep the case's names", "suites/netpol/lanes.go",
     "\tl.labelValues(sel.MatchLabels)\n", "\n", "./suites/netpol", "Lane"),
    ("lane probes expect the case's identities", "suites/netpol/suite.go",
     "b.Targets[i].Expect = l.Peer(cases.PeerKey(b.Targets[i].Expect)).String()", "b.Targets[i].Expect = b.Targets[i].Expect",
     "./suites/netpol", "Lane"),
    ("lane answers kept under the lane's names", "suites/netpol/lanes.go",
     "\t\tif o, ok := l.Original(k); ok {\n\t\t\tout[o] = v", "\t\tif _, ok := l.Original(k); ok {\n\t\t\tout[k] = v",
     "./suites/netpol", "Lane"),
    ("exec failure read as timeout", "suites/netpol/observe.go",
     'Outcome: cases.Error, Error: fmt.Sprintf("probe from', 'Outcome: cases.Timeout, Error: fmt.Sprintf("probe from',
     "./suites/netpol", "Guard"),
    ("baseline always healthy", "suites/netpol/case_test.go",
     "return v == reports.Pass || v == reports.ImplementationDefined || v == reports.Unsupported", "return v != \"\"",
     "./suites/netpol", "Guard"),
    ("protocol unsupported when any cell is", "suites/netpol/capability.go",
     "if n > 0 && uns[p] == n {", "if n > 0 && uns[p] > 0 {", "./suites/netpol", "Guard"),
    ("identity check removed", "suites/netpol/batch.go",
     "if r.Outcome == cases.Connected && r.Identity != r.Expect {", "if false {", "./suites/netpol", "Guard|Identity"),
    ("result count check removed", "suites/netpol/batch.go",
     "if len(resp.Results) != len(batch.Targets) {", "if false {", "./suites/netpol", "Guard|Decode"),
    ("missing cell read as a match", "suites/netpol/compare.go",
     "case !found:\n\t\treturn reports.ClassError", "case !found:\n\t\treturn reports.Match", "./suites/netpol", "Guard"),
    ("cancelled or failed probe read as denied", "suites/netpol/compare.go",
     "case !r.Outcome.Conclusive():\n\t\treturn reports.ClassError", "case !r.Outcome.Conclusive():\n\t\treturn reports.Match",
     "./suites/netpol", "Guard"),
    ("a flip after the first match ignored", "suites/netpol/converge.go",
     "\t\tcase c.Converged:\n", "\t\tcase false:\n", "./suites/netpol", "Converge"),
    ("flipped cells not flaky", "suites/netpol/record.go",
     "case len(conv.Flipped) > 0:", "case false:", "./suites/netpol", "Converge|Guard"),
    ("ipBlock cells implementation-defined under upstream grading", "suites/netpol/impldefined.go",
     "return g != GradingUpstream", "return true", "./suites/netpol", "ImplementationDefined|Guard"),
    ("definite cells implementation-defined", "engine/provenance.go",
     "\treturn Definite\n}\n\n// describe", "\treturn PodIPInIPBlock\n}\n\n// describe", "./engine", "Provenance"),
    ("external-only reading keeps pods in ipBlocks", "engine/provenance.go",
     "b.clearBelow(p.u.nPods)", "_ = b", "./engine", "Provenance|Fuzz"),
    ("Service cells judged by the pod provenance", "suites/netpol/impldefined.go",
     "\t\t\tprovenance = svc.Provenance\n", "\n", "./suites/netpol", "Service"),
    ("ClusterIP reading never differs", "engine/service.go",
     "\t\treturn ServiceIPInIPBlock\n", "\t\treturn Definite\n", "./engine", "Service"),
    ("egress ipBlock matched against the backend's IP", "engine/service.go",
     "r.ipBlock[j] && r.blocks[j].contains(ip)", "r.ipBlock[j] && set.has(d)", "./engine", "Service"),
    ("a Service port reaches the port of its own number", "engine/service.go",
     "\t\t\t\tnumber, found = cp.Port, true\n", "\t\t\t\tfound = true\n", "./engine", "Service"),
    ("endpoints ready before their pod is", "suites/netpol/services.go",
     "if ep.Conditions.Ready == nil || !*ep.Conditions.Ready {", "if false {", "./suites/netpol", "Endpoints"),
    ("hairpin Service cells graded", "suites/netpol/compare.go",
     "if service && key.From == key.To {", "if false {", "./suites/netpol", "Service"),
    ("skipped hairpin probes sent anyway", "suites/netpol/batch.go",
     "if skipHairpin && svc.Backend() == k {", "if false {", "./suites/netpol", "Service"),
    ("skipped hairpin cells judged as probed", "suites/netpol/compare.go",
     "results = slices.DeleteFunc(results, func(r engine.Result) bool { return r.From == r.To })", "results = slices.DeleteFunc(results, func(r engine.Result) bool { return false })",
     "./suites/netpol", "Service"),
    ("a response for another round accepted", "suites/netpol/batch.go",
     "if resp.Round != batch.Round {", "if false {", "./suites/netpol", "Decode"),
    ("a timed-out session reused", "suites/netpol/sessions.go",
     "\tif err != nil {\n\t\ts.close(src, sess)", "\tif err != nil {\n\t\t_ = sess", "./suites/netpol", "Session"),
    ("Service cells keyed as pod-IP cells", "suites/netpol/observe.go",
     "Target: engine.Target{Protocol: r.Protocol, Port: r.Port}, Service: service}", "Target: engine.Target{Protocol: r.Protocol, Port: r.Port}}",
     "./suites/netpol", "Service"),
]


def main():
    failed = False
    with tempfile.TemporaryDirectory() as tmp:
        for i, (name, path, old, new, pkgs, run) in enumerate(MUTANTS):
            with open(path) as f:
                src = f.read()
            if src.count(old) != 1:
                print(f"STALE   {name}: {path} holds {src.count(old)} copies of the guard's text, expected 1")
                failed = True
                continue
            mutated = os.path.join(tmp, f"m{i}.go")
            with open(mutated, "w") as f:
                f.write(src.replace(old, new))
            overlay = os.path.join(tmp, f"m{i}.json")
            with open(overlay, "w") as f:
                json.dump({"Replace": {os.path.abspath(path): mutated}}, f)
            res = subprocess.run(["go", "test", "-short", "-count=1", "-overlay=" + overlay, "-run", run, pkgs],
                                 capture_output=True, text=True)
            if res.returncode == 0:
                print(f"SURVIVED {name} ({path}): no test in {pkgs} matching {run!r} failed")
                failed = True
            elif "FAIL" not in res.stdout + res.stderr or "build failed" in res.stdout + res.stderr:
                print(f"BROKEN  {name}: the mutant does not build\n{res.stdout}{res.stderr}")
                failed = True
            else:
                print(f"killed  {name}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
