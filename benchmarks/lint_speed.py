"""Benchmark `tokenbudget lint` on a large tree against `grep -rl` in the same run.

    python benchmarks/lint_speed.py [TREE ...] [--real DIR] [--baseline-sample N]

TREE defaults to the running interpreter's site-packages (read in place); ``--real DIR`` adds a
tree of real LLM code (e.g. the real-world corpus snapshots), measured the same way in the same run:
site-packages has few candidate files and flatters the engine. Each lint run is a fresh
`tokenbudget lint` subprocess (so interpreter start-up and imports count), timed by wall clock:

  grep   `grep -rl messages.create TREE` (page cache warmed first); also shown: the stricter
         `grep -rl --include=*.py --include=*.pyi --include=*.ipynb ...`
  cold   `tokenbudget lint --no-cache` (prefilter + parse candidates + rules, no cache)
  warm   the same with a cache directory, run once to fill it, then timed

  semgrep `semgrep --config RULE --metrics=off` with one equivalent pattern rule
         (``$C.messages.create(...)``), when semgrep is installed (else it says so)

It prints files, MB, seconds, the ratios to grep and semgrep, and each run's peak RSS (RUSAGE_CHILDREN of a
wrapper process). With --baseline-sample N it also times a full libcst parse (plus
PositionProvider, what every Fixit rule pays) of every Nth file, extrapolated to the whole tree:
the "parse everything" approach the prefilter avoids.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
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


def semgrep_time(tree: Path, repeat: int) -> float | None:
    exe = shutil.which("semgrep") or str(Path(sys.executable).parent / "semgrep")
    if not Path(exe).exists():
        return None
    with tempfile.TemporaryDirectory() as tmp:
        rule = Path(tmp) / "rule.yml"
        rule.write_text(SEMGREP_RULE)
        cmd = [exe, "--config", str(rule), "--metrics=off", "--quiet", "--disable-version-check", "--no-git-ignore",
               "--max-target-bytes", "0", str(tree)]
        return min(timed(cmd)[0] for _ in range(repeat))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("trees", nargs="*")
    ap.add_argument("--real", type=Path, help="also measure this tree of real LLM code")
    ap.add_argument("--no-semgrep", action="store_true", help="skip the semgrep comparison")
    ap.add_argument("--baseline-sample", type=int, default=0, metavar="N",
                    help="also time a full libcst parse + positions of every Nth file")
    ap.add_argument("--repeat", type=int, default=3, help="runs per measurement (best is reported)")
    args = ap.parse_args()
    trees = [Path(t) for t in args.trees] or [Path(sysconfig.get_paths()["purelib"])]
    if args.real:
        trees.append(args.real)
    for tree in trees:
        bench(tree.resolve(), args)
        print()
    return 0


def bench(tree: Path, args: argparse.Namespace) -> None:
    tb = str(Path(sys.executable).parent / "tokenbudget")
    tb = tb if Path(tb).exists() else shutil.which("tokenbudget") or "tokenbudget"
    n, size = tree_stats(tree)
    mb = size / 1e6
    print(f"tree: {tree}\nfiles: {n} (.py/.pyi/.ipynb), {mb:.1f} MB; cpus: {os.cpu_count()}")

    grep = ["grep", "-rl", "messages.create", str(tree)]
    grep_py = ["grep", "-rl", "--include=*.py", "--include=*.pyi", "--include=*.ipynb", "messages.create", str(tree)]
    subprocess.run(grep, capture_output=True)  # warm the page cache
    g = min(timed(grep)[0] for _ in range(args.repeat))
    g_py = min(timed(grep_py)[0] for _ in range(args.repeat))
    grep_hits = len(subprocess.run(grep, capture_output=True, text=True).stdout.split())

    # The tree is linted in place: excludes that would skip it (site-packages, .venv) are turned off.
    # tests/lint/cases is linted too, so the run includes real call sites and findings.
    cases = Path(__file__).resolve().parent.parent / "tests" / "lint" / "cases"
    base = [tb, "lint", "--exit-zero", "--config", os.devnull, str(tree), *([str(cases)] if cases.is_dir() else [])]
    env = dict(os.environ)
    with tempfile.TemporaryDirectory() as tmp:
        cfg = Path(tmp) / "pyproject.toml"
        cfg.write_text("[tool.tokenbudget.lint]\nexclude = ['__pycache__', '.git']\n")
        base[4] = str(cfg)
        cold_runs = [timed([*base, "--no-cache"], env) for _ in range(args.repeat)]
        cold = min(cold_runs, key=lambda r: r[0])
        cache_dir = str(Path(tmp) / "cache")
        timed([*base, "--cache-dir", cache_dir], env)  # fill the cache
        warm_runs = [timed([*base, "--cache-dir", cache_dir], env) for _ in range(args.repeat)]
        warm = min(warm_runs, key=lambda r: r[0])
    summary = cold[2].strip().splitlines()[-1] if cold[2].strip() else ""
    print(f"grep -rl messages.create: {g:.3f} s ({grep_hits} files); with --include=*.py etc.: {g_py:.3f} s "
          f"(cold {cold[0] / g_py:.1f}x, warm {warm[0] / g_py:.1f}x of that)")
    print(f"lint cold (no cache):     {cold[0]:.3f} s = {cold[0] / g:.1f}x grep, {mb / cold[0]:.1f} MB/s, "
          f"peak RSS {max(r[1] for r in cold_runs)} MB")
    print(f"lint warm (cache):        {warm[0]:.3f} s = {warm[0] / g:.1f}x grep, peak RSS {max(r[1] for r in warm_runs)} MB")
    print(f"lint summary: {summary}")
    sg = None if args.no_semgrep else semgrep_time(tree, 1)
    if sg is None:
        print("semgrep: not measured (not installed, or --no-semgrep)")
    else:
        print(f"semgrep, one pattern rule: {sg:.3f} s; lint cold is {sg / cold[0]:.1f}x faster, "
              f"warm {sg / warm[0]:.1f}x faster")
    if args.baseline_sample:
        bn, bsize, bt = baseline_parse(tree, args.baseline_sample)
        rate = bsize / 1e6 / bt if bt else 0
        full = mb / rate if rate else float("nan")
        print(f"full libcst parse + Position + Parent (fixit-style), every {args.baseline_sample}th file: "
              f"{bn} files, {bsize / 1e6:.1f} MB in {bt:.1f} s = {rate:.2f} MB/s -> ~{full:.0f} s for the tree "
              f"(lint cold is {full / cold[0]:.0f}x faster)")


if __name__ == "__main__":
    sys.exit(main())
