"""ppdet's `match_state_dict`, reimplemented on key -> shape mappings.

ppdet (ppdet/utils/checkpoint.py) pairs every model key with the longest weight key that equals it
or is a dotted suffix of it (a weight key starting with `backbone.res5` is compared without its
`backbone.` prefix but still scores its full length), skips pairs whose shapes differ with an INFO
line, and raises `ValueError` when one weight would load into two model parameters. Ties go to the
weight key that sorts first, as numpy's `argmax` over the sorted keys does.

Nothing here needs paddle: shapes are plain tuples, so the result can be computed, tested and
reported without the [paddle] extra. `ppdet_lines` reproduces the text ppdet logs.
"""
from __future__ import annotations

from typing import Iterable, Literal, Mapping, NamedTuple, Sequence

from qatfix.errors import DeepCheckError
from qatfix.model.signature import Shape

#: how the weight shape appears in ppdet's log line: paddle>=3 tensors print `paddle.Size([..])`,
#: paddle 2 tensors print a list, numpy arrays a tuple
ShapeStyle = Literal["paddle", "list", "numpy"]
#: develop's `match_state_dict(..., mode=...)`
MatchMode = Literal["default", "student", "teacher"]

_RES5_PREFIX = "backbone.res5"
#: weight key prefixes of develop's teacher/student checkpoints (ppdet/utils/checkpoint.py)
_DISTILL_PREFIXES = ("modelStudent", "modelTeacher")
_BACKBONE_PREFIX_LEN = len("backbone.")


class ShapeMismatch(NamedTuple):
    """A model key whose best weight key has another shape: ppdet skips it and logs a line."""

    model_key: str
    weight_key: str
    model_shape: Shape
    weight_shape: Shape

    def __str__(self) -> str:
        return (f"{self.model_key}: weights {list(self.weight_shape)} "
                f"vs model {list(self.model_shape)}")


class Ambiguity(NamedTuple):
    """One weight key loading into two model keys: ppdet raises on the first of these."""

    weight_key: str
    model_key: str
    first_model_key: str

    @property
    def message(self) -> str:
        """ppdet's ValueError text, word for word."""
        return (f"Ambiguity weight {self.weight_key} loaded, it matches at least "
                f"{self.model_key} and {self.first_model_key} in the model")


class MatchResult(NamedTuple):
    """What ppdet's loader does with one model and one weights file."""

    #: model keys, sorted as ppdet sorts them
    model_keys: tuple[str, ...]
    #: weight keys, sorted as ppdet sorts them
    weight_keys: tuple[str, ...]
    #: (model key, weight key) pairs that load, in model key order
    loaded: tuple[tuple[str, str], ...]
    #: model keys no weight key matches (ppdet says nothing about these)
    not_matched: tuple[str, ...]
    #: model keys whose matching weight has another shape
    shape_mismatches: tuple[ShapeMismatch, ...]
    #: weight keys no model key picked (ppdet's "not used in the model" list)
    unused_weights: tuple[str, ...]
    #: weights claimed twice; ppdet raises on the first and loads nothing
    ambiguities: tuple[Ambiguity, ...]

    @property
    def model_count(self) -> int:
        return len(self.model_keys)

    @property
    def weight_count(self) -> int:
        return len(self.weight_keys)

    @property
    def loaded_count(self) -> int:
        return len(self.loaded)

    @property
    def from_scratch_count(self) -> int:
        return self.model_count - self.loaded_count

    @property
    def full_fit(self) -> bool:
        return self.loaded_count == self.model_count and not self.ambiguities

    @property
    def error(self) -> str | None:
        """The message ppdet raises with, or None when loading goes through."""
        return self.ambiguities[0].message if self.ambiguities else None

    def loaded_mapping(self) -> dict[str, str]:
        return dict(self.loaded)

    def ppdet_lines(self, shape_style: ShapeStyle = "paddle",
                    distill_weights: bool = False) -> list[str]:
        """The INFO lines ppdet logs while matching, in order, stopping where ppdet raises.

        `distill_weights`: the ppdet is one (develop's) that logs the model keys nothing matches,
        instead of the unused weights, when the first weight key starts with `modelStudent` or
        `modelTeacher` (a semi-supervised or distillation checkpoint)."""
        lines: list[str] = []
        if distill_weights and self.weight_keys \
                and self.weight_keys[0].startswith(_DISTILL_PREFIXES):
            if self.not_matched:
                lines.append(f"{list(self.not_matched)} in model is not matched with pretrained "
                             "weights, and its will be trained from scratch")
        elif self.unused_weights:
            lines.append(f"{list(self.unused_weights)} in pretrained weight is not used in the "
                         "model, and its will not be loaded")
        mismatches = {m.model_key: m for m in self.shape_mismatches}
        stop_at = self.ambiguities[0].model_key if self.ambiguities else None
        for model_key in self.model_keys:
            if model_key == stop_at:
                break
            mismatch = mismatches.get(model_key)
            if mismatch is not None:
                lines.append(
                    f"The shape {format_shape(mismatch.weight_shape, shape_style)} in pretrained "
                    f"weight {mismatch.weight_key} is unmatched with the shape "
                    f"{list(mismatch.model_shape)} in model {model_key}. And the weight "
                    f"{mismatch.weight_key} will not be loaded")
        return lines


def format_shape(shape: Shape, style: ShapeStyle) -> str:
    """A shape as `str.format` prints the `.shape` of the given kind of array."""
    if style == "paddle":
        return f"paddle.Size({list(shape)})"
    if style == "numpy":
        return str(tuple(shape))
    return str(list(shape))


def _suffixes(model_key: str) -> Iterable[str]:
    """The model key itself and every part after one of its dots."""
    yield model_key
    start = model_key.find(".")
    while start != -1:
        yield model_key[start + 1:]
        start = model_key.find(".", start + 1)


def _compared_as(weight_key: str) -> str:
    """ppdet compares `backbone.res5...` weights without `backbone.` (Faster R-CNN's res5 head)."""
    return weight_key[_BACKBONE_PREFIX_LEN:] if weight_key.startswith(_RES5_PREFIX) else weight_key


def best_weight_key(model_key: str, by_suffix: Mapping[str, Sequence[str]]) -> str | None:
    """The weight key ppdet picks for `model_key`: longest, then first in sort order."""
    best: str | None = None
    for suffix in _suffixes(model_key):
        for weight_key in by_suffix.get(suffix, ()):
            score = len(weight_key)
            if score == 0:
                continue
            if best is None or score > len(best) or (score == len(best) and weight_key < best):
                best = weight_key
    return best


def _shape(value: Sequence[int]) -> Shape:
    if type(value) is tuple:  # signatures hold int tuples already: no copy
        return value
    return tuple(int(d) for d in value)


def _longest_suffix(model_key: str, weights: Mapping[str, object]) -> str | None:
    """`best_weight_key` when every weight key is compared as itself (no `backbone.res5` key):
    the score is then the suffix's own length, so the first suffix found, longest first, wins."""
    if model_key and model_key in weights:
        return model_key
    start = model_key.find(".")
    while start != -1:
        suffix = model_key[start + 1:]
        if suffix in weights:
            return suffix or None
        start = model_key.find(".", start + 1)
    return None


def _two_way_pick(model_key: str, weight_keys: Sequence[str], skip: str) -> str | None:
    """develop's `student_match`/`teacher_match`: a weight key equal to the model key, a dotted
    suffix of it, or ending in it after a dot, none starting with `skip`; the longest, then the
    first in sort order; a score of 0 (the empty key) is no match."""
    best: str | None = None
    dotted = "." + model_key
    for weight_key in weight_keys:
        if weight_key.startswith(skip) or not weight_key:
            continue
        if model_key == weight_key or model_key.endswith("." + weight_key) \
                or weight_key.endswith(dotted):
            if best is None or len(weight_key) > len(best):
                best = weight_key
    return best


def match_state_dict(model: Mapping[str, Sequence[int]],
                     weights: Mapping[str, Sequence[int]],
                     mode: MatchMode = "default") -> MatchResult:
    """Match model key -> shape against weight key -> shape exactly as ppdet does.

    `mode` is develop's argument: "student" and "teacher" (ARSL's evaluation loads a
    teacher/student checkpoint into each model) also pair a model key with a longer weight key
    ending in it, and skip the other model's keys; release-2.6's ppdet knows only "default".
    Raises DeepCheckError when `weights` is empty: ppdet then fails inside numpy's argmax.
    """
    if not weights:
        raise DeepCheckError("the weights hold no parameters; ppdet's loader fails on them "
                             "(attempt to get argmax of an empty sequence)")
    model_keys = tuple(sorted(model))
    res5_weights = any(w.startswith(_RES5_PREFIX) for w in weights)
    if mode != "default":
        weight_keys = tuple(sorted(weights))
        skip = "modelStudent" if mode == "teacher" else "modelTeacher"
        return _result(model, weights, model_keys, weight_keys,
                       {m: _two_way_pick(m, weight_keys, skip) for m in model_keys})
    if model == weights and not res5_weights and "" not in weights:
        # the same network (a dict comparison in C): every key is its own longest suffix, so
        # everything loads as itself. Not so with a `backbone.res5...` weight, which scores its
        # full length for the shorter key it is compared as (model = weights = {`res5`,
        # `backbone.res5`}: both model keys pick `backbone.res5` and ppdet raises), nor with an
        # empty key, whose score of 0 counts as no match.
        return MatchResult(model_keys, model_keys, tuple(zip(model_keys, model_keys)), (), (), (),
                           ())
    weight_keys = tuple(sorted(weights))
    if res5_weights:
        by_suffix: dict[str, list[str]] = {}
        for weight_key in weight_keys:
            by_suffix.setdefault(_compared_as(weight_key), []).append(weight_key)
        picks = {model_key: best_weight_key(model_key, by_suffix) for model_key in model_keys}
    else:  # every weight key is compared as itself: a model key in the weights is its own pick
        picks = {model_key: model_key if model_key in weights and model_key
                 else _longest_suffix(model_key, weights) for model_key in model_keys}
    return _result(model, weights, model_keys, weight_keys, picks)


def _result(model: Mapping[str, Sequence[int]], weights: Mapping[str, Sequence[int]],
            model_keys: tuple[str, ...], weight_keys: tuple[str, ...],
            picks: Mapping[str, str | None]) -> MatchResult:
    """What ppdet loads, given the weight key each model key picked."""
    picked = set(picks.values())

    loaded: list[tuple[str, str]] = []
    not_matched: list[str] = []
    mismatches: list[ShapeMismatch] = []
    for model_key, pick in picks.items():
        if pick is None:
            not_matched.append(model_key)
            continue
        weight_key = pick
        model_shape, weight_shape = model[model_key], weights[weight_key]
        if model_shape != weight_shape:
            model_shape, weight_shape = _shape(model_shape), _shape(weight_shape)
            if model_shape != weight_shape:
                mismatches.append(ShapeMismatch(model_key, weight_key, model_shape, weight_shape))
                continue
        loaded.append((model_key, weight_key))

    return MatchResult(
        model_keys=model_keys,
        weight_keys=weight_keys,
        loaded=tuple(loaded),
        not_matched=tuple(not_matched),
        shape_mismatches=tuple(mismatches),
        unused_weights=tuple(w for w in weight_keys if w not in picked),
        ambiguities=_ambiguities(loaded),
    )


def _ambiguities(loaded: Sequence[tuple[str, str]]) -> tuple[Ambiguity, ...]:
    """Weights loaded into two model keys, in ppdet's order (rare: looked for only then)."""
    if len({weight_key for _, weight_key in loaded}) == len(loaded):
        return ()
    found: list[Ambiguity] = []
    claimed_by: dict[str, str] = {}
    for model_key, weight_key in loaded:
        if weight_key in claimed_by:
            found.append(Ambiguity(weight_key, model_key, claimed_by[weight_key]))
        else:
            claimed_by[weight_key] = model_key
    return tuple(found)
