"""Where a cold `tokenbudget lint` run's time goes, stage by stage, in one process.

    python benchmarks/lint_stages.py TREE [--jobs N] [--no-semgrep]

`benchmarks/lint_speed.py` times whole runs; this splits one cold run (no cache, one process, the
run's own garbage-collector settings) into the stages every file pays, then the rest:

  discover   walk the tree, apply excludes and .gitignore
  read       read every file and apply the byte prefilter (``messages.create``-like shapes)
  load       decode, :mod:`ast` parse and the ast prefilter of the files the bytes let through
  libcst     the libcst parse of the files the ast prefilter let through (the candidates)
  analysis   the rest of a full ``lint_paths`` run: call sites, the project index, the word index
             (built here in the run's one process; beside it in a pooled run), the caller searches
             and the rules (the run's total minus the stages above, which it repeats)

It prints CPU seconds per stage, and the best wall time the first four allow on ``--jobs`` cores
(discover and read run in the parent; load and libcst split across the workers), beside one
semgrep run of one pattern rule on the same tree when semgrep is installed: how far the parsing
alone is from "cold at least 3x faster than semgrep" before any rule runs.
"""

from __future__ import annotations

import argparse
import gc
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from lint_speed import SEMGREP_RULE, semgrep_cmd  # noqa: E402


def stages(tree: Path) -> dict[str, float]:
    import libcst  # noqa: F401  (imported before the clock starts: its import is not a stage)

    from pytest_tokenbudget.lint.engine import discover_files, lint_paths
    from pytest_tokenbudget.lint.results import FileError
    from pytest_tokenbudget.lint.settings import LintSettings
    from pytest_tokenbudget.lint.source import load, may_hold_calls, parse, read_file

    settings = LintSettings(root=tree, exclude=("__pycache__", ".git"), cache=False, jobs=1)
    out: dict[str, float] = {}
    clock = time.process_time
    t = clock()
    files = discover_files([tree], settings)
    out["discover"], t = clock() - t, clock()
    passed = []
    for f in files:
        read = read_file(f)
        if not isinstance(read, FileError) and may_hold_calls(read[0], f):
            passed.append((f, read[0]))
    out["read"], t = clock() - t, clock()
    sources = [s for s in (load(data, f, {}) for f, data in passed) if s is not None and not isinstance(s, FileError)]
    out["load"], t = clock() - t, clock()
    for s in sources:
        parse(s)
    out["libcst"] = clock() - t
    del sources, passed
    t = clock()
    result = lint_paths([tree], settings)
    out["run"] = clock() - t
    out["analysis"] = out["run"] - sum(out[k] for k in ("discover", "read", "load", "libcst"))
    out["files"], out["candidates"] = len(files), result.candidates
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("tree", type=Path)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="cores the floor is computed for")
    ap.add_argument("--no-semgrep", action="store_true")
    args = ap.parse_args()
    tree = args.tree.resolve()
    gc.freeze()
    gc.set_threshold(100_000, 1000, 100)  # what a lint run sets (engine._few_collections)
    s = stages(tree)
    print(f"tree: {tree}: {s['files']:.0f} files, {s['candidates']:.0f} candidates; CPU seconds, one process:")
    for k in ("discover", "read", "load", "libcst", "analysis", "run"):
        print(f"  {k:<9} {s[k]:7.2f} s  ({s[k] / s['run']:.0%} of the run)")
    serial = s["discover"] + s["read"]
    floor = serial + (s["load"] + s["libcst"]) / args.jobs
    print(f"parsing floor on {args.jobs} cores (discover + read, then load + libcst shared): {floor:.2f} s wall")
    sg = None if args.no_semgrep else _semgrep(tree)
    if sg is not None:
        print(f"semgrep, one pattern rule, same tree: {sg:.2f} s wall; 3x faster would be {sg / 3:.2f} s: "
              f"the parsing floor alone is {floor / (sg / 3):.1f}x that")
    return 0


def _semgrep(tree: Path) -> float | None:
    with tempfile.TemporaryDirectory() as tmp:
        rule = Path(tmp) / "rule.yml"
        rule.write_text(SEMGREP_RULE)
        cmd = semgrep_cmd(tree, rule)
        if cmd is None:
            return None
        t = time.perf_counter()
        subprocess.run(cmd, capture_output=True)
        return time.perf_counter() - t


if __name__ == "__main__":
    sys.exit(main())
