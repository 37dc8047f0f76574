"""The per-run marks of constructions._marks only skip files the exact check would not flag."""

from __future__ import annotations

import re

import pytest

from pytest_tokenbudget.lint.constructions import _marks, _may_set, _sets
from pytest_tokenbudget.lint.project import Project

NAME, FIELD = "Config", "model"
FLAGGED = [
    "cfg.model = args.model\n",
    "app.settings.model += '-v2'\n",
    "cfg = Config.model_validate(data)\n",
    "cfg = mod.Config.from_dict(data)\n",
    "import dataclasses\ncfg2 = dataclasses.replace(cfg, model='x')\n",
    "from dataclasses import field, replace\ncfg2 = replace(cfg, model='x')\n",
    "cfg2 = cfg.model_copy(update={'model': 'x'})\n",
    "cfg2 = cfg.copy(update={'model': 'x'})  # Config\n",
    "setattr(cfg, 'model', 'x')\n",
]
NOT_FLAGGED = [
    "self.model = model\n",
    "cfg.model == 'x'\n",
    "cfg.model_name = 'x'\n",
    "cfg = XConfig.model_validate(data)\n",
    "text = text.replace('a', 'b')\n",
    "x = 1\n",
]


def _patterns() -> tuple[re.Pattern[bytes], ...]:
    from pytest_tokenbudget.lint.constructions import _OTHER_BUILDERS

    return (re.compile(rb"(?<!\bself)\." + FIELD.encode() + rb"\s*(=(?!=)|\+=)"),
            re.compile(rb"\b" + NAME.encode() + _OTHER_BUILDERS),
            re.compile(rb"\b(" + NAME.encode() + rb"|" + FIELD.encode() + rb")\b"))


@pytest.mark.parametrize("code, flagged", [(c, True) for c in FLAGGED] + [(c, False) for c in NOT_FLAGGED])
def test_the_marks_keep_every_file_the_exact_check_flags(tmp_path, code, flagged):
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    path = tmp_path / "other.py"
    path.write_text(code)
    project = Project(tmp_path)
    assert _sets(str(path), NAME, FIELD, _patterns()) is flagged
    marks = _marks(project)[str(path)]
    if flagged:
        assert _may_set(marks, NAME.encode(), FIELD.encode())
    if code in ("x = 1\n", "cfg = XConfig.model_validate(data)\n", "text = text.replace('a', 'b')\n"):
        assert not _may_set(marks, NAME.encode(), FIELD.encode())  # not read again for this question
