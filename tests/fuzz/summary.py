"""Summary of a tests/fuzz/run: per credential, how many operations ran how many test cases,
the statuses they got and the failed checks; exits 1 if an operation of edge/openapi.json got
fewer than MIN_CASES test cases with some credential (coverage fell short).

usage: python tests/fuzz/summary.py OUT_DIR [CREDENTIAL...]
"""

from __future__ import annotations

import collections
import glob
import json
import sys

MIN_CASES = 20


def documented_operations() -> tuple[set[str], set[str]]:
    """Every operation, and those that take no input at all (no parameter, body or credential):
    those have a single request to send, so they are exempt from MIN_CASES."""
    spec = json.load(open("edge/openapi.json", encoding="utf-8"))
    every, inputless = set(), set()
    for path, ops in spec["paths"].items():
        for method, op in ops.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            label = f"{method.upper()} {path}"
            every.add(label)
            if not op.get("parameters") and "requestBody" not in op and not any(op.get("security", [{}])):
                inputless.add(label)
    return every, inputless


def summarize(path: str):
    cases = collections.Counter()  # operation -> test cases (requests sent)
    by_phase = collections.Counter()
    statuses = collections.Counter()
    failed = collections.Counter()  # check name -> failed test cases
    failed_ops = collections.defaultdict(set)
    positive = collections.Counter()  # operation -> test cases generated as valid input
    positive_refused = collections.Counter()  # ... and answered 400
    for line in open(path, encoding="utf-8"):
        event = json.loads(line)
        done = event.get("ScenarioFinished")
        if not done:
            continue
        recorder = done["recorder"]
        label = recorder["label"]
        modes = {cid: c["value"].get("meta", {}).get("generation", {}).get("mode") for cid, c in recorder.get("cases", {}).items()}
        for case_id, interaction in recorder.get("interactions", {}).items():
            method = interaction["request"]["method"]
            op = label if label.split(" ", 1)[0] == method else f"{label} (as {method})"
            if op == label:
                cases[label] += 1
            by_phase[done["phase"]] += 1
            status = interaction["response"]["status_code"] if interaction.get("response") else "no response"
            statuses[status] += 1
            if op == label and modes.get(case_id) == "positive":
                positive[label] += 1
                if status == 400:
                    positive_refused[label] += 1
        for case_id, checks in recorder.get("checks", {}).items():
            for check in checks:
                if check["status"] == "failure":
                    failed[check["name"]] += 1
                    failed_ops[check["name"]].add(label)
    return cases, by_phase, statuses, failed, failed_ops, positive, positive_refused


def main() -> int:
    out = sys.argv[1]
    credentials = sys.argv[2:] or ["psk", "ptk", "wst"]
    documented, inputless = documented_operations()
    short = False
    for credential in credentials:
        files = sorted(glob.glob(f"{out}/{credential}/ndjson-*.ndjson"))
        if not files:
            print(f"{credential}: no report")
            short = True
            continue
        cases, by_phase, statuses, failed, failed_ops, positive, positive_refused = summarize(files[-1])
        counts = sorted(cases.get(op, 0) for op in documented - inputless)
        fewest = [op for op in sorted(documented - inputless) if cases.get(op, 0) < MIN_CASES]
        total = sum(by_phase.values())
        print(
            f"{credential}: {sum(1 for op in documented if cases.get(op))}/{len(documented)} operations, "
            f"{total} requests ({', '.join(f'{k} {v}' for k, v in sorted(by_phase.items()))}); "
            f"test cases per operation: min {counts[0]}, median {counts[len(counts) // 2]}, max {counts[-1]}"
            f" (not counting {', '.join(sorted(inputless))}, which take no input: {', '.join(str(cases.get(op, 0)) for op in sorted(inputless))})"
        )
        print(f"  statuses: {', '.join(f'{k}: {v}' for k, v in sorted(statuses.items(), key=lambda kv: str(kv[0])))}")
        if failed:
            for name, n in sorted(failed.items()):
                print(f"  FAILED {name}: {n} test cases on {len(failed_ops[name])} operations: {', '.join(sorted(failed_ops[name])[:8])}")
        else:
            print("  no failed checks")
        refused = sorted(((n, op) for op, n in positive_refused.items()), reverse=True)
        if refused:
            print(
                f"  valid input (per the schema) answered 400: {sum(positive_refused.values())} of {sum(positive.values())}: "
                + ", ".join(f"{op} {n}/{positive[op]}" for n, op in refused[:12])
            )
        if fewest:
            short = True
            print(f"  fewer than {MIN_CASES} test cases: {', '.join(f'{op} ({cases.get(op, 0)})' for op in fewest)}")
    return 1 if short else 0


if __name__ == "__main__":
    sys.exit(main())
