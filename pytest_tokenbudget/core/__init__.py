"""The core layer: model catalog, prices, cost arithmetic, usage parsing, token estimates, config.

Nothing here imports pytest, libcst, the linter, the plugin or the reports: every other layer
builds on these small pure functions and immutable types.
"""
