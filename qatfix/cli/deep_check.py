"""`check --deep`: the exact load report from ppdet itself (needs the [paddle] extra)."""
from __future__ import annotations

from typing import Sequence

from qatfix.findings import Finding


def deep_findings(config: str, slim: str | None, options: Sequence[str], offline: bool,
                  select: Sequence[str] = (), ignore: Sequence[str] = ()) -> list[Finding]:
    """Findings of the paddle-backed check, filtered by the same code prefixes as the rules."""
    from qatfix.deep import run_deep_check

    report = run_deep_check(config, slim, options, offline=offline, cache_dir=None)
    chosen = tuple(s.upper() for s in select)
    ignored = tuple(s.upper() for s in ignore)
    return [f for f in report.findings()
            if (not chosen or f.code.startswith(chosen))
            and not (ignored and f.code.startswith(ignored))]
