"""QF001: a slim config given on its own; ppdet needs the model config with it."""
from __future__ import annotations

import os
from typing import Iterator

from qatfix.config.kind import is_slim_only
from qatfix.findings import Location
from qatfix.rules.base import Issue, Rule
from qatfix.rules.context import CheckContext


def check(ctx: CheckContext) -> Iterator[Issue]:
    if ctx.slim_path or ctx.role != "model" or not is_slim_only(ctx.resolved.data):
        return
    models = ctx.registry.models_paired_with(ctx.config_path)
    pair = (f"; the model zoo pairs it with {', '.join(models)} (checked below when present)"
            if models else "")
    name = os.path.basename(ctx.config_path)
    yield Issue(
        message=(f"{name} is a slim config ({ctx.get('slim')}): ppdet needs the model config with "
                 f"it, as tools/train.py -c MODEL.yml --slim_config {name}{pair}"),
        headline=f"{name} is a {ctx.get('slim')} slim config: ppdet needs -c MODEL.yml with it",
        fact="" if models else ("a slim config that no README or .qatfix.toml pairs with a "
                                "model config: checked alone"),
        location=ctx.location(("slim",)) if ctx.origin(("slim",)) else Location(ctx.config_path, 1, 1),
    )


RULES = (Rule(
    code="QF001", name="slim-config-alone", severity="info",
    summary="A slim config was given without the model config it applies to.",
    explanation=(
        "A slim config (QAT, PTQ, pruning, distillation) only adds to a model config: ppdet runs "
        "`tools/train.py -c MODEL.yml --slim_config SLIM.yml`. Checked alone, qatfix can only "
        "look at the slim file itself; when the model-zoo READMEs document which model config "
        "it belongs to, qatfix checks that pair too."),
    fix_safety="no fix: name the model config with -c.",
    example=(
        'qatfix configs/slim/quant/picodet_s_quant.yml'
    ),
    instead=(
        'qatfix -c configs/picodet/picodet_s_320_coco_lcnet.yml --slim_config '
        'configs/slim/quant/picodet_s_quant.yml'
    ),
    evidence=(
        'tools/train.py needs `-c` (ppdet/utils/cli.py `ArgsParser`); '
        'ppdet/slim/__init__.py `build_slim_model` merges the slim config into '
        'the model config given with -c.'
    ),
    check=check),)
