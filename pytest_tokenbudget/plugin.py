"""pytest hooks for ``--token-budget``. (Filled in by the plugin issue.)"""
