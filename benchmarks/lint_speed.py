"""Benchmark `tokenbudget lint` on a large tree against `grep -rl` in the same run.

    python benchmarks/lint_speed.py [TREE ...] [--real DIR] [--baseline-sample N]

TREE defaults to the running interpreter's site-packages (read in place); ``--real DIR`` adds a
tree of real LLM code (e.g. the real-world corpus snapshots), measured the same way in the same run:
site-packages has few candidate files and flatters the engine. A TREE is linted together with
tests/lint/cases (two paths with no common project: the cross-module search is off, a file-at-a-time
run); the ``--real`` tree is linted alone, as the project it names, so the project index and the
search for callers, loops and passed values are on, as when a user lints a repository. Each lint run is a fresh
`tokenbudget lint` subprocess (so interpreter start-up and imports count), timed by wall clock:

  grep   `grep -rl messages.create TREE [tests/lint/cases]` (page cache warmed first)
  cold   `tokenbudget lint --no-cache` (prefilter + parse candidates + rules, no cache)
  warm   the same with a cache directory, run once to fill it, then timed

  semgrep `semgrep --config RULE --metrics=off` with one equivalent pattern rule
         (``$C.messages.create(...)``), when semgrep is installed (else it says so)

The four are run one after the other in each of ``--repeat`` rounds (default 3), so the ratios of a
round compare runs made under the same machine load; it prints the median seconds, the median of
the per-round ratios to grep and semgrep, and the peak RSS (RUSAGE_CHILDREN of a wrapper process:
the largest single process, a pool worker included), then one table row per tree. With --baseline-sample N it also times a full libcst parse (plus
PositionProvider, what every Fixit rule pays) of every Nth file, extrapolated to the whole tree:
the "parse everything" approach the prefilter avoids.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

EXTS = (".py", ".pyi", ".ipynb")


def tree_stats(tree: Path) -> tuple[int, int]:
    n = size = 0
    for dirpath, dirnames, filenames in os.walk(tree):
        dirnames[:] = [d for d in dirnames if d != "__pycache__"]
        for f in filenames:
            if f.endswith(EXTS):
                n += 1
                try:
                    size += os.path.getsize(os.path.join(dirpath, f))
                except OSError:
                    pass
    return n, size


def timed(cmd: list[str], env: dict[str, str] | None = None) -> tuple[float, int, str]:
    """Wall seconds, peak RSS (MB) and stdout of a command run under a small wrapper."""
    wrapper = (
        "import resource, subprocess, sys, time, json\n"
        "t = time.perf_counter()\n"
        "p = subprocess.run(sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)\n"
        "dt = time.perf_counter() - t\n"
        "rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024\n"
        "print(json.dumps([dt, rss, p.stdout[-2000:], p.returncode]))\n"
    )
    import json

    out = subprocess.run([sys.executable, "-c", wrapper, *cmd], capture_output=True, text=True, env=env, check=True)
    dt, rss, stdout, _rc = json.loads(out.stdout)
    return dt, rss, stdout


def baseline_parse(tree: Path, every: int) -> tuple[int, int, float]:
    import libcst as cst
    from libcst.metadata import MetadataWrapper, ParentNodeProvider, PositionProvider

    files = sorted(p for p in tree.rglob("*.py") if "__pycache__" not in p.parts)[::every]
    size = 0
    t = time.perf_counter()
    for p in files:
        try:
            src = p.read_text(encoding="utf-8")
            size += len(src.encode())
            wrapper = MetadataWrapper(cst.parse_module(src), unsafe_skip_copy=True)
            wrapper.resolve(PositionProvider)
            wrapper.resolve(ParentNodeProvider)
        except Exception:
            continue
    return len(files), size, time.perf_counter() - t


SEMGREP_RULE = """rules:
  - id: messages-create
    languages: [python]
    severity: INFO
    message: a Messages API call
    pattern: $C.messages.create(...)
"""


def semgrep_cmd(tree: Path, rule: Path, extra: list[str] | None = None) -> list[str] | None:
    exe = shutil.which("semgrep") or str(Path(sys.executable).parent / "semgrep")
    if not Path(exe).exists():
        return None
    return [exe, "--config", str(rule), "--metrics=off", "--quiet", "--disable-version-check", "--no-git-ignore",
            "--max-target-bytes", "0", str(tree), *(extra or [])]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("trees", nargs="*")
    ap.add_argument("--real", type=Path, help="also measure this tree of real LLM code")
    ap.add_argument("--no-semgrep", action="store_true", help="skip the semgrep comparison")
    ap.add_argument("--baseline-sample", type=int, default=0, metavar="N",
                    help="also time a full libcst parse + positions of every Nth file")
    ap.add_argument("--repeat", type=int, default=3, help="rounds (medians are reported)")
    args = ap.parse_args()
    trees = [Path(t) for t in args.trees] or [Path(sysconfig.get_paths()["purelib"])]
    if args.real:
        trees.append(args.real)
    rows = []
    for tree in trees:
        rows.append((tree.name or str(tree), bench(tree.resolve(), args, alone=tree == args.real)))
        print()
    print("| tree | files | MB | grep s | lint cold s | lint warm s | semgrep s | cold / grep | warm / grep "
          "| semgrep / cold | peak RSS cold / warm MB |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name, r in rows:
        sg = f"{r['semgrep']:.2f}" if r["semgrep"] == r["semgrep"] else "-"
        sgr = f"{r['semgrep/cold']:.1f}x" if "semgrep/cold" in r else "-"
        print(f"| {name} | {r['files']} | {r['mb']:.0f} | {r['grep']:.2f} | {r['cold']:.2f} | {r['warm']:.2f} | {sg} "
              f"| {r['cold/grep']:.1f}x | {r['warm/grep']:.1f}x | {sgr} | {r['rss_cold']} / {r['rss_warm']} |")
    return 0


def _median(xs: list[float]) -> float:
    return statistics.median(xs) if xs else float("nan")


def bench(tree: Path, args: argparse.Namespace, alone: bool = False) -> dict[str, float]:
    """Rounds of grep, lint cold, lint warm and semgrep, one after the other in each round (so each
    round's ratios compare runs made under the same load); medians over the rounds."""
    tb = str(Path(sys.executable).parent / "tokenbudget")
    tb = tb if Path(tb).exists() else shutil.which("tokenbudget") or "tokenbudget"
    # The tree is linted in place: excludes that would skip it (site-packages, .venv) are turned off.
    # tests/lint/cases is linted too (unless alone), so the run includes real call sites and findings;
    # grep and semgrep read the same paths, so every ratio compares the same input.
    cases = Path(__file__).resolve().parent.parent / "tests" / "lint" / "cases"
    extra = [] if alone or not cases.is_dir() else [str(cases)]
    n, size = map(sum, zip(*(tree_stats(Path(p)) for p in [tree, *extra])))
    mb = size / 1e6
    print(f"tree: {tree}{' + tests/lint/cases' if extra else ''}\nfiles: {n} (.py/.pyi/.ipynb), {mb:.1f} MB; "
          f"cpus: {os.cpu_count()}; load average: {os.getloadavg()[0]:.1f}")
    grep = ["grep", "-rl", "messages.create", str(tree), *extra]
    subprocess.run(grep, capture_output=True)  # warm the page cache
    grep_hits = len(subprocess.run(grep, capture_output=True, text=True).stdout.split())
    print("project search: " + ("on (the tree is the project)" if alone else "off (two roots: file at a time)"))
    t: dict[str, list[float]] = {k: [] for k in ("grep", "cold", "warm", "semgrep")}
    rss: dict[str, int] = {"cold": 0, "warm": 0, "semgrep": 0}
    summary = ""
    with tempfile.TemporaryDirectory() as tmp:
        cfg = Path(tmp) / "pyproject.toml"
        cfg.write_text("[tool.tokenbudget.lint]\nexclude = ['__pycache__', '.git']\n")
        rule = Path(tmp) / "rule.yml"
        rule.write_text(SEMGREP_RULE)
        sg = None if args.no_semgrep else semgrep_cmd(tree, rule, extra)
        base = [tb, "lint", "--exit-zero", "--config", str(cfg), str(tree), *extra]
        cache_dir = str(Path(tmp) / "cache")
        timed([*base, "--cache-dir", cache_dir])  # fill the cache
        for _ in range(args.repeat):
            t["grep"].append(timed(grep)[0])
            dt, peak, out = timed([*base, "--no-cache"])
            t["cold"].append(dt)
            rss["cold"] = max(rss["cold"], peak)
            summary = out.strip().splitlines()[-1] if out.strip() else ""
            dt, peak, _ = timed([*base, "--cache-dir", cache_dir])
            t["warm"].append(dt)
            rss["warm"] = max(rss["warm"], peak)
            if sg is not None:
                dt, peak, _ = timed(sg)
                t["semgrep"].append(dt)
                rss["semgrep"] = max(rss["semgrep"], peak)
    rounds = range(args.repeat)
    med = {k: _median(v) for k, v in t.items()}
    ratio = {
        "cold/grep": _median([t["cold"][i] / t["grep"][i] for i in rounds]),
        "warm/grep": _median([t["warm"][i] / t["grep"][i] for i in rounds]),
    }
    if t["semgrep"]:
        ratio["semgrep/cold"] = _median([t["semgrep"][i] / t["cold"][i] for i in rounds])
        ratio["semgrep/warm"] = _median([t["semgrep"][i] / t["warm"][i] for i in rounds])
    print(f"grep -rl messages.create: {med['grep']:.3f} s ({grep_hits} files)")
    print(f"lint cold (no cache):     {med['cold']:.3f} s = {ratio['cold/grep']:.1f}x grep, {mb / med['cold']:.1f} MB/s, "
          f"peak RSS {rss['cold']} MB")
    print(f"lint warm (cache):        {med['warm']:.3f} s = {ratio['warm/grep']:.1f}x grep, peak RSS {rss['warm']} MB")
    if t["semgrep"]:
        print(f"semgrep, one pattern rule: {med['semgrep']:.3f} s, peak RSS {rss['semgrep']} MB; lint cold is "
              f"{ratio['semgrep/cold']:.1f}x faster, warm {ratio['semgrep/warm']:.1f}x faster")
    else:
        print("semgrep: not measured (not installed, or --no-semgrep)")
    print(f"(medians of {args.repeat} rounds; ratios are medians of per-round ratios; peak RSS: the largest "
          "single process, a pool worker included)")
    print(f"lint summary: {summary}")
    if args.baseline_sample:
        bn, bsize, bt = baseline_parse(tree, args.baseline_sample)
        rate = bsize / 1e6 / bt if bt else 0
        full = mb / rate if rate else float("nan")
        print(f"full libcst parse + Position + Parent (fixit-style), every {args.baseline_sample}th file: "
              f"{bn} files, {bsize / 1e6:.1f} MB in {bt:.1f} s = {rate:.2f} MB/s -> ~{full:.0f} s for the tree "
              f"(lint cold is {full / med['cold']:.0f}x faster)")
    return {**med, **ratio, "files": n, "mb": mb, "rss_cold": rss["cold"], "rss_warm": rss["warm"]}


if __name__ == "__main__":
    sys.exit(main())
