"""``tokenbudget estimate``: per-call cost figures (:mod:`.sites`), savings (:mod:`.savings`), the run over files (:mod:`.paths`) and its renderings (:mod:`.render`)."""
