"""Input sizes a config evaluates and trains at, read from its readers as ppdet would use them.

Sizes are (height, width). Eval size comes from the EvalReader resize, else `eval_height`/
`eval_width`, else TestReader `inputs_def.image_shape`; train sizes from BatchRandomResize (the
multi-scale list), else RandomResize, else a plain TrainReader Resize.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Iterator, NamedTuple, Optional

from qatfix.config.nodes import KeyPath, Tagged

Size = tuple[int, int]

_RESIZE_OPS = ("Resize", "LetterBoxResize", "ResizeImage")


class SizeSource(NamedTuple):
    """One place in a config that states an input size (h, w)."""

    label: str
    key_path: KeyPath
    size: Size


def transforms(reader: Any, key: str) -> Iterator[tuple[int, str, Mapping[str, Any]]]:
    """(index, op name, op settings) of a reader's transform list, as resolved or as plain data;
    tolerates tagged or odd entries."""
    if not isinstance(reader, Mapping):
        return
    items = reader.get(key)
    if not isinstance(items, list):
        return
    for index, item in enumerate(items):
        if isinstance(item, Mapping):
            for name, settings in item.items():
                if name == "__tag__":
                    continue
                if isinstance(settings, Tagged):
                    settings = settings.value
                yield index, str(name), settings if isinstance(settings, Mapping) else {}


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def as_size(value: Any) -> Optional[Size]:
    """An int or [h, w] as (h, w); None for anything else (including -1 / dynamic sizes)."""
    if _is_number(value) and value > 0:
        return (int(value), int(value))
    if isinstance(value, (list, tuple)) and len(value) == 2 and all(_is_number(v) and v > 0 for v in value):
        return (int(value[0]), int(value[1]))
    return None


def eval_input_source(config: Mapping[str, Any]) -> Optional[SizeSource]:
    """Where the config says the size images are resized to for evaluation, and that size; None
    when it does not say. The one definition of a config's eval size (identity, QF201)."""
    reader = ("EvalReader", "sample_transforms")
    for index, name, settings in transforms(config.get("EvalReader"), "sample_transforms"):
        if name in _RESIZE_OPS:
            size = as_size(settings.get("target_size"))
            if size:
                return SizeSource(f"EvalReader {name} target_size",
                                  (*reader, index, name, "target_size"), size)
        if name == "TopDownEvalAffine":  # keypoint readers give [w, h]
            size = as_size(settings.get("trainsize"))
            if size:
                return SizeSource("EvalReader TopDownEvalAffine trainsize",
                                  (*reader, index, name, "trainsize"), (size[1], size[0]))
    size = as_size([config.get("eval_height"), config.get("eval_width")])
    if size:
        return SizeSource("eval_height/eval_width", ("eval_height",), size)
    test_reader = config.get("TestReader")
    if isinstance(test_reader, Mapping) and isinstance(test_reader.get("inputs_def"), Mapping):
        shape = test_reader["inputs_def"].get("image_shape")
        if isinstance(shape, list) and len(shape) >= 2:
            size = as_size(list(shape[-2:]))
            if size:
                return SizeSource("TestReader inputs_def.image_shape",
                                  ("TestReader", "inputs_def", "image_shape"), size)
    return None


def eval_input_size(config: Mapping[str, Any]) -> Optional[Size]:
    """The (h, w) images are resized to for evaluation, or None when the config does not say."""
    source = eval_input_source(config)
    return source.size if source else None


def size_list(value: Any) -> tuple[Size, ...]:
    """A multi-scale `target_size`: a list of ints or of [h, w] pairs (a scalar is one size)."""
    if not isinstance(value, list):
        size = as_size(value)
        return (size,) if size else ()
    return tuple(s for s in (as_size(v) for v in value) if s)


def train_sizes(config: Mapping[str, Any]) -> tuple[Size, ...]:
    """The training input sizes: the multi-scale list, or the single train resize."""
    reader = config.get("TrainReader")
    for _, name, settings in transforms(reader, "batch_transforms"):
        if name == "BatchRandomResize":
            return size_list(settings.get("target_size"))
    for _, name, settings in transforms(reader, "sample_transforms"):
        if name == "RandomResize":
            return size_list(settings.get("target_size"))
    for _, name, settings in transforms(reader, "sample_transforms"):
        if name in _RESIZE_OPS:
            size = as_size(settings.get("target_size"))
            return (size,) if size else ()
    return ()
