"""A UI state module (Reflex): an event handler answers a click. Its import list is parenthesised,
after plain imports, with a comment on its first line: the word index must still see run_audits."""
import os

import reflex as rx

from app.services.audits import (  # noqa: E402
    run_audits as _run_audits,
)


class AuditState(rx.State):
    profile: str = os.getenv("PROFILE", "")

    @rx.event
    async def run_selected(self, modes: list):
        return await _run_audits(modes, self.profile)
