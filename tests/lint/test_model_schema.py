"""``Model.model_json_schema()`` read statically equals what pydantic itself returns for the models it
can read, is never larger for those it reads in part, and is not read at all where a setting or hook
may change it (:mod:`pytest_tokenbudget.lint.model_schema`)."""

from __future__ import annotations

import importlib
import json
import sys
import textwrap
from pathlib import Path

import pytest

from pytest_tokenbudget.lint.api import LintSettings, lint_paths
from pytest_tokenbudget.lint.model_schema import model_schema
from pytest_tokenbudget.lint.project import Project

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")  # OldStyle's class Config, on purpose

MODELS = '''
from datetime import datetime
from enum import Enum
from typing import Any, Dict, List, Literal, Optional, Union

from pydantic import BaseModel, ConfigDict, Field, HttpUrl, field_validator


class Verdict(str, Enum):
    """How the article fares."""
    INCLUDE = "include"
    EXCLUDE = "exclude"


class Span(BaseModel):
    start: int = Field(ge=0, description="First character")
    end: int = Field(ge=0)
    text: str = ""


class Base(BaseModel):
    """Common fields."""
    id: str = Field(..., description="Identifier", min_length=1)
    note: Optional[str] = None


class Result(Base):
    """Complete structured output.

    Two lines of docstring.
    """
    verdict: Verdict = Field(description="The verdict")
    label: Literal["a", "b", "c"]
    one: Literal["only"] = "only"
    score: float = Field(ge=0.0, le=1.0, description="Confidence")
    spans: List[Span] = Field(default_factory=list, description="Evidence")
    best: Optional[Span] = None
    main: Span
    tags: set[str] = set()
    extra: Dict[str, Any] = {}
    counts: dict[str, int] = Field(default_factory=dict)
    either: Union[int, str] = 0
    pipe: int | None = None
    when: datetime
    anything: Any = None
    items: list = []
    renamed: str = Field("x", alias="Renamed", description="aliased")
    tries: int = Field(3, gt=0, lt=10, title="Attempts")
    words: List[str] = Field(default_factory=list, max_length=5)

    @field_validator("words")
    @classmethod
    def short(cls, v):
        return v


class Strict(BaseModel):
    model_config = {"extra": "forbid"}
    name: str
    inner: Span


class Loose(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")
    name: str = Field(description="n", examples=["a", "b"])


class WithUrl(BaseModel):
    """A type this reader does not know: HttpUrl."""
    page: HttpUrl = Field(description="The page")
    title: str


class Extra(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"name": "a"}]})
    name: str


class OldStyle(BaseModel):
    name: str

    class Config:
        title = "Old"


class Plain:
    name: str = "not a model"

    @classmethod
    def model_json_schema(cls):
        return {}
'''


def _line_of(path: str, name: str) -> int:
    lines = open(path).read().splitlines()
    return next(i for i, line in enumerate(lines, 1) if line.startswith(f"class {name}("))


@pytest.fixture
def models(tmp_path, monkeypatch):
    pkg = tmp_path / "schemapkg"
    pkg.mkdir()
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    (pkg / "__init__.py").write_text("")
    (pkg / "models.py").write_text(textwrap.dedent(MODELS))
    monkeypatch.syspath_prepend(str(tmp_path))
    module = importlib.import_module("schemapkg.models")
    yield Project(tmp_path), str(pkg / "models.py"), module
    sys.modules.pop("schemapkg.models", None)
    sys.modules.pop("schemapkg", None)


@pytest.mark.parametrize("name", ["Result", "Span", "Strict", "Loose"])
def test_the_schema_read_from_the_class_is_pydantics(models, name):
    project, path, module = models
    schema, where, line = model_schema(project, path, name)
    assert schema == getattr(module, name).model_json_schema()
    assert (where, line) == (path, _line_of(path, name))


def test_a_type_it_does_not_know_gives_a_smaller_schema_never_a_larger_one(models):
    project, path, module = models
    got = model_schema(project, path, "WithUrl")[0]
    want = module.WithUrl.model_json_schema()
    assert got is not None and got["required"] == want["required"] == ["page", "title"]
    assert got["properties"]["page"] == {"description": "The page", "title": "Page"}
    assert len(json.dumps(got)) < len(json.dumps(want))


@pytest.mark.parametrize("name", ["Extra", "OldStyle", "Plain", "Verdict", "Missing"])
def test_a_class_whose_schema_may_differ_or_is_no_model_is_not_read(models, name):
    project, path, _ = models
    assert model_schema(project, path, name) is None


def test_a_model_imported_from_another_module_is_read_there(models, tmp_path):
    project, _, module = models
    user = tmp_path / "schemapkg" / "agent.py"
    user.write_text("from schemapkg.models import Result as R\n")
    project = Project(tmp_path)
    schema, where, _ = model_schema(project, str(user), "schemapkg.models.Result")
    assert schema == module.Result.model_json_schema()
    assert where == str(tmp_path / "schemapkg" / "models.py")


CASE = Path(__file__).parent / "cases" / "project_tool_schemas"


def test_the_finding_names_the_model_whose_schema_is_the_tool(monkeypatch):
    monkeypatch.chdir(CASE)
    result = lint_paths([CASE], LintSettings(root=CASE, select=("TB101",), cache=False))
    (finding,) = result.findings
    assert finding.message.endswith("(prompt defined at app/schemas.py:42)")
    assert {"path": "app/schemas.py", "line": 42, "message": "prompt defined here"} in finding.properties["related"]
    assert "~1,854 tokens of static prompt (tools+system, with the 589-token tool-use system prompt" in finding.message
