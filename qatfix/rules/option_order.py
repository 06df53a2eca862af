"""QF404: `-o pretrain_weights=...` that the QAT/PTQ run never sees. QF405: an `-o` group that a
later `-o` replaced.

tools/train.py merges `-o` before the slim config and again after `build_slim_model`; but that
function loads the weights right after merging the slim config. A value the slim config also
sets therefore wins at load time, and the `-o` value only shows up in the final config.
"""
from __future__ import annotations

from typing import Iterator

from qatfix.config.options import OPTIONS_PATH
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
        headline=(f"-o {key} has no effect: {ctx.mode} loads the slim config's {key} before -o "
                  f"is merged again; set it in the slim config"),
        location=Location(option.path, option.line, 0) if option else ctx.location((key,)),
        related=(ctx.location((key,)),),
    )


def dropped_groups(ctx: CheckContext) -> Iterator[Issue]:
    """ppdet's ArgsParser declares `-o` with `nargs='*'` and argparse's default store action."""
    if ctx.role == "teacher":
        return
    kept = " ".join(ctx.resolved.options) or "(nothing)"
    for group in ctx.resolved.dropped_options:
        yield Issue(
            message=(f"-o {' '.join(group)} is dropped: ppdet keeps only the last -o group "
                     f"(-o {kept}); give every KEY=VALUE after one -o"),
            location=Location(OPTIONS_PATH, 0, 0),
            data=(("dropped", list(group)), ("kept", list(ctx.resolved.options))),
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
    example=(
        'qatfix -c configs/picodet/picodet_s_320_coco_lcnet.yml --slim_config '
        'configs/slim/quant/picodet_s_quant.yml -o '
        'pretrain_weights=output/mine/model_final'
    ),
    instead=(
        'pretrain_weights: output/mine/model_final  (in the slim config, e.g. '
        'with `qatfix set`)'
    ),
    evidence=(
        'tools/train.py: `merge_config(FLAGS.opt)`, then `build_slim_model` '
        '(ppdet/slim/__init__.py) merges the slim config and loads the '
        'weights, then `merge_config(FLAGS.opt)` again (the "FIXME: '
        'Temporarily solve the priority problem of FLAGS.opt" line).'
    ),
    check=check), Rule(
    code="QF405", name="option-group-dropped", severity="error",
    summary="An -o group that a later -o replaces: ppdet never sees its values.",
    explanation=(
        "ppdet's ArgsParser (ppdet/utils/cli.py) declares `-o` with `nargs='*'` and argparse's "
        "default store action, so every `-o` replaces the list the previous one gave: only the "
        "last group reaches the config, without a warning. qatfix reads the command the same "
        "way and names what is lost. Example: `-o pretrain_weights=mine.pdparams -o "
        "use_gpu=false` trains from the config's own weights, because only `use_gpu=false` "
        "is kept."),
    fix_safety="no automatic fix (it is the command line): put every KEY=VALUE after one -o.",
    example=(
        'qatfix -c configs/picodet/picodet_s_320_coco_lcnet.yml -o '
        'pretrain_weights=mine.pdparams -o use_gpu=false'
    ),
    instead=(
        'qatfix -c configs/picodet/picodet_s_320_coco_lcnet.yml -o '
        'pretrain_weights=mine.pdparams use_gpu=false'
    ),
    evidence=(
        'ppdet/utils/cli.py `ArgsParser.__init__`: `self.add_argument("-o", '
        '"--opt", nargs=\'*\')` with argparse\'s default store action, which '
        'replaces the list on every `-o`.'
    ),
    check=dropped_groups),)
