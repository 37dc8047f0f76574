"""A client created lazily in a module global (``global _client``; ``_client = Anthropic()`` inside a
getter) is the module's ``_client``: the getter returns a client, so a request whose only sign of
being a Claude call is that client (``client.messages.create(**kwargs)``) is recognised."""

from __future__ import annotations

import textwrap

from pytest_tokenbudget.lint.api import LintSettings, lint_paths

GETTER = textwrap.dedent('''
    import anthropic

    _client = None

    def _get_client():
        global _client
        if not _client:
            _client = anthropic.Anthropic()
        return _client

    def ask(q, model):  # no model id in sight: only the client says this is a Claude call
        client = _get_client()
        kwargs = dict(model=model, max_tokens=64, messages=[{"role": "user", "content": q}])
        kwargs.update(system="Be brief.")  # an update: the request stays opaque
        return client.messages.create(**kwargs)
    ''')


def test_a_client_assigned_through_a_global_statement_is_recognised(tmp_path):
    (tmp_path / "agent.py").write_text(GETTER)
    result = lint_paths([tmp_path / "agent.py"], LintSettings(root=tmp_path, cache=False))
    assert result.call_sites == 1


def test_without_the_global_statement_the_module_client_stays_none(tmp_path):
    # the getter's assignment is its own local: the module's _client is only ever None (no client)
    (tmp_path / "agent.py").write_text(GETTER.replace("    global _client\n", "").replace(
        "    if not _client:\n        _client = anthropic.Anthropic()\n    return _client",
        "    made = anthropic.Anthropic()\n    return _client"))
    result = lint_paths([tmp_path / "agent.py"], LintSettings(root=tmp_path, cache=False))
    assert result.call_sites == 0
