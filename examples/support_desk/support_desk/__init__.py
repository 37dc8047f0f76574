"""A small support-desk app that calls Claude: the example for pytest-tokenbudget.

It has the cost mistakes real apps have (on purpose, each marked "COST MISTAKE"): run
``tokenbudget lint examples/support_desk`` to see them, and ``pytest --token-budget`` in this
folder to see what its tests spend against the bundled fake API server.
"""
