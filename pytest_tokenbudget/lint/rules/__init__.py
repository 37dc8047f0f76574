"""The lint rules: one module per family, one small class per rule.

Families: ``caching`` (TB1xx), ``output`` (TB2xx), ``model`` (TB3xx), ``batching`` (TB4xx),
``structure`` (TB5xx) and ``hygiene`` (TB9xx); TB301 has its own module, ``premium``, and TB206
``streaming``. :mod:`.registry` imports them; :mod:`.base` holds
the rule class, :mod:`.options` the option defaults.

How to add a rule
-----------------
1. Pick the family module (or add one, and import it in :mod:`.registry`) and a free code ``TBnnn``.
2. Write a class::

       @register
       class PremiumModelSimpleTask(Rule):
           code = "TB301"
           name = "premium-model-simple-task"          # kebab-case, stable
           summary = "A top-tier model answers a classification / yes-no prompt."
           rationale = "... what it costs and what fixing it saves ..."
           severity = "warning"                          # "error" when the call fails
           OPTIONS = options("short-answer-max-tokens")  # defaults in .options; keys in config.LINT_KEYS
           VALID = ["...code that must not be flagged..."]
           INVALID = [Invalid("...flagged code...", message="substring of the message")]

           def check(self, call, ctx):
               info = ctx.model_info(call)               # catalog row or None
               if info is None or info.tier != "premium":
                   return                                # unknown -> silent (precision first)
               yield Report("claude-opus-5 for a yes/no answer: ...; use claude-haiku-5-5 (-90%)",
                            node=call.arg_nodes.get("model"))

3. ``check(call, ctx)`` receives one :class:`~pytest_tokenbudget.lint.types.CallSite`
   (resolved arguments in ``call.args`` / ``call.get(name)``, ``call.open_kwargs``,
   ``call.context`` for function / loop facts, ``call.batch``, ``call.streaming`` ...) and yields
   :class:`~pytest_tokenbudget.lint.types.Report` objects. Helpers for prompts (static text,
   cached prefix, breakpoints, token estimates) are in :mod:`pytest_tokenbudget.lint.analysis.prompt`.
4. Precision first: when a value the verdict depends on is unknown (``Unknown``, ``Text`` holes,
   ``OpenDict``, ``call.open_kwargs`` for "missing" checks, an unknown model) stay silent or use
   the most conservative threshold. Messages say what is wrong, what it costs, and the fix.
5. ``VALID`` / ``INVALID`` run as tests automatically, for every rule in the registry
   (tests/lint/test_rule_examples.py); an ``Invalid`` may state the finding's range and the
   example after its fix (``fixed=``). Add a realistic case to ``tests/lint/cases/`` with
   ``# TBnnn`` trailing comments as well.
6. A fix: ``Report(..., fix=FixSpec("add stop_sequences", ((old_node, new_node),), "safe"))``
   (builders in :mod:`pytest_tokenbudget.lint.fixes.build`), and ``FIX = "safe"`` (or
   ``"unsafe"``) on the class; the engine converts libcst replacements to text edits.
7. Speed: every ``tokenbudget lint`` run imports all rule modules (for the registry), including
   warm runs served entirely from the cache that never parse a file. Import libcst (and other
   heavy modules) inside the functions that need them, not at module level: a module-level
   ``import libcst`` adds ~0.3 s to every warm run.
"""
