"""Install the built wheel into a clean venv and run the README's first command with it.

Usage: python .ci/smoke_wheel.py [DIST_DIR]

The command is Quick start step 1, read from README.md, with `pip install -e ".[examples]"` (the
clone) replaced by `pip install "<wheel>[examples]"`. It runs in a temporary folder holding a copy
of examples/ only, so nothing can be imported from this source tree: what passes here is what a
user installing the wheel from PyPI gets. Exits 1 with the output when something is off.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EDITABLE = 'pip install -e ".[examples]"'


def first_command() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    quick_start = readme.split("## Quick start", 1)[1]
    block = re.search(r"```bash\n(.*?)```", quick_start, flags=re.S)
    if block is None:
        raise SystemExit("smoke_wheel: no bash block in the README's Quick start")
    return block.group(1).strip()


def main(argv: list[str]) -> int:
    dist = Path(argv[0]) if argv else ROOT / "dist"
    (wheel,) = sorted(dist.glob("*.whl"))
    command = first_command()
    if EDITABLE not in command:
        print(f"smoke_wheel: Quick start step 1 no longer contains {EDITABLE!r}:\n{command}", file=sys.stderr)
        return 1
    command = command.replace(EDITABLE, f'pip install --quiet "{wheel.resolve()}[examples]"')
    with tempfile.TemporaryDirectory(prefix="tokenbudget-smoke-") as tmp:
        shutil.copytree(ROOT / "examples", Path(tmp) / "examples")
        env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")
               and not k.startswith(("TOKEN_BUDGET", "GITHUB_"))}
        started = time.monotonic()
        proc = subprocess.run(["bash", "-c", command], cwd=tmp, env=env, capture_output=True, text=True, timeout=900)
        took = time.monotonic() - started
        out = proc.stdout + proc.stderr
        where = subprocess.run([str(Path(tmp) / ".venv" / "bin" / "python"), "-c",
                                "import pytest_tokenbudget as p; print(p.__version__, p.__file__)"],
                               cwd=tmp, capture_output=True, text=True, timeout=60).stdout.split()
    checks = {
        "the command exits 0 (pytest's exit code: the lint before `;` exits 1)": proc.returncode == 0,
        "lint reports the six planted findings": "Found 6 findings in 3 files" in out,
        "pytest prints the token budget report": "most expensive tests" in out,
        "the budget refused a call": "refused before sending: 1 call" in out,
        "no config warning (the example configures only what [examples] installs)": "PytestConfigWarning" not in out,
        "the package came from the wheel": len(where) == 2 and where[1].startswith(tmp) and where[0] in wheel.name,
    }
    failed = [name for name, ok in checks.items() if not ok]
    if failed:
        print(out, file=sys.stderr)
        for name in failed:
            print(f"smoke_wheel: FAILED: {name}", file=sys.stderr)
        return 1
    print(f"smoke_wheel: {wheel.name} [examples] in a clean venv, README Quick start step 1: ok in {took:.0f} s "
          f"(pytest_tokenbudget {where[0]})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
