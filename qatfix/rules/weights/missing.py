"""QF103: the weights the run loads do not exist (or QAT would start from random weights)."""
from __future__ import annotations

import os
from typing import Iterator

from qatfix.findings import Location
from qatfix.registry.urls import PPDET_SUFFIXES, is_url, split_weights_suffix
from qatfix.rules.base import Issue, PlannedFix, Rule
from qatfix.rules.context import CheckContext
from qatfix.rules.example_text import QAT_SECTION
from qatfix.rules.weights.candidates import candidate_fixes, own_model_fixes


def local_problem(ctx: CheckContext, value: str) -> str | None:
    """Why ppdet's `load_pretrain_weight` would fail on a local path, or None."""
    stripped, ext = split_weights_suffix(value)
    if ext not in PPDET_SUFFIXES:
        return f"ppdet only accepts .pdparams weights files, not {ext!r}"
    target = ctx.run_path(stripped)
    if ctx.facts.is_file(target + ".pdparams"):
        return None
    if ctx.facts.is_dir(target):
        return (f"{value!r} is a folder; ppdet loads the file {stripped}.pdparams, which does "
                "not exist")
    if len(value) > 2 and value[1] == ":" and os.sep == "/":
        return f"{value!r} is a Windows path; it does not exist on this machine"
    return f"{stripped}.pdparams does not exist (relative to {ctx.run_root})"


def _candidate_fixes(ctx: CheckContext, key: str) -> tuple[PlannedFix, ...]:
    """QAT/PTQ without weights may take the official float model; anything else only the
    user's own trained model."""
    if ctx.is_quant and not ctx.get(key):
        return candidate_fixes(ctx)
    return own_model_fixes(ctx)


#: architectures ppdet's Trainer refuses to train (ppdet/engine/trainer.py: "DeepSORT has no need
#: of training on mot dataset", then sys.exit): their pretrain_weights are never loaded
NOT_TRAINED = ("DeepSORT",)


def check(ctx: CheckContext) -> Iterator[Issue]:
    key = ctx.weights_key
    if ctx.mode == "train" and ctx.role == "model" and key not in ctx.resolved.data:
        return
    if ctx.step == "train" and key == "pretrain_weights" and \
            ctx.get("architecture") in NOT_TRAINED:
        return
    value = ctx.get(key)
    if not value:
        if ctx.is_quant:
            yield Issue(message=(f"no {key}: {ctx.mode} would quantize a randomly initialised "
                                 "model; point it at the float model you trained"),
                        location=ctx.location((key,)) if key in ctx.resolved.data
                        else Location(ctx.slim_path or ctx.config_path, 1, 1),
                        fixes=_candidate_fixes(ctx, key))
        return
    if not isinstance(value, str):
        yield Issue(message=f"{key} must be a path or URL, not {value!r}",
                    location=ctx.location((key,)))
        return
    if is_url(value):
        yield from _check_url(ctx, key, value)
        return
    problem = local_problem(ctx, value)
    if problem:
        if value.strip().lower() in ("none", "null"):
            problem += f" ({value!r} is the string {value}; YAML's empty value is null or ~)"
        yield Issue(message=f"{key}: {problem}", location=ctx.location((key,)),
                    headline=f"{key} {value} does not exist" + (
                        f" ({value!r} is a string, not YAML's null)"
                        if value.strip().lower() in ("none", "null") else ""),
                    fixes=_candidate_fixes(ctx, key),
                    severity="error" if ctx.mode != "train" else "warning")


def _check_url(ctx: CheckContext, key: str, url: str) -> Iterator[Issue]:
    if ctx.registry.lookup(url) is not None:
        return
    status = ctx.facts.url_status(url, ctx.online)
    if status is not None and status.missing:
        yield Issue(message=f"{key}: {url} is not an official weight and {status.reason}",
                    location=ctx.location((key,)), fixes=_candidate_fixes(ctx, key))


RULES = (Rule(
    code="QF103", name="weights-missing", severity="error",
    situations=(("warning",
                "for a local file in float training (no slim config)"),),
    summary="The weights file to load does not exist, or a QAT/PTQ run has none.",
    explanation=(
        "ppdet strips `.pdparams` from the weights path, appends it again and loads that file "
        "relative to the folder tools/train.py runs from; a URL is downloaded first. A folder, a "
        "Windows path on Linux, or a typo fails only after the model and data are set up - and a "
        "QAT config with no `pretrain_weights` quantizes random weights without any error. With "
        "`--online` unknown URLs are checked with a HEAD request (results are cached)."),
    fix_safety="your own trained model (`output/<config>/model_final`) when it exists, unsafe: "
               "check it is the float model of this config. A QAT/PTQ run without weights is "
               "also offered, in the slim config, the official float model of exactly this "
               "network, input size, classes and dataset (safe when no model of your own exists).",
    example=(
        'qatfix -c configs/picodet/picodet_s_320_coco_lcnet.yml --slim_config '
        'configs/example/quant.yml\n'
        '# configs/example/quant.yml\n'
        'pretrain_weights: output/picodet_s_320_coco_lcnt/model_final\n'
        'slim: QAT\n' + QAT_SECTION
    ),
    instead=(
        'pretrain_weights: output/picodet_s_320_coco_lcnet/model_final  (a '
        'file that exists: model_final.pdparams in that folder)'
    ),
    evidence=(
        'ppdet/utils/checkpoint.py `load_pretrain_weight`: `_strip_postfix`, '
        'then ValueError "Model pretrain path `...` does not exists" unless '
        'the path, or the path plus `.pdparams`, exists; a URL is downloaded '
        'first (`get_weights_path`).'
    ),
    check=check, needs="online"),)
