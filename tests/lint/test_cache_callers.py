"""Warm runs and callers: a cached result that depends on the project's callers (TB401 loops in
other modules, values callers pass) is re-checked when a caller file appears, changes or goes."""

from __future__ import annotations

import json
import os
from pathlib import Path

from pytest_tokenbudget.lint.analysis.values import DataRows, OpenList
from pytest_tokenbudget.lint.api import LintSettings, lint_paths
from pytest_tokenbudget.lint.index_codec import decode, encode

LLM = '''import anthropic

client = anthropic.Anthropic()


def summarize(doc):
    return client.messages.create(model="claude-sonnet-4-5", max_tokens=300,
                                  messages=[{"role": "user", "content": f"Summarize: {doc}"}])
'''

LOOP = '''from llm import summarize


def main(docs):
    for doc in docs:
        print(summarize(doc))
'''

ONCE = '''from llm import summarize


def main(doc):
    print(summarize(doc))
'''


def _project(tmp_path: Path) -> Path:
    root = tmp_path / "proj"
    root.mkdir()
    (root / "pyproject.toml").write_text("[project]\nname = 'p'\n")
    (root / "llm.py").write_text(LLM)
    return root


def _tb401(result) -> list[tuple[str, int]]:
    return [(Path(f.path).name, f.line) for f in result.findings if f.code == "TB401"]


def _settings(root: Path) -> LintSettings:
    return LintSettings(root=root, select=("TB401",), cache=True)


def test_a_new_caller_file_with_a_loop_rechecks_the_cached_callee(tmp_path):
    root = _project(tmp_path)
    assert _tb401(lint_paths([root], _settings(root))) == []
    warm = lint_paths([root], _settings(root))
    assert warm.cached == 1 and _tb401(warm) == []
    (root / "runner.py").write_text(LOOP)  # a new file: llm.py's bytes did not change
    after = lint_paths([root], _settings(root))
    assert _tb401(after) == [("llm.py", 7)]
    assert "runner.py:5" in next(f.message for f in after.findings if f.code == "TB401")


def test_a_new_caller_outside_the_linted_paths_still_counts(tmp_path):
    """A pre-commit style run on the callee alone resolves callers through the whole project."""
    root = _project(tmp_path)
    (root / "scripts").mkdir()
    assert _tb401(lint_paths([root / "llm.py"], _settings(root))) == []
    (root / "scripts" / "batch.py").write_text(LOOP)
    assert _tb401(lint_paths([root / "llm.py"], _settings(root))) == [("llm.py", 7)]


def test_a_caller_edited_to_loop_rechecks_the_cached_callee(tmp_path):
    root = _project(tmp_path)
    runner = root / "runner.py"
    runner.write_text(ONCE)
    assert _tb401(lint_paths([root], _settings(root))) == []
    runner.write_text(LOOP)
    st = runner.stat()
    os.utime(runner, ns=(st.st_atime_ns, st.st_mtime_ns - 10**12))  # an old mtime (a checkout, cp -p)
    assert _tb401(lint_paths([root], _settings(root))) == [("llm.py", 7)]


def test_a_removed_loop_caller_silences_the_cached_finding(tmp_path):
    root = _project(tmp_path)
    (root / "runner.py").write_text(LOOP)
    assert _tb401(lint_paths([root], _settings(root))) == [("llm.py", 7)]
    (root / "runner.py").unlink()
    assert _tb401(lint_paths([root], _settings(root))) == []


def test_an_unrelated_new_file_keeps_the_callee_cached(tmp_path):
    root = _project(tmp_path)
    (root / "runner.py").write_text(LOOP)
    lint_paths([root], _settings(root))
    (root / "notes.py").write_text("def helper(x):\n    return x * 2\n")
    warm = lint_paths([root], _settings(root))
    assert _tb401(warm) == [("llm.py", 7)] and warm.parsed == 0


HANDS_ON = '''from evals import run_eval
from llm import summarize


def main(docs):
    return run_eval(docs, generate=summarize)
'''

EVAL_LOOP = '''def run_eval(items, generate):
    return [generate(x) for x in items]
'''

EVAL_ONE = '''def run_eval(items, generate):
    return generate(items[0])
'''


def test_a_module_the_search_followed_into_is_watched_too(tmp_path):
    """The loop lives in the function the callee is handed to (evals.py names neither summarize nor
    llm; the search looked up run_eval): editing that loop away re-checks the cached callee."""
    root = _project(tmp_path)
    (root / "runner.py").write_text(HANDS_ON)
    (root / "evals.py").write_text(EVAL_LOOP)
    assert _tb401(lint_paths([root / "llm.py"], _settings(root))) == [("llm.py", 7)]
    (root / "evals.py").write_text(EVAL_ONE)
    assert _tb401(lint_paths([root / "llm.py"], _settings(root))) == []


def test_an_answer_shared_between_checks_records_its_lookups_in_each(tmp_path):
    # parameter_values and the field search are computed once per run and shared by every file's
    # check: the second check served from that memo must still learn which callers it depends on
    from pytest_tokenbudget.lint.callerdeps import TrackedProject, record

    root = _project(tmp_path)
    project = TrackedProject(root, named=True)
    project.word_index = {"summarize": [str(root / "runner.py")]}

    def search() -> str:
        project.word_index.get("summarize")
        project.needles[b"model"] = False
        return "answer"

    project.begin()
    assert project.remember("memo", "key", search) == "answer"
    first = record(project)
    project.begin()
    assert project.remember("memo", "key", lambda: "recomputed") == "answer"
    second = record(project)
    assert first is not None and second == first
    assert second["words"] == ["summarize"] and second["needles"] == ["model"]


def test_a_new_file_naming_a_model_rechecks_a_call_whose_model_is_chosen_at_run_time(tmp_path):
    """A call whose model is a run-time value is judged by the models the project names
    (analysis/plausible_models): a file that names a model with a lower minimum changes the answer."""
    import shutil

    root = tmp_path / "bot_project"
    shutil.copytree(Path(__file__).parent / "cases" / "project_runtime_model_4096", root)
    config = root / "bot" / "config.py"  # the modules chat.py imports name no model: the project's names count
    config.write_text(config.read_text().replace('os.getenv("DEFAULT_MODEL", "claude-haiku-4-5")', 'os.environ["MODEL"]')
                      .replace('MODELS = {"opus": "claude-opus-4-6", "haiku": "claude-haiku-4-5"}', ""))
    (root / "bot" / "opus.py").write_text('MODEL = "claude-opus-4-6"\n')  # minimum 4,096 tokens
    settings = LintSettings(root=root, select=("TB101",), cache=True)
    assert [f.code for f in lint_paths([root], settings).findings] == []
    assert lint_paths([root], settings).cached >= 1
    (root / "bot" / "picker.py").write_text('FAST = "claude-sonnet-4-6"\n')  # minimum 1,024 tokens
    after = lint_paths([root], settings)
    assert [(Path(f.path).name, f.code) for f in after.findings] == [("chat.py", "TB101")]


def test_a_demo_script_naming_another_model_says_nothing_about_a_call_whose_modules_name_theirs(tmp_path):
    """The models named in the call's file and the modules it imports (bot/config.py: Haiku 4.5 and
    Opus 4.6, 4,096 tokens) come before the rest of the project: a one-off script naming Sonnet 4.6
    (1,024) does not make the ~2,800-token prompt a TB101."""
    import shutil

    root = tmp_path / "bot_project"
    shutil.copytree(Path(__file__).parent / "cases" / "project_runtime_model_4096", root)
    (root / "demo.py").write_text('import anthropic\\n\\nanthropic.Anthropic().messages.create(\\n'
                                  '    model="claude-sonnet-4-6", max_tokens=50, messages=[{"role": "user", "content": "hi"}])\\n')
    settings = LintSettings(root=root, select=("TB101",), cache=False)
    assert lint_paths([root], settings).findings == []


EVAL = '''import json

from llm import summarize


def run_eval(dataset):
    return [summarize(case) for case in dataset]


with open("dataset.json") as fh:
    dataset = json.load(fh)
print(run_eval(dataset))
'''


def test_the_rows_of_a_data_file_stay_a_dataset_through_the_index_cache(tmp_path):
    root = _project(tmp_path)
    (root / "dataset.json").write_text('["first case", "second case", "third case"]')
    (root / "run_eval.py").write_text(EVAL)
    assert _tb401(lint_paths([root], _settings(root))) == [("llm.py", 7)]  # three rows of a file: not a handful
    (root / "llm.py").write_text(LLM + "\n# edited\n")  # re-checked; run_eval.py's values come from the cache
    assert _tb401(lint_paths([root], _settings(root))) == [("llm.py", 7)]
    assert isinstance(decode(json.loads(json.dumps(encode(DataRows(["a", "b"]))))), DataRows)


SCRAPED = '''import requests

from llm import summarize


def fetch(pages):
    docs = []
    for page in pages:
        try:
            docs.append(requests.get(page).text)
        except requests.RequestException:
            docs.append("")
    return docs


def summarize_all(docs):
    return [summarize(doc) for doc in docs]


if __name__ == "__main__":
    print(summarize_all(fetch(["https://a.example", "https://b.example"])))
'''


def test_a_list_filled_in_a_loop_is_no_handful_cold_or_through_the_index_cache(tmp_path):
    # two appends in a loop over two pages read as a list of at least two items, not a list of two:
    # a value read back from the cache must stay open too
    root = _project(tmp_path)
    (root / "scrape.py").write_text(SCRAPED)
    assert _tb401(lint_paths([root], _settings(root))) == [("llm.py", 7)]
    (root / "llm.py").write_text(LLM + "\n# edited\n")  # re-checked; scrape.py's values come from the cache
    assert _tb401(lint_paths([root], _settings(root))) == [("llm.py", 7)]
    assert type(decode(json.loads(json.dumps(encode(OpenList(["a"])))))) is OpenList
