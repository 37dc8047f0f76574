"""TB301 on three request forms a reviewer reads as simple tasks, and their silent look-alikes:

* a classification whose JSON answer template has a field bounded to a short note
  ("summary": 2-3 sentences) next to the labels, asked with a screenshot;
* an extraction of named fields (vendor, number, date, total) read off an image: a small fixed
  record, unlike "every marker" of a scanned report;
* the same extraction in a tool loop whose tools only look up or check the fields.

Silent: an unbounded written field, open-ended extraction from a scan, tools that run code / browse /
send, a tool loop without named fields, extended thinking.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from pytest_tokenbudget.lint.analysis.task_fields import checking_tools, named_fields, without_short_fields
from pytest_tokenbudget.lint.api import LintSettings, lint_source

HEAD = '''
import anthropic
client = anthropic.Anthropic()
IMAGE = {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": "..."}}
'''

PHISHING = '''
PROMPT = ("Analyze the screenshot for phishing indicators. Return ONLY a JSON object with these fields:\\n"
          '  "verdict": "phishing" | "suspicious" | "legitimate" | "inconclusive"\\n'
          '  "confidence": integer 0-100\\n'
          '  "summary": {summary}\\n')
def judge(shot):
    return client.messages.create(model="claude-opus-5-5", max_tokens=1024, {extra}
        messages=[{{"role": "user", "content": [IMAGE, {{"type": "text", "text": PROMPT}}]}}])
'''

INVOICE = '''
TOOLS = [{{"name": "validate_vendor", "description": "Check if a vendor exists in the company database",
           "input_schema": {{"type": "object", "properties": {{"vendor_name": {{"type": "string"}}}}}}}},
         {{"name": "{second}", "description": "{second_description}",
           "input_schema": {{"type": "object", "properties": {{"po_number": {{"type": "string"}}}}}}}}]
def process(messages):
    while True:
        reply = client.messages.create(model="claude-opus-5-5", max_tokens=2048, tools=TOOLS,
            system="You are an invoice agent. {task}", messages=messages)
        if reply.stop_reason != "tool_use":
            return reply
'''

NAMED = ("1. Extract key invoice information: vendor name, invoice number, date, total amount, and PO number. "
         "2. Validate them with the tools. 3. Output structured JSON.")


def _tb301(tmp_path: Path, body: str) -> list[str]:
    code = textwrap.dedent(HEAD) + textwrap.dedent(body)
    found = lint_source(code, settings=LintSettings(root=tmp_path, cache=False), select=["TB301"])
    return [f.message for f in found]


def test_screenshot_classification_with_a_short_summary_field_is_flagged(tmp_path):
    found = _tb301(tmp_path, PHISHING.format(summary="2-3 sentence human-readable assessment", extra=""))
    assert len(found) == 1 and "for a classification prompt" in found[0]


@pytest.mark.parametrize(("summary", "extra"), [
    ("a full write-up of every indicator, with evidence", ""),  # written prose: real work
    ("2-3 sentence assessment", 'thinking={"type": "enabled", "budget_tokens": 4000},'),  # reasoning
])
def test_classification_template_with_real_work_is_silent(tmp_path, summary, extra):
    assert _tb301(tmp_path, PHISHING.format(summary=summary, extra=extra)) == []


def test_named_fields_read_off_an_image_are_an_extraction(tmp_path):
    found = _tb301(tmp_path, '''
        def invoice(scan):
            return client.messages.create(model="claude-opus-5-5", max_tokens=2048, messages=[{"role": "user",
                "content": [IMAGE, {"type": "text", "text": "Extract: vendor name, invoice number, date, total amount. "
                                                            "Return ONLY valid JSON."}]}])
        ''')
    assert len(found) == 1 and "for an extraction prompt" in found[0]


def test_open_ended_extraction_from_an_image_is_silent(tmp_path):
    assert _tb301(tmp_path, '''
        def markers(scan):
            return client.messages.create(model="claude-opus-5-5", max_tokens=2048, messages=[{"role": "user",
                "content": [IMAGE, {"type": "text", "text": "Extract every marker and its value. Return ONLY valid JSON."}]}])
        ''') == []


def test_extraction_whose_tools_only_check_the_fields_is_flagged(tmp_path):
    found = _tb301(tmp_path, INVOICE.format(second="perform_3_way_match", task=NAMED,
                                            second_description="Validate the PO number and the invoice amount."))
    assert len(found) == 1 and "its tools only look up or check the extracted fields" in found[0]


@pytest.mark.parametrize(("second", "second_description", "task"), [
    ("run_python", "Run Python code and return its output.", NAMED),  # code execution: open work
    ("fetch_page", "Fetch a web page by URL.", NAMED),  # browsing: open work
    ("send_email", "Email the purchasing team.", NAMED),  # acting on the world
    ("perform_3_way_match", "Validate the PO number.", "Process this invoice and output structured JSON."),  # no fields
    ("perform_3_way_match", "Validate the PO number.", NAMED.replace(" Output structured JSON.", "")),  # no JSON
])
def test_tool_loops_doing_open_work_are_silent(tmp_path, second, second_description, task):
    assert _tb301(tmp_path, INVOICE.format(second=second, second_description=second_description, task=task)) == []


def test_named_fields_need_a_short_list_of_names():
    assert named_fields("Extract: vendor name, invoice number, date, total amount (if visible)") == (
        "vendor name", "invoice number", "date", "total amount")
    assert named_fields("Extract the key facts: who did what, when it happened and why it matters to us.") == ()
    assert named_fields("Extract: name, age") == ()  # two names: too few to call a record


def test_short_template_fields_are_dropped_and_long_ones_kept():
    text = '"verdict": "a" | "b"\n"summary": one short sentence\n"report": the full analysis\n'
    assert without_short_fields(text) == '"verdict": "a" | "b"\n\n"report": the full analysis\n'


def test_checking_tools_reject_server_tools_and_unknown_lists():
    check = {"name": "check_po", "description": "Validate a PO number."}
    assert checking_tools([check])
    assert not checking_tools([check, {"type": "web_search_20250305", "name": "web_search"}])
    assert not checking_tools([check, {"name": "update_record", "description": "Store the invoice."}])
    assert not checking_tools([])
