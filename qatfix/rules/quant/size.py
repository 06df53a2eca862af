"""QF501: QAT does not shrink the checkpoint; int8 comes from export and conversion."""
from __future__ import annotations

from typing import Iterator

from qatfix.model.checkpoint_size import (SIZE_FACT, ModelSize, SizeEstimate, count_estimate,
                                          signature_estimate, size_headline, size_message)
from qatfix.registry import candidates
from qatfix.registry.records import WeightEntry
from qatfix.registry.signatures import checkpoint_elements, signature_of_config
from qatfix.rules.base import Issue, Rule
from qatfix.rules.context import CheckContext


def _size_of(entry: WeightEntry) -> SizeEstimate | None:
    """The sizes of the state dict ppdet built for the entry's config (signature store), as
    `--deep` computes them; else from its element count or the registry's parameter count."""
    if entry.config:
        signature = signature_of_config(entry.config, entry.tree)
        if signature is not None:
            return signature_estimate(signature)
        elements = checkpoint_elements(entry.config, entry.tree)
        if elements:
            return count_estimate(ModelSize(elements, "state_dict"))
    return count_estimate(ModelSize(int(entry.num_params), "parameters")) \
        if entry.num_params else None


def model_size(ctx: CheckContext) -> SizeEstimate | None:
    """The model's size: its own config's entry, else the loaded weights or the first official
    weights of the same network."""
    for own in ctx.registry.get_config_path(ctx.config_path):
        if own.kind == "detector" and (size := _size_of(own)):
            return size
    loaded = ctx.weights_entry
    if loaded is not None and loaded.model is not None and \
            loaded.network_key == ctx.identity.network_key and (size := _size_of(loaded)):
        return size
    for candidate in candidates(ctx.identity, ctx.registry, limit=5, explain=False):
        if candidate.same_network and (size := _size_of(candidate.entry)):
            return size
    return None


def check(ctx: CheckContext) -> Iterator[Issue]:
    """Only where a QAT checkpoint is written: training with a QAT slim config."""
    if ctx.mode not in ("QAT", "PrunerQAT") or ctx.step != "train":
        return
    size = model_size(ctx)
    yield Issue(
        message=size_message(size),
        headline=size_headline(size),
        fact=SIZE_FACT,
        location=ctx.location(("slim",)),
        data=(("float32_bytes", size.float32_bytes), ("int8_bytes", size.int8_bytes))
        if size else (),
    )


RULES = (Rule(
    code="QF501", name="qat-checkpoint-size", severity="info",
    summary="The QAT checkpoint will be as large as the float one (training runs only).",
    explanation=(
        "Quantization-aware training inserts fake-quantize operations and keeps training float32 "
        "weights, so `model_final.pdparams` of a QAT run has the float model's size (plus "
        "quantizer scales). The int8 model is produced by exporting (`tools/export_model.py` "
        "with the slim config) and converting the inference model, e.g. with Paddle Lite's `opt` "
        "or PaddleSlim's auto-compression. Sizes count the values of the model's state dict (every "
        "tensor the checkpoint holds, batch-norm statistics included) as ppdet built the "
        "official config (registry/signatures); without that, the registry's count of "
        "`model.parameters()`, which holds each shared tensor once, and says so."),
    fix_safety="no fix: this is information about what to expect.",
    example=(
        'qatfix -c configs/picodet/picodet_s_320_coco_lcnet.yml --slim_config '
        'configs/slim/quant/picodet_s_quant.yml'
    ),
    instead=(
        'tools/export_model.py -c MODEL.yml --slim_config SLIM.yml -o '
        "weights=output/.../model_final, then Paddle Lite's opt (or PaddleSlim "
        'ACT) for an int8 file'
    ),
    evidence=(
        "ppdet/slim/quant.py `QAT` wraps the model with PaddleSlim's "
        'fake-quant layers, which keep float32 parameters, and '
        'ppdet/utils/checkpoint.py `save_model` saves that state dict; '
        'measured: `--deep` counts the exact state dict (1,249,528 values for '
        'the seed pair).'
    ),
    check=check),)
