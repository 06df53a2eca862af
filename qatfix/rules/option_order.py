"""QF404: `-o pretrain_weights=...` that the QAT/PTQ run never sees.

tools/train.py merges `-o` before the slim config and again after `build_slim_model`; but that
function loads the weights right after merging the slim config. A value the slim config also
sets therefore wins at load time, and the `-o` value only shows up in the final config.
"""
from __future__ import annotations

from typing import Iterator

from qatfix.findings import Location
from qatfix.rules.base import Issue, Rule
from qatfix.rules.context import CheckContext


def check(ctx: CheckContext) -> Iterator[Issue]:
    if ctx.final is None:
        return
    key = ctx.weights_key
    loaded, final = ctx.get(key), ctx.final.get(key)
    if loaded == final:
        return
    option = ctx.final.origin((key,))
    where = ctx.origin((key,))
    yield Issue(
        message=(f"-o {key}={final} has no effect on the weights {ctx.mode} loads: ppdet's "
                 f"build_slim_model loads {loaded!r} right after merging the slim config"
                 f"{f' ({where})' if where else ''}, and merges -o again only afterwards; set "
                 f"{key} in the slim config instead"),
        location=Location(option.path, option.line, 0) if option else ctx.location((key,)),
        related=(ctx.location((key,)),),
    )


RULES = (Rule(
    code="QF404", name="option-ignored-at-load", severity="error",
    summary="An -o weights override that the QAT/PTQ/prune run does not use when it loads weights.",
    explanation=(
        "tools/train.py merges `-o` options into the config, then calls build_slim_model, which "
        "merges the slim config, builds the model and loads `pretrain_weights` (or `weights` for "
        "PTQ) at once - and only then merges `-o` again. When the slim config sets the same key, "
        "`-o pretrain_weights=output/mine/model_final` is overruled at load time although the "
        "printed final config shows it. Example: QAT keeps starting from the slim config's "
        "weights whatever you pass with -o."),
    fix_safety="no automatic fix: move the value into the slim config (qatfix set can do it).",
    check=check),)
