"""`check --deep`: the exact load report from ppdet itself (needs the [paddle] extra)."""
from __future__ import annotations

from typing import Sequence

from qatfix.findings import Finding


def deep_findings(config: str, slim: str | None, options: Sequence[str], offline: bool,
                  select: Sequence[str] = (), ignore: Sequence[str] = ()) -> list[Finding]:
    """Findings of the paddle-backed check, filtered by the same code prefixes as the rules."""
    from qatfix.deep import run_deep_check

    report = run_deep_check(config, slim, options, offline=offline, cache_dir=None)
    findings = list(report.findings()) + exact_size_findings(report, config, slim)
    if slim is not None and report.model.slim_type in ("Pruner", "PrunerQAT"):  # type: ignore[attr-defined]
        from qatfix.deep.prune_names import pruning_findings

        findings += pruning_findings(config, slim, options)
    chosen = tuple(s.upper() for s in select)
    ignored = tuple(s.upper() for s in ignore)
    return [f for f in findings
            if (not chosen or f.code.startswith(chosen))
            and not (ignored and f.code.startswith(ignored))]


def exact_size_findings(report: object, config: str, slim: str | None) -> list[Finding]:
    """QF501 with the built model's exact float32 and int8 sizes (QAT runs only)."""
    from qatfix.config import resolve
    from qatfix.findings import Location
    from qatfix.rules.qat_size import size_message, size_note

    if slim is None or report.model.slim_type not in ("QAT", "PrunerQAT"):  # type: ignore[attr-defined]
        return []
    sizes = report.sizes()  # type: ignore[attr-defined]
    origin = resolve(slim).origin(("slim",))
    where = Location(origin.path, origin.line, origin.column) if origin else Location(slim)
    note = size_note(f"{sizes.elements:,} values in the state dict", sizes.float32_bytes,
                     sizes.int8_bytes, exact=True)
    return [Finding("QF501", "info", size_message(note), where, config=config,
                    data=(("state_dict", sizes.elements), ("float32_bytes", sizes.float32_bytes),
                          ("int8_bytes", sizes.int8_bytes)))]
