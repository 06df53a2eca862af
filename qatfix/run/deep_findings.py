"""`check --deep`: the exact load report from ppdet itself (needs the [paddle] extra).

Findings come back unfiltered: like the rules' findings they then pass `qatfix.run.gate`.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from qatfix.config import resolve
from qatfix.findings import Finding, Location
from qatfix.model.checkpoint_size import SIZE_FACT, SizeEstimate, size_headline, size_message
from qatfix.config.kind import PRUNE_MODES, QAT_MODES

if TYPE_CHECKING:
    from qatfix.deep.load_report import DeepReport

#: slim modes whose checkpoint is a fake-quantized float model (QF501)
#: slim modes that prune `pruned_params` (QF703/QF704)


def deep_findings(config: str, slim: str | None, options: Sequence[str],
                  offline: bool, step: str = "train") -> list[Finding]:
    """QF601/QF602 from building the model with ppdet, QF501 with the exact sizes (training
    only: no other step writes a QAT checkpoint), and QF703/QF704 for pruning runs."""
    from qatfix.deep import run_deep_check  # the paddle boundary: imported only for --deep

    report = run_deep_check(config, slim, options, offline=offline, cache_dir=None)
    findings = list(report.findings())
    if step == "train":
        findings += exact_size_findings(report, config, slim)
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
    estimate = SizeEstimate(f"{sizes.elements:,} values in the state dict", sizes.float32_bytes,
                            sizes.int8_bytes, exact=True)
    return [Finding("QF501", "info", size_message(estimate), where, config=config,
                    headline=size_headline(estimate), fact=SIZE_FACT,
                    data=(("state_dict", sizes.elements), ("float32_bytes", sizes.float32_bytes),
                          ("int8_bytes", sizes.int8_bytes)))]


#: static findings that state how many tensors of the weights load (`data`: loaded, tensors)
FIGURE_CODES = ("QF101", "QF104", "QF105", "QF106")
#: the `--deep` finding with ppdet's own figure for the same fact
DEEP_FIGURE = "QF601"


def one_figure(static: Sequence[Finding], deep: Sequence[Finding]
               ) -> tuple[list[Finding], list[Finding]]:
    """One finding per fact: where `--deep` counts the tensors that load (QF601) and a static
    finding of the same run states a figure for the same weights, the report keeps one. The
    same figure: the static finding (with its fix), marked as confirmed; another figure, or
    none: QF601, ppdet's own, carrying the static finding's fixes."""
    counted = [f for f in deep if f.code == DEEP_FIGURE]
    if not counted:
        return list(static), list(deep)
    exact = counted[0]
    facts = dict(exact.data)
    same = [f for f in static if f.code in FIGURE_CODES and f.config == exact.config]
    if not same:
        return list(static), list(deep)
    first = same[0]
    own = dict(first.data)
    kept_static = [f for f in static if f not in same]
    if own.get("loaded") == facts.get("loaded") and \
            own.get("tensors") == facts.get("model_params"):
        confirmed = replace(first, message=f"{first.message}\n--deep: ppdet built the model and "
                            "counts the same", data=(*first.data, ("deep_confirmed", True)))
        return kept_static + [confirmed] + same[1:], [f for f in deep if f is not exact]
    merged = replace(exact, fix=first.fix, alternatives=first.alternatives,
                     data=(*exact.data, ("replaces", first.code)))
    return kept_static, [merged if f is exact else f for f in deep]
