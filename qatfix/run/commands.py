"""The command lines a user runs after fixes that change which slim config a run names."""
from __future__ import annotations

from collections.abc import Sequence

from qatfix.config import resolve
from qatfix.run.engine import slim_mode
from qatfix.errors import QatfixError
from qatfix.rules.commands import command_line
from qatfix.run.fixes import Verdict
from qatfix.run.request import CheckRequest


def new_commands(verdicts: Sequence[Verdict], request: CheckRequest) -> list[str]:
    """The command lines of runs whose applied fix changes the slim config they name."""
    lines = []
    for v in verdicts:
        slim = v.fix.slim_config
        if not v.accepted or not slim or slim == (v.finding.slim or request.slim):
            continue
        try:
            mode = slim_mode(resolve(slim))
        except QatfixError:
            mode = "train"
        line = command_line(request.step, mode, v.finding.config, slim,
                            " ".join(request.options))
        if line not in lines:
            lines.append(line)
    return lines
