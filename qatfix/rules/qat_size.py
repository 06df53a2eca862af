"""QF501: QAT does not shrink the checkpoint; int8 comes from export and conversion."""
from __future__ import annotations

from typing import Iterator

from qatfix.registry import candidates
from qatfix.rules.base import Issue, Rule
from qatfix.rules.context import CheckContext


def parameter_count(ctx: CheckContext) -> int | None:
    """The model's parameter count from the registry: its own config's entry, else the loaded
    weights or the first official weights of the same network."""
    from qatfix.registry import config_key

    for entry in ctx.registry.get_config(config_key(ctx.config_path)):
        if entry.num_params and entry.kind == "detector":
            return int(entry.num_params)
    entry = ctx.weights_entry
    if entry is not None and entry.num_params and entry.model is not None and \
            entry.network_key == ctx.identity.network_key:
        return int(entry.num_params)
    for candidate in candidates(ctx.identity, ctx.registry, limit=5, explain=False):
        if candidate.same_network and candidate.entry.num_params:
            return int(candidate.entry.num_params)
    return None


def megabytes(count: int, bytes_per_param: int) -> str:
    return f"{count * bytes_per_param / 1e6:.1f} MB"


def size_message(sizes: str = "") -> str:
    """The QF501 message; `sizes` is a parenthesised note on the expected sizes, or empty."""
    return ("QAT checkpoints stay float32: fake-quant training keeps float weights, so the "
            f"saved model will not be smaller{sizes}. int8 storage comes from "
            "tools/export_model.py followed by Paddle Lite's opt or PaddleSlim auto-compression")


def check(ctx: CheckContext) -> Iterator[Issue]:
    if ctx.mode not in ("QAT", "PrunerQAT"):
        return
    count = parameter_count(ctx)
    sizes = (f" ({count:,} parameters: about {megabytes(count, 4)} as float32 in model_final."
             f"pdparams, about {megabytes(count, 1)} once stored as int8)") if count else ""
    yield Issue(
        message=size_message(sizes),
        location=ctx.location(("slim",)),
        data=(("num_params", count),) if count else (),
    )


RULES = (Rule(
    code="QF501", name="qat-checkpoint-size", severity="info",
    summary="The QAT checkpoint will be as large as the float one.",
    explanation=(
        "Quantization-aware training inserts fake-quantize operations and keeps training float32 "
        "weights, so `model_final.pdparams` of a QAT run has the float model's size (plus "
        "quantizer scales). The int8 model is produced by exporting (`tools/export_model.py` "
        "with the slim config) and converting the inference model, e.g. with Paddle Lite's `opt` "
        "or PaddleSlim's auto-compression. Sizes come from the registry's parameter counts."),
    fix_safety="no fix: this is information about what to expect.",
    check=check),)
