"""Review fixes one by one in a terminal, as `git add -p` does with hunks (`--interactive`).

`flow` decides (pure), `options` and `menus` say what can be chosen, `display` shows a finding
and its diff, `prompts` asks (questionary, imported only here), `finish` verifies and writes.
"""
from __future__ import annotations

import argparse


def run_interactive(args: argparse.Namespace) -> int:
    """Run the review for `qatfix check --interactive`; returns the exit code."""
    from qatfix.interactive.session import run_interactive as run

    return run(args)


__all__ = ["run_interactive"]
