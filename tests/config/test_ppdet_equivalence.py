"""Proof that `qatfix.config.resolve` builds the same effective config as ppdet's own loader.

Every config of both shared PaddleDetection trees (and slim pairs) is loaded twice: by paddledet's
`ppdet.core.workspace.load_config` (PyYAML's Loader, with custom tags kept as data instead of built
into objects) and by qatfix. Any difference names the file and the key.
"""
from __future__ import annotations

import math
import os
from pathlib import Path
from typing import Any, Iterator

import pytest

from qatfix.config import resolve, to_plain
from tests.conftest import model_configs, require, tree

yaml = require("yaml")


class _TaggedObject:
    """What ppdet would build for a custom tag: not a dict, so merges replace it."""

    def __init__(self, tag: str, value: Any) -> None:
        self.tag = tag
        self.value = value


def _tagged_constructor(loader: Any, suffix: str, node: Any) -> _TaggedObject:
    tag = "!" + suffix
    if isinstance(node, yaml.MappingNode):
        return _TaggedObject(tag, loader.construct_mapping(node, deep=True))
    if isinstance(node, yaml.SequenceNode):
        return _TaggedObject(tag, loader.construct_sequence(node, deep=True))
    return _TaggedObject(tag, loader.construct_scalar(node))


@pytest.fixture(scope="module")
def ppdet_loader() -> Iterator[Any]:
    """ppdet's workspace with tag constructors swapped for data-keeping ones (restored after)."""
    require("ppdet")
    from tests.deep.conftest import installed_runtime, ppdet_module

    runtime = installed_runtime()  # the installed paddledet, even after a test used a checkout's
    workspace = ppdet_module(runtime, "ppdet.core.workspace")
    for registers in ("ppdet.data", "ppdet.modeling", "ppdet.optimizer"):  # datasets, transforms
        ppdet_module(runtime, registers)
    SchemaDict = ppdet_module(runtime, "ppdet.core.config.schema").SchemaDict

    original = dict(workspace.global_config)
    registered = {k: v for k, v in workspace.global_config.items() if isinstance(v, SchemaDict)}
    saved_constructors = dict(yaml.Loader.yaml_constructors)
    saved_multi = dict(yaml.Loader.yaml_multi_constructors)
    for tag in [t for t in yaml.Loader.yaml_constructors if t and t.startswith("!")]:
        del yaml.Loader.yaml_constructors[tag]
    yaml.Loader.add_multi_constructor("!", _tagged_constructor)

    def load(config: str, slim: str | None, options: dict[str, Any] | None) -> dict[str, Any]:
        workspace.global_config.clear()
        for name, schema in registered.items():
            fresh = SchemaDict()
            fresh.__dict__.update(schema.__dict__)
            workspace.global_config[name] = fresh
        workspace.load_config(config)
        if options:
            workspace.merge_config(options)
        if slim:
            workspace.load_config(slim)
            if options:
                workspace.merge_config(options)
        return {k: v for k, v in workspace.global_config.items()
                if not (isinstance(v, SchemaDict) and not v and k in registered)}

    yield load
    workspace.global_config.clear()
    workspace.global_config.update(original)
    yaml.Loader.yaml_constructors.clear()
    yaml.Loader.yaml_constructors.update(saved_constructors)
    yaml.Loader.yaml_multi_constructors.clear()
    yaml.Loader.yaml_multi_constructors.update(saved_multi)


def _plain_ppdet(value: Any) -> Any:
    if isinstance(value, _TaggedObject):
        inner = _plain_ppdet(value.value)
        if isinstance(value.value, dict):
            return {"__tag__": value.tag, **inner}
        return {"__tag__": value.tag, "value": inner}
    if isinstance(value, dict):
        return {k: _plain_ppdet(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain_ppdet(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, float) and math.isnan(value):
        return "NaN"
    return value


def _first_difference(ours: Any, theirs: Any, path: str = "") -> str | None:
    if isinstance(ours, dict) and isinstance(theirs, dict):
        for key in list(ours) + [k for k in theirs if k not in ours]:
            if key not in theirs:
                return f"{path}.{key}: only qatfix has it ({ours[key]!r})"
            if key not in ours:
                return f"{path}.{key}: only ppdet has it ({theirs[key]!r})"
            found = _first_difference(ours[key], theirs[key], f"{path}.{key}")
            if found:
                return found
        if path and list(ours) != list(theirs):  # top-level order is ppdet's registration order
            return f"{path}: key order differs"
        return None
    if isinstance(ours, list) and isinstance(theirs, list) and len(ours) == len(theirs):
        for index, (a, b) in enumerate(zip(ours, theirs)):
            found = _first_difference(a, b, f"{path}[{index}]")
            if found:
                return found
        return None
    if ours != theirs or type(ours) is not type(theirs):
        return f"{path}: qatfix {ours!r} != ppdet {theirs!r}"
    return None


def _slim_pairs(root: Path) -> list[tuple[Path, Path]]:
    models = [root / "configs/picodet/picodet_s_320_coco_lcnet.yml",
              root / "configs/ppyoloe/ppyoloe_crn_l_300e_coco.yml",
              root / "configs/yolov3/yolov3_mobilenet_v1_270e_coco.yml"]
    models = [m for m in models if m.is_file()]
    slims = sorted((root / "configs/slim").rglob("*.yml"))
    return [(m, s) for s in slims for m in models]


def _check(load: Any, root: Path, config: Path, slim: Path | None,
           options: tuple[str, ...] = ()) -> str | None:
    """The first difference between qatfix and ppdet on one run, or None when they agree (or
    both refuse it)."""
    return _compare(load, root, config, slim, options)[0]


def _compare(load: Any, root: Path, config: Path, slim: Path | None,
             options: tuple[str, ...] = ()) -> tuple[str | None, bool]:
    """(the first difference or None, whether ppdet loaded the run at all)."""
    cwd = os.getcwd()
    os.chdir(root)
    try:
        rel = os.path.relpath(config, root)
        rel_slim = os.path.relpath(slim, root) if slim else None
        try:
            theirs_raw = load(rel, rel_slim, _ppdet_options(options))
        except Exception as exc:  # ppdet itself fails: qatfix must fail too
            try:
                resolve(rel, rel_slim, options)
            except Exception:
                return None, False
            return f"ppdet fails ({type(exc).__name__}: {exc}) but qatfix does not", False
        ours = to_plain(resolve(rel, rel_slim, options).data)
        theirs = _plain_ppdet(theirs_raw)
        found = _first_difference(ours, theirs)
        return (f"{rel} + {rel_slim}: {found}" if found else None), True
    finally:
        os.chdir(cwd)


def _ppdet_options(options: tuple[str, ...]) -> dict[str, Any] | None:
    if not options:
        return None
    from ppdet.utils.cli import ArgsParser

    return ArgsParser()._parse_opt(list(options))


@pytest.mark.corpus
@pytest.mark.paddle
@pytest.mark.parametrize("tree_name", ["release-2.6", "develop"])
def test_every_config_resolves_like_ppdet(ppdet_loader: Any, tree_name: str) -> None:
    root = tree(tree_name)
    configs = model_configs(root)
    assert len(configs) > 400
    failures = [f for c in configs if (f := _check(ppdet_loader, root, c, None))]
    assert not failures, f"{len(failures)} of {len(configs)} differ:\n" + "\n".join(failures[:20])


@pytest.mark.corpus
@pytest.mark.paddle
@pytest.mark.parametrize("tree_name", ["release-2.6", "develop"])
def test_slim_pairs_and_options_resolve_like_ppdet(ppdet_loader: Any, tree_name: str) -> None:
    root = tree(tree_name)
    pairs = _slim_pairs(root)
    assert len(pairs) > 50
    options = ("pretrain_weights=output/model_final", "TrainReader.batch_size=4",
               "LearningRate.base_lr=1e-4", "epoch=0x10", "use_gpu=off")
    failures = [f for c, s in pairs if (f := _check(ppdet_loader, root, c, s))]
    with_options = [_compare(ppdet_loader, root, c, s, options) for c, s in pairs]
    failures += [f for f, _ in with_options if f]
    assert not failures, f"{len(failures)} of {len(pairs)} differ:\n" + "\n".join(failures[:20])
    # the options were compared on real loads, not only on runs both sides refuse
    assert sum(loaded for _, loaded in with_options) > len(pairs) // 2
