"""Real-world evaluation of ``tokenbudget lint``: hand-labelled call sites in pinned public repositories.

The corpus lives in ``benchmarks/realworld/``:

- ``repos.toml``: every repository used, pinned to the commit that was labelled, with why it was
  chosen. No third-party code is stored in this repository: only the pins and the labels.
- ``labels.jsonl``: one JSON object per labelled call site, sorted by repo / path / line::

      {"repo": "owner/name", "commit": "<sha>", "path": "src/x.py", "line": 12, "end_line": 20,
       "cell": 3,                       # notebooks only: 1-based code cell, lines count within it
       "expected": ["TB302", "TB401"],  # what a cost reviewer agrees should be flagged ([] = nothing)
       "why": {"TB302": "...", "TB401": "..."},
       "not_a_claude_call": false,      # true for look-alikes (Twilio, OpenAI threads, GPT ...)
       "tags": ["loop-in-caller", ...], "note": "..."}

  ``line``..``end_line`` is the call expression (``client.messages.create(...)`` and the like); a
  finding of the linter belongs to a site when it is in the same file (and cell) and its line is
  within that range.

Usage (by hand, never in CI; it needs git and network or local mirrors)::

    python benchmarks/realworld.py repos [--tags cross-module] [--sample N --seed S] [--heaviest M]
    python benchmarks/realworld.py fetch SNAPSHOTS_DIR [--mirror-root /work/.mirror] [--mirrored-only]
    python benchmarks/realworld.py SNAPSHOTS_DIR [--tokenbudget CMD] [--json OUT] [--tags T1,T2 | --tags cross-module]

``fetch`` materialises each pinned repository at its commit into ``SNAPSHOTS_DIR/owner+name/``:
from a local bare mirror ``MIRROR_ROOT/owner+name/repo`` when there is one (``git archive``; a
mirror that lacks some large blobs is exported file by file, skipping what is absent), otherwise
by ``git clone`` from GitHub and a checkout of the commit. With ``--mirrored-only`` the pins that
have no local mirror are skipped (a partial corpus, e.g. a sample fetched by hand, scores as it is:
the scoring run counts only the repositories whose snapshot is present). ``repos`` lists the pinned
repositories to fetch, or a seeded random sample of them.

``--tags cross-module`` scores the sites of issue 15 (a prompt, tools or a loop that lives in
another module, file or caller): the tags in ``CROSS_MODULE_TAGS``.

The scoring run lints each snapshot as a user would (the whole tree:
``tokenbudget lint --format json --no-cache --exit-zero .`` run inside the snapshot), matches the
findings to the labelled sites and prints:

- precision and recall for the cost rules (TB1xx, TB2xx, TB301, TB4xx, TB5xx) and for the
  model-id rules (TB302, TB303), overall and per rule, with the site counts behind them;
- every false positive and false negative (repo path:line code, and the reviewer's reason);
- "unlabelled findings": findings on lines no labelled site covers. A reviewer should label them;
  until then they count as false positives only in the separate "strict" precision line.

Only the rules a site is labelled for matter at that site: a finding of code C on a labelled site is
a true positive when C is in ``expected`` and a false positive otherwise (look-alike sites expect
nothing). TB203 (project ceiling) and TB900 (unused suppression) are configuration rules and are
not scored. Standard library only.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import shlex
import shutil
import subprocess
import sys
import tarfile
import time
from collections import defaultdict
from pathlib import Path

# The sites whose prompt, tools or per-item loop lives somewhere other than the call (issue 15).
CROSS_MODULE_TAGS = frozenset({"prompt-in-other-module", "prompt-file", "prompt-helper-fn", "tools-in-other-module",
                               "loop-in-caller", "loop-in-other-module"})
TAG_PRESETS = {"cross-module": CROSS_MODULE_TAGS}

try:
    import tomllib
except ModuleNotFoundError:  # pragma: no cover - Python < 3.11
    tomllib = None  # type: ignore[assignment]

HERE = Path(__file__).resolve().parent / "realworld"
LABELS = HERE / "labels.jsonl"
REPOS = HERE / "repos.toml"
MODEL_RULES = ("TB302", "TB303")
UNSCORED = ("TB203", "TB900")


def load_labels(path: Path = LABELS) -> list[dict]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def load_repos(path: Path = REPOS) -> dict[str, dict]:
    text = path.read_text(encoding="utf-8")
    if tomllib is not None:
        return tomllib.loads(text)["repo"]
    # Minimal reader for the flat format this file uses: [repo."owner/name"] then key = "value".
    repos: dict[str, dict] = {}
    current: dict | None = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith('[repo."') and line.endswith('"]'):
            current = repos.setdefault(line[7:-2], {})
        elif current is not None and "=" in line:
            key, _, value = line.partition("=")
            current[key.strip()] = json.loads(value.strip())
    return repos


def snapshot_dir(root: Path, repo: str) -> Path:
    return root / repo.replace("/", "+")


# ---------------------------------------------------------------------------------------- fetch
def _skip_unsafe(member: tarfile.TarInfo, path: str) -> tarfile.TarInfo | None:
    """The "data" extraction filter, but a member it refuses (a committed virtualenv's symlink to an
    absolute interpreter path) is skipped instead of aborting the whole snapshot."""
    try:
        return tarfile.data_filter(member, path)
    except tarfile.FilterError:
        return None


def _export_from_mirror(git_dir: Path, commit: str, dest: Path) -> None:
    archive = subprocess.run(["git", "--git-dir", str(git_dir), "archive", "--format=tar", commit],
                             capture_output=True)
    if archive.returncode == 0:
        with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
            tar.extractall(dest, filter=_skip_unsafe) if hasattr(tarfile, "data_filter") else tar.extractall(dest)
        return
    # A snapshot may list blobs it does not hold (large files): export what is there.
    listing = subprocess.run(["git", "--git-dir", str(git_dir), "ls-tree", "-r", "-z", commit],
                             capture_output=True, check=True).stdout.split(b"\0")
    missing = 0
    for entry in listing:
        if not entry:
            continue
        meta, _, name = entry.partition(b"\t")
        mode, kind, sha = meta.split()
        if kind != b"blob" or mode == b"120000":
            continue
        blob = subprocess.run(["git", "--git-dir", str(git_dir), "cat-file", "blob", sha.decode()],
                              capture_output=True)
        if blob.returncode:
            missing += 1
            continue
        target = dest / os.fsdecode(name)
        if not target.resolve().is_relative_to(dest.resolve()):
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(blob.stdout)
    if missing:
        print(f"  ({missing} blobs absent from the mirror, skipped)", file=sys.stderr)


def fetch(snapshots: Path, mirror_root: Path, mirrored_only: bool = False) -> int:
    snapshots.mkdir(parents=True, exist_ok=True)
    failures = skipped = 0
    for repo, info in sorted(load_repos().items()):
        commit = info["commit"]
        dest = snapshot_dir(snapshots, repo)
        stamp = dest / ".realworld-commit"
        if stamp.exists() and stamp.read_text().strip() == commit:
            continue
        mirror = snapshot_dir(mirror_root, repo) / "repo"
        if mirrored_only and not mirror.is_dir():
            skipped += 1
            continue
        if dest.exists():
            shutil.rmtree(dest)
        dest.mkdir(parents=True)
        print(f"{repo} @ {commit[:12]}", file=sys.stderr)
        try:
            if mirror.is_dir() and subprocess.run(["git", "--git-dir", str(mirror), "cat-file", "-e", commit],
                                                  capture_output=True).returncode == 0:
                _export_from_mirror(mirror, commit, dest)
            else:
                subprocess.run(["git", "clone", "--quiet", "--no-checkout", f"https://github.com/{repo}.git",
                                str(dest)], check=True)
                subprocess.run(["git", "-C", str(dest), "checkout", "--quiet", commit], check=True)
                shutil.rmtree(dest / ".git", ignore_errors=True)
        except (subprocess.CalledProcessError, OSError) as exc:
            print(f"  failed: {exc}", file=sys.stderr)
            failures += 1
            continue
        stamp.write_text(commit + "\n")
    if skipped:
        print(f"{skipped} pinned repositories have no mirror under {mirror_root}: skipped", file=sys.stderr)
    return 1 if failures else 0


# ---------------------------------------------------------------------------------------- score
def run_lint(cmd: list[str], snapshot: Path) -> tuple[list[dict], float, str]:
    start = time.perf_counter()
    proc = subprocess.run(cmd + ["lint", "--format", "json", "--no-cache", "--exit-zero", "."],
                          cwd=snapshot, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    try:
        findings = json.loads(proc.stdout or "[]")
    except json.JSONDecodeError:
        return [], elapsed, f"unreadable output (exit {proc.returncode}): {proc.stderr.strip()[-300:]}"
    if isinstance(findings, dict):  # tolerate {"findings": [...]} if the format grows a wrapper
        findings = findings.get("findings", [])
    return findings, elapsed, proc.stderr.strip()[-300:] if proc.returncode else ""


def _norm(path: str) -> str:
    path = path.replace("\\", "/")
    return path[2:] if path.startswith("./") else path


def score(labels: list[dict], findings_by_repo: dict[str, list[dict]], tags: frozenset[str] = frozenset()) -> dict:
    """Findings matched to sites. With ``tags``, only sites carrying one of them are tallied (findings
    on the other labelled sites are matched but not counted; unlabelled findings are not listed)."""
    sites_by_file: dict[tuple, list[dict]] = defaultdict(list)
    for site in labels:
        sites_by_file[(site["repo"], site["path"], site.get("cell"))].append(site)
    found: dict[int, set[str]] = defaultdict(set)  # id(site) -> codes reported on it
    unlabelled: list[tuple[str, dict]] = []
    for repo, findings in findings_by_repo.items():
        for f in findings:
            code = f.get("code", "")
            if code in UNSCORED or not code.startswith("TB"):
                continue
            key = (repo, _norm(f.get("path", "")), f.get("cell"))
            line = f.get("line") or 0
            hit = [s for s in sites_by_file.get(key, ()) if s["line"] <= line <= s.get("end_line", s["line"])]
            if not hit:
                unlabelled.append((repo, f))
                continue
            for s in hit:
                found[id(s)].add(code)
    tp: dict[str, int] = defaultdict(int)
    fp: list[tuple[dict, str]] = []
    fn: list[tuple[dict, str]] = []
    positives: dict[str, int] = defaultdict(int)
    for s in labels:
        if tags and not tags & set(s.get("tags", [])):
            continue
        exp = set(s["expected"])
        got = found.get(id(s), set())
        for code in exp:
            positives[code] += 1
            if code in got:
                tp[code] += 1
            else:
                fn.append((s, code))
        for code in sorted(got - exp):
            fp.append((s, code))
    if tags:
        unlabelled = []
    return {"tp": tp, "fp": fp, "fn": fn, "positives": positives, "unlabelled": unlabelled,
            "repos_scored": sorted(findings_by_repo)}


def _ratio(num: int, den: int) -> str:
    return f"{num / den:.2f}" if den else "  - "


def family(code: str) -> str:
    return "model-id" if code in MODEL_RULES else "cost"


def report(result: dict, labels: list[dict], out=sys.stdout) -> dict:
    tp, fp, fn, pos = result["tp"], result["fp"], result["fn"], result["positives"]
    fp_by = defaultdict(int)
    for _, code in fp:
        fp_by[code] += 1
    un_by = defaultdict(int)
    for _, f in result["unlabelled"]:
        un_by[f["code"]] += 1
    codes = sorted(set(pos) | set(fp_by) | set(un_by))
    summary: dict = {"rules": {}, "families": {}}
    w = out.write
    w(f"{len(labels)} labelled sites in {len({s['repo'] for s in labels})} repositories "
      f"({sum(s['not_a_claude_call'] for s in labels)} look-alikes, "
      f"{sum(not s['expected'] for s in labels)} with nothing expected)\n\n")
    w("| rule | sites expected | TP | FP | FN | precision | recall | unlabelled findings | strict precision |\n")
    w("|---|---:|---:|---:|---:|---:|---:|---:|---:|\n")
    for fam in ("cost", "model-id"):
        fam_codes = [c for c in codes if family(c) == fam]
        t = sum(tp[c] for c in fam_codes); p = sum(fp_by[c] for c in fam_codes)
        n = sum(pos[c] for c in fam_codes) - t; u = sum(un_by[c] for c in fam_codes)
        label = "**cost rules**" if fam == "cost" else "**model-id rules**"
        w(f"| {label} | {t + n} | {t} | {p} | {n} | {_ratio(t, t + p)} | {_ratio(t, t + n)} | {u} | {_ratio(t, t + p + u)} |\n")
        summary["families"][fam] = {"expected": t + n, "tp": t, "fp": p, "fn": n, "unlabelled": u}
        for c in fam_codes:
            t1, p1, n1, u1 = tp[c], fp_by[c], pos[c] - tp[c], un_by[c]
            w(f"| {c} | {pos[c]} | {t1} | {p1} | {n1} | {_ratio(t1, t1 + p1)} | {_ratio(t1, t1 + n1)} | {u1} | {_ratio(t1, t1 + p1 + u1)} |\n")
            summary["rules"][c] = {"expected": pos[c], "tp": t1, "fp": p1, "fn": n1, "unlabelled": u1}
    w("\nprecision = TP / (TP + FP) on labelled sites; recall = TP / sites expected; strict precision also\n"
      "counts every unlabelled finding as a false positive.\n")

    def where(s: dict) -> str:
        cell = f"[cell {s['cell']}]" if s.get("cell") else ""
        return f"{s['repo']} {s['path']}{cell}:{s['line']}"

    w(f"\n## False positives ({len(fp)})\n")
    for s, code in sorted(fp, key=lambda x: (x[1], x[0]["repo"], x[0]["path"], x[0]["line"])):
        reason = "not a Claude call" if s["not_a_claude_call"] else "expected: " + (", ".join(s["expected"]) or "nothing")
        if s.get("note"):
            reason += f"; {s['note']}"
        w(f"- {code} {where(s)}: {reason} [{' '.join(s.get('tags', []))}]\n")
    w(f"\n## False negatives ({len(fn)})\n")
    for s, code in sorted(fn, key=lambda x: (x[1], x[0]["repo"], x[0]["path"], x[0]["line"])):
        w(f"- {code} {where(s)}: {s['why'].get(code, '')} [{' '.join(s.get('tags', []))}]\n")
    un = result["unlabelled"]
    w(f"\n## Unlabelled findings ({len(un)})\n")
    for repo, f in sorted(un, key=lambda x: (x[1].get("code", ""), x[0], x[1].get("path", ""), x[1].get("line") or 0)):
        cell = f"[cell {f['cell']}]" if f.get("cell") else ""
        msg = (f.get("message") or "").split(":")[0][:110]
        w(f"- {f['code']} {repo} {_norm(f.get('path', ''))}{cell}:{f.get('line')}: {msg}\n")
    summary["false_positives"] = [{"site": where(s), "code": c} for s, c in fp]
    summary["false_negatives"] = [{"site": where(s), "code": c} for s, c in fn]
    summary["unlabelled"] = [{"repo": r, "path": _norm(f.get("path", "")), "cell": f.get("cell"),
                              "line": f.get("line"), "code": f.get("code")} for r, f in un]
    return summary


def evaluate(snapshots: Path, cmd: list[str], json_out: Path | None, tags: frozenset[str] = frozenset()) -> int:
    labels = load_labels()
    repos = load_repos()
    findings_by_repo: dict[str, list[dict]] = {}
    total = 0.0
    missing = 0
    for repo in sorted(repos):
        snap = snapshot_dir(snapshots, repo)
        if not snap.is_dir():
            missing += 1
            continue
        findings, elapsed, err = run_lint(cmd, snap)
        total += elapsed
        if err:
            print(f"{repo}: {err}", file=sys.stderr)
        findings_by_repo[repo] = findings
    if missing:
        print(f"{missing} of {len(repos)} pinned snapshots are missing under {snapshots}: scored without them "
              f"(run: realworld.py fetch {snapshots})", file=sys.stderr)
    scored = [s for s in labels if s["repo"] in findings_by_repo]
    result = score(scored, findings_by_repo, tags)
    print(f"lint time over {len(findings_by_repo)} snapshots: {total:.1f} s\n")
    if tags:
        scored = [s for s in scored if tags & set(s.get("tags", []))]
        print(f"only sites tagged {', '.join(sorted(tags))}\n")
    summary = report(result, scored)
    if json_out:
        summary["lint_seconds"] = round(total, 2)
        json_out.write_text(json.dumps(summary, indent=1) + "\n", encoding="utf-8")
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "repos":
        p = argparse.ArgumentParser(prog="realworld.py repos", description="list the pinned repositories (to fetch)")
        p.add_argument("--tags", default="", help="only those with a site carrying one of these tags (or cross-module)")
        p.add_argument("--sample", type=int, default=0, metavar="N", help="a seeded random sample of N of them")
        p.add_argument("--seed", type=int, default=43)
        p.add_argument("--heaviest", type=int, default=0, metavar="M",
                       help="and the M others that expect the most TB101 / TB401 findings on those sites")
        a = p.parse_args(argv[1:])
        print("\n".join(pinned_repos(_tags(a.tags), a.sample, a.seed, a.heaviest)))
        return 0
    if argv and argv[0] == "fetch":
        p = argparse.ArgumentParser(prog="realworld.py fetch", description="materialise the pinned snapshots")
        p.add_argument("snapshots", type=Path)
        p.add_argument("--mirror-root", type=Path, default=Path("/work/.mirror"))
        p.add_argument("--mirrored-only", action="store_true", help="skip the pins that have no local mirror")
        a = p.parse_args(argv[1:])
        return fetch(a.snapshots, a.mirror_root, a.mirrored_only)
    p = argparse.ArgumentParser(prog="realworld.py", description=__doc__.split("\n")[0])
    p.add_argument("snapshots", type=Path)
    p.add_argument("--tokenbudget", default="tokenbudget", help="command that runs tokenbudget (default: tokenbudget)")
    p.add_argument("--json", type=Path, help="also write the figures and every FP/FN as JSON here")
    p.add_argument("--tags", default="", help="comma-separated: score only the sites carrying one of these tags "
                                              "(cross-module: the sites of issue 15)")
    a = p.parse_args(argv)
    return evaluate(a.snapshots.resolve(), shlex.split(a.tokenbudget), a.json, _tags(a.tags))


def _tags(spec: str) -> frozenset[str]:
    """``--tags a,b`` with the presets (``cross-module``) expanded."""
    tags = frozenset(t.strip() for t in spec.split(",") if t.strip())
    return frozenset().union(*(TAG_PRESETS.get(t, {t}) for t in tags))


def pinned_repos(tags: frozenset[str] = frozenset(), sample: int = 0, seed: int = 43, heaviest: int = 0) -> list[str]:
    """The pinned repositories (holding a site tagged with one of ``tags``), sorted; with ``sample``,
    a seeded random sample of that many, and with ``heaviest`` also that many of the others that
    expect the most TB101 / TB401 findings on those sites: a partial corpus a session can fetch
    (session 43 scored ``repos --tags cross-module --sample 300 --heaviest 195`` after the snapshots
    were lost)."""
    import random

    labels = [s for s in load_labels() if not tags or tags & set(s.get("tags", []))]
    repos = sorted({s["repo"] for s in labels})
    chosen = sorted(random.Random(seed).sample(repos, sample)) if 0 < sample < len(repos) else repos
    weight: dict[str, tuple[int, int]] = defaultdict(lambda: (0, 0))
    for s in labels:
        found, sites = weight[s["repo"]]
        weight[s["repo"]] = (found + len({"TB101", "TB401"} & set(s["expected"])), sites + 1)
    rest = sorted(set(repos) - set(chosen), key=lambda r: (-weight[r][0], -weight[r][1], r))
    return sorted(chosen + rest[:heaviest]) if heaviest else chosen


if __name__ == "__main__":
    sys.exit(main())
