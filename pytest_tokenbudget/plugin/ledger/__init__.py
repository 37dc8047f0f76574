"""The plugin's ledger: what every recorded call cost, which budgets it counts against, and the
pre-flight check that refuses a call before it is sent when it could overrun one of them."""
