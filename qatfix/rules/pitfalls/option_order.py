"""QF404: `-o pretrain_weights=...` that the QAT/PTQ run never sees. QF405: an `-o` group that a
later `-o` replaced. QF407: an `-o` path through a list (`sample_transforms.1.Resize...`), which
ppdet turns into a mapping that replaces the list.

tools/train.py merges `-o` before the slim config and again after `build_slim_model`; but that
function loads the weights right after merging the slim config. A value the slim config also
sets therefore wins at load time, and the `-o` value only shows up in the final config.
"""
from __future__ import annotations

from typing import Any, Iterator, Optional

from qatfix.config.nodes import Origin, Tagged
from qatfix.config.options import OPTIONS_PATH
from qatfix.config.resolve import to_plain
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


def _file_value(ctx: CheckContext, origin: Origin, key_path: tuple[str, ...]) -> Any:
    """The value `key_path` has in the file `origin` names, as that file itself defines it."""
    document = ctx.resolved.documents.get(origin.path)
    if document is None:
        return None
    value: Any = document.construct()
    for key in key_path:
        value = value.value if isinstance(value, Tagged) else value
        if not isinstance(value, dict) or key not in value:
            return None
        value = value[key]
    return value


def _replaced(origin: Optional[Origin]) -> Optional[Origin]:
    """The file definition an `-o` value replaced (the latest one from a file)."""
    if origin is None or origin.path != OPTIONS_PATH:
        return None
    return next((o for o in origin.overrode if o.path != OPTIONS_PATH), None)


def _item_name(item: Any) -> str:
    """`Decode` for a transform `{Decode: {}}`, `!CosineDecay` for a tagged scheduler."""
    if isinstance(item, Tagged):
        return str(item.tag)
    item = to_plain(item)
    if isinstance(item, dict) and len(item) == 1:
        return str(next(iter(item)))
    return repr(item)


def list_indexes(ctx: CheckContext) -> Iterator[Issue]:
    """ppdet's `_parse_opt` nests every dotted part as a mapping key, and `dict_merge` replaces
    anything that is not a mapping on both sides: a list is replaced whole."""
    if ctx.role == "teacher":
        return
    final = ctx.final or ctx.resolved
    for index, option in enumerate(ctx.resolved.options, start=1):
        key = option.strip().split("=", 1)[0]
        parts = tuple(key.split("."))
        for depth in range(1, len(parts) - 1):
            prefix = parts[:depth + 1]
            previous = _replaced(final.origin(prefix))
            if previous is None:
                continue
            replaced = _file_value(ctx, previous, prefix)
            if not isinstance(replaced, list):
                continue
            dotted = ".".join(prefix)
            built = to_plain(final.get(prefix))
            names = [_item_name(item) for item in replaced]
            message = (f"-o {option.strip()}: ppdet's -o does not index lists: it builds "
                       f"{dotted} = {built!r}, a mapping that replaces the list of "
                       f"{len(replaced)} defined at {previous.path}:{previous.line} "
                       f"({', '.join(names)}): all of them are gone")
            if prefix[-1].endswith("transforms"):
                message += (" and building the reader stops (ppdet's Compose iterates the "
                            "mapping's keys: AttributeError: 'str' object has no attribute "
                            "'items')")
            message += (f"; give the whole list (-o '{dotted}=[...]') or edit {previous.path} "
                        f"(`qatfix set` edits one entry of a list the file holds)")
            yield Issue(message=message, location=Location(OPTIONS_PATH, index, 0),
                        related=(Location(previous.path, previous.line, previous.column),),
                        data=(("option", option.strip()), ("replaced", dotted),
                              ("built", built)))
            break


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
    check=dropped_groups), Rule(
    code="QF407", name="option-indexes-a-list", severity="error",
    summary="An -o path through a list: ppdet replaces the whole list by a mapping.",
    explanation=(
        "ppdet's ArgsParser._parse_opt (ppdet/utils/cli.py) splits an -o key at its dots and "
        "nests every part as a mapping key, numbers included, and merge_config's dict_merge "
        "replaces any value that is not a mapping on both sides. `-o "
        "EvalReader.sample_transforms.1.Resize.target_size=[640,640]` therefore makes "
        "`sample_transforms` the mapping `{'1': {'Resize': {'target_size': [640, 640]}}}` in "
        "place of the list: Decode, Resize, NormalizeImage and Permute are gone, and building "
        "the reader stops with AttributeError (Compose iterates the mapping's keys). "
        "`tools/train.py --eval` builds the EvalReader only at the end of the first snapshot "
        "epoch (ppdet/engine/trainer.py), so training stops after those epochs; "
        "tools/eval.py stops at once."),
    fix_safety="no automatic fix (it is the command line): give the whole list with -o, or "
               "edit the list in the file that defines it (`qatfix set` does it).",
    example=(
        'qatfix -c configs/picodet/picodet_s_320_coco_lcnet.yml -o '
        'EvalReader.sample_transforms.1.Resize.target_size=[640,640]'
    ),
    instead=(
        "qatfix set configs/picodet/_base_/picodet_320_reader.yml "
        "EvalReader.sample_transforms.1.Resize.target_size '[640, 640]'"
    ),
    evidence=(
        "ppdet/utils/cli.py `ArgsParser._parse_opt` (`cur[key] = {}` for every dotted part); "
        "ppdet/core/workspace.py `dict_merge` (`dct[k] = merge_dct[k]` unless both are "
        "mappings); ppdet/data/reader.py `Compose.__init__` (`for t in self.transforms: for k, "
        "v in t.items()`); checked with develop's ppdet: the merged value and the "
        "AttributeError."
    ),
    check=list_indexes),)
