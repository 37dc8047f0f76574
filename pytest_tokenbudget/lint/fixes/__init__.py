"""Fixes: libcst replacements for rules (:mod:`.build`), text edits (:mod:`.edits`), files (:mod:`.files`)."""
