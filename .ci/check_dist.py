"""Check what `python -m build` put in dist/: one sdist and one wheel holding the package and nothing else.

Usage: python .ci/check_dist.py [DIST_DIR] [--version X.Y.Z]

Both archives must hold every module of pytest_tokenbudget/ plus its data files (the model catalog,
the report schema, py.typed), and nothing else: no tests, examples, benchmarks or CI files. The
sdist may add the metadata it needs to build the wheel again (pyproject.toml, README.md, PKG-INFO,
setup.cfg, the egg-info). With --version (the release workflow passes the tag without its `v`), the
built version must be exactly that. Prints the wheel's file list; exits 1 with the reasons otherwise.
"""

from __future__ import annotations

import argparse
import sys
import tarfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = "pytest_tokenbudget"
DATA_FILES = {f"{PACKAGE}/py.typed", f"{PACKAGE}/core/models.toml", f"{PACKAGE}/report/schema.json"}
SDIST_METADATA = {"pyproject.toml", "README.md", "LICENSE", "PKG-INFO", "setup.cfg"}


def package_files() -> set[str]:
    """What the package is: its modules (from the source tree) and its data files."""
    modules = {p.relative_to(ROOT).as_posix() for p in (ROOT / PACKAGE).rglob("*.py") if "__pycache__" not in p.parts}
    return modules | DATA_FILES


def problems(name: str, files: set[str], expected: set[str], extra_ok) -> list[str]:
    out = [f"{name}: missing {f}" for f in sorted(expected - files)]
    out += [f"{name}: unexpected {f}" for f in sorted(files - expected) if not extra_ok(f)]
    return out


def check(dist: Path, version: str | None) -> list[str]:
    wheels, sdists = sorted(dist.glob("*.whl")), sorted(dist.glob("*.tar.gz"))
    if len(wheels) != 1 or len(sdists) != 1:
        return [f"{dist}: expected one wheel and one sdist, found {[p.name for p in wheels + sdists]}"]
    expected = package_files()
    with zipfile.ZipFile(wheels[0]) as zf:
        wheel = {n for n in zf.namelist() if not n.endswith("/")}
    dist_info = {n.split("/", 1)[0] for n in wheel if n.split("/", 1)[0].endswith(".dist-info")}
    errors = problems(wheels[0].name, wheel, expected, lambda f: f.split("/", 1)[0] in dist_info)
    with tarfile.open(sdists[0]) as tf:
        members = [m.name for m in tf.getmembers() if m.isfile()]
    top = {m.split("/", 1)[0] for m in members}
    sdist = {m.split("/", 1)[1] for m in members if "/" in m}
    if len(top) != 1:
        errors.append(f"{sdists[0].name}: expected one top-level folder, found {sorted(top)}")
    errors += problems(sdists[0].name, sdist, expected | (SDIST_METADATA - {"setup.cfg"}),
                       lambda f: f == "setup.cfg" or f.startswith(f"{PACKAGE}.egg-info/"))
    for archive in (wheels[0].name, sdists[0].name):
        built = archive.split("-")[1].removesuffix(".tar.gz")
        if version is not None and built != version:
            errors.append(f"{archive}: version {built}, expected {version} (is the tag on this commit?)")
    if not errors:
        print(f"{wheels[0].name}: {len(wheel)} files")
        for name in sorted(wheel):
            print(f"  {name}")
        print(f"{sdists[0].name}: {len(sdist)} files, the same package plus {', '.join(sorted(SDIST_METADATA))}")
    return errors


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("dist", nargs="?", default=str(ROOT / "dist"))
    parser.add_argument("--version", help="the version the archives must have (a release tag without its v)")
    args = parser.parse_args(argv)
    errors = check(Path(args.dist), args.version)
    for line in errors:
        print(f"check_dist: {line}", file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
