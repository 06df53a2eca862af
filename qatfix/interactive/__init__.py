"""Review fixes one by one in a terminal, as `git add -p` does with hunks (`--interactive`).

`flow` decides (pure), `fix_choices` and `menus` say what can be chosen, `display` shows a finding
and its diff, `prompts` asks (questionary, imported only here), `finish` verifies and writes.
"""
from __future__ import annotations

from qatfix.run.request import CheckRequest
from qatfix.interactive.session import run_interactive as run


def run_interactive(request: CheckRequest, fail_on: str) -> int:
    """Run the review for `qatfix check --interactive`; returns the exit code."""

    return run(request, fail_on)


__all__ = ["run_interactive"]
