"""QF304: slim keys ppdet reads from somewhere else, so the value written does nothing."""
from __future__ import annotations

from typing import Any, Iterator

from qatfix.rules.base import Change, Issue, PlannedFix, Rule
from qatfix.rules.context import CheckContext

#: ppdet/engine/trainer.py: Trainer.post_quant, `int(self.cfg.get('quant_batch_num', 10))`
DEFAULT_QUANT_BATCH_NUM = 10


def check(ctx: CheckContext) -> Iterator[Issue]:
    if ctx.role != "model" or ctx.mode != "PTQ":
        return
    ptq = ctx.get("PTQ")
    if not isinstance(ptq, dict) or "quant_batch_num" not in ptq:
        return
    written: Any = ptq["quant_batch_num"]
    top = ctx.get("quant_batch_num")
    used = top if top is not None else DEFAULT_QUANT_BATCH_NUM
    try:
        if int(written) == int(used):
            return
    except (TypeError, ValueError):
        return
    fixes: tuple[PlannedFix, ...] = ()
    if ctx.slim_path and isinstance(written, int) and not isinstance(written, bool):
        fixes = (PlannedFix(
            f"Set the top-level quant_batch_num to {written} in "
            f"{ctx.slim_path.rsplit('/', 1)[-1]}", "safe",
            (Change("set", ("quant_batch_num",), written, path=ctx.slim_path),),
            reason="it makes the number written take effect; nothing else reads it"),)
    source = "the top-level quant_batch_num" if top is not None else "its default"
    yield Issue(
        message=(f"PTQ.quant_batch_num {written} does nothing: ppdet's post-quant loop stops "
                 f"after `cfg.quant_batch_num` batches, read at the top level of the config, "
                 f"so this run calibrates on {int(used) + 1} batches ({source}, {used})"),
        location=ctx.location(("PTQ", "quant_batch_num")), fixes=fixes)


RULES = (Rule(
    code="QF304", name="ptq-batch-count-unused", severity="warning",
    summary="PTQ.quant_batch_num is set, but ppdet reads the top-level quant_batch_num.",
    explanation=(
        "ppdet's PTQ class accepts `quant_batch_num` and stores it, but nothing reads it: the "
        "calibration loop in Trainer.post_quant stops at `self.cfg.get('quant_batch_num', 10)`, "
        "the top-level key. `PTQ: {quant_batch_num: 64}` therefore calibrates on 11 batches "
        "(the loop breaks after batch number 10), and the activation ranges rest on far fewer "
        "images than intended. The official PTQ configs write 10, the default, so they are "
        "not affected."),
    example="weights: model.pdparams\nslim: PTQ\nPTQ:\n  ptq_config: {}\n  quant_batch_num: 64",
    instead="weights: model.pdparams\nslim: PTQ\nquant_batch_num: 64\nPTQ:\n  ptq_config: {}",
    fix_safety=("safe: the fix sets the top-level `quant_batch_num` in the slim config to the "
                "number written under PTQ; nothing else reads either key."),
    evidence=("ppdet/slim/quant.py: PTQ.__init__ (`self.quant_batch_num = quant_batch_num`, "
              "never read); ppdet/engine/trainer.py: Trainer.post_quant (`if idx == "
              "int(self.cfg.get('quant_batch_num', 10)): break`), in develop and release-2.6."),
    check=check),)
