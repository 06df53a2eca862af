"""`check --deep`: the exact load report from ppdet itself (needs the [paddle] extra).

Findings come back unfiltered: like the rules' findings they then pass `qatfix.run.gate`.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from qatfix.config import resolve
from qatfix.findings import Finding, Location
from qatfix.model.checkpoint_size import size_message, size_note
from qatfix.config.kind import PRUNE_MODES, QAT_MODES

if TYPE_CHECKING:
    from qatfix.deep.load_report import DeepReport

#: slim modes whose checkpoint is a fake-quantized float model (QF501)
#: slim modes that prune `pruned_params` (QF703/QF704)


def deep_findings(config: str, slim: str | None, options: Sequence[str],
                  offline: bool) -> list[Finding]:
    """QF601/QF602 from building the model with ppdet, QF501 with the exact sizes, and QF703/QF704
    for pruning runs."""
    from qatfix.deep import run_deep_check  # the paddle boundary: imported only for --deep

    report = run_deep_check(config, slim, options, offline=offline, cache_dir=None)
    findings = list(report.findings()) + exact_size_findings(report, config, slim)
    if slim is not None and report.model.slim_type in PRUNE_MODES:
        from qatfix.deep.prune_names import pruning_findings  # paddle: --deep only

        findings += pruning_findings(config, slim, options)
    return findings


def exact_size_findings(report: "DeepReport", config: str, slim: str | None) -> list[Finding]:
    """QF501 with the built model's exact float32 and int8 sizes (QAT runs only)."""
    if slim is None or report.model.slim_type not in QAT_MODES:
        return []
    sizes = report.sizes()
    origin = resolve(slim).origin(("slim",))
    where = Location(origin.path, origin.line, origin.column) if origin else Location(slim)
    note = size_note(f"{sizes.elements:,} values in the state dict", sizes.float32_bytes,
                     sizes.int8_bytes, exact=True)
    return [Finding("QF501", "info", size_message(note), where, config=config,
                    data=(("state_dict", sizes.elements), ("float32_bytes", sizes.float32_bytes),
                          ("int8_bytes", sizes.int8_bytes)))]
