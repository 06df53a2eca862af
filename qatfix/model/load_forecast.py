"""What ppdet's loader will do with some weights in a model, told from their signatures alone.

Both sides are state-dict signatures (key -> shape) recorded by building the official configs with
the real ppdet (`registry/signatures/`). ppdet's `match_state_dict` needs nothing but keys and
shapes, so its result, reimplemented in `qatfix.model.matching` (paddle-free), is exact here too.

A model tensor that does not load is one of two things:
- a *class layer*: it differs from the weight only in one dimension, by a multiple of the difference
  in class count (PicoDet's `head_cls` 112 vs 36 channels for 80 vs 4 classes, YOLOv3's 255 vs 27
  for 3 anchors); fine-tuning on another dataset trains exactly these from scratch;
- anything else: a tensor the weights do not have (CSPResNet's `alpha` when the weights were
  trained without it) or have in another shape; it starts at its initial value.
"""
from __future__ import annotations

from collections import Counter
from typing import Collection, Literal, Mapping, NamedTuple, Sequence

from qatfix.model.matching import MatchResult, ShapeMismatch, match_state_dict

Verdict = Literal["fits", "classes", "other"]

#: the largest per-class multiple a class layer has (Faster R-CNN's class-specific box deltas: 4)
_MAX_CLASS_MULTIPLE = 64


def is_class_layer(mismatch: ShapeMismatch, weights_classes: int | None,
                   model_classes: int | None) -> bool:
    """Whether a shape mismatch is explained by the class count alone."""
    if weights_classes is None or model_classes is None or weights_classes == model_classes:
        return False
    if len(mismatch.weight_shape) != len(mismatch.model_shape):
        return False
    differing = [(w, m) for w, m in zip(mismatch.weight_shape, mismatch.model_shape) if w != m]
    if len(differing) != 1:
        return False
    (in_weights, in_model), = differing
    step = weights_classes - model_classes
    multiple, rest = divmod(in_weights - in_model, step)
    return rest == 0 and 1 <= multiple <= _MAX_CLASS_MULTIPLE


def weights_classes(mismatches: Sequence[ShapeMismatch], model_classes: int | None) -> int | None:
    """The class count some weights were trained for, when their shape mismatches against a
    model of `model_classes` classes are all explained by one count (the head's class outputs);
    None otherwise (no mismatch, or one no class count explains)."""
    if model_classes is None or not mismatches:
        return None
    candidates = {w for m in mismatches for w, d in zip(m.weight_shape, m.model_shape)
                  if d == model_classes and w != d}
    for count in sorted(candidates):
        if all(is_class_layer(m, count, model_classes) for m in mismatches):
            return count
    return None


def _part(key: str) -> str:
    return key.split(".", 1)[0]


def _leaf(key: str) -> str:
    return key.rsplit(".", 1)[-1]


class LoadForecast(NamedTuple):
    """ppdet's loading of one weights signature into one model signature, summarised."""

    result: MatchResult
    #: model keys that miss only because of the class count
    class_layers: tuple[str, ...]
    #: model keys that miss for any other reason: they keep their initial values
    at_defaults: tuple[str, ...]
    weights_classes: int | None = None
    model_classes: int | None = None
    #: the model's signature (key -> shape, in its own state-dict order: the parts' order)
    model: Mapping[str, Sequence[int]] = {}

    @property
    def total(self) -> int:
        return self.result.model_count

    @property
    def loaded(self) -> int:
        return self.result.loaded_count

    @property
    def verdict(self) -> Verdict:
        """`fits`: every tensor loads; `classes`: all but the class layers; `other`: more."""
        if self.result.ambiguities or self.at_defaults:
            return "other"
        return "classes" if self.class_layers else "fits"

    @property
    def part_counts(self) -> dict[str, tuple[int, int]]:
        """Model part -> (tensors that load, tensors), in the model's order."""
        totals: Counter[str] = Counter(_part(k) for k in self.result.model_keys)
        loaded: Counter[str] = Counter(_part(m) for m, _ in self.result.loaded)
        order = dict.fromkeys((*(_part(key) for key in self.model), *totals))
        return {part: (loaded[part], totals[part]) for part in order if part in totals}

    def defaults_text(self) -> str:
        """Which tensors start at their initial values, grouped so that a user can read it:
        `backbone: 0 of 143 load` for a part that is lost, `backbone alpha (18)` for a few."""
        if not self.at_defaults:
            return ""
        counts = self.part_counts
        missing_by_part: dict[str, list[str]] = {part: [] for part in counts}
        for key in self.at_defaults:
            missing_by_part[_part(key)].append(key)
        pieces = []
        for part, keys in missing_by_part.items():
            if not keys:
                continue
            loaded, total = counts[part]
            if loaded * 2 < total:
                pieces.append(f"{part}: {loaded} of {total} load")
            else:
                pieces.append(describe_keys(keys))
        return "; ".join(pieces)

    def summary(self) -> str:
        """`747 of 771 tensors load; 18 start at their initial values (backbone alpha (18));
        6 class layers train for your 80 classes`."""
        text = f"{self.loaded} of {self.total} state-dict tensors load"
        if self.result.ambiguities:
            return f"{text}, but ppdet stops with: {self.result.error}"
        parts = [text]
        if self.at_defaults:
            parts.append(f"{len(self.at_defaults)} start at their initial values "
                         f"({self.defaults_text()})")
        if self.class_layers:
            parts.append(f"{len(self.class_layers)} class layers train from scratch for "
                         f"{classes_text(self.model_classes)}")
        return "; ".join(parts)


def classes_text(count: object) -> str:
    """`1 class`, `80 classes`: a class count as a phrase."""
    return f"{count} class" if count == 1 else f"{count} classes"


def describe_keys(keys: Sequence[str], limit: int = 3) -> str:
    """`backbone alpha (18); neck weight (4), bias (2)`: tensor names grouped by part and leaf."""
    by_part: dict[str, Counter[str]] = {}
    for key in keys:
        by_part.setdefault(_part(key), Counter())[_leaf(key)] += 1
    pieces = []
    for part, leaves in by_part.items():
        names = ", ".join(f"{name} ({n})" if n > 1 else name for name, n in leaves.most_common(limit))
        more = f", +{len(leaves) - limit} more kinds" if len(leaves) > limit else ""
        pieces.append(f"{part} {names}{more}")
    return "; ".join(pieces)


def forecast(model: Mapping[str, Sequence[int]], weights: Mapping[str, Sequence[int]], *,
             model_classes: int | None, weights_classes: int | None,
             class_keys: Collection[str] | None = None,
             at_weights_classes: Mapping[str, Sequence[int]] | None = None) -> LoadForecast:
    """What loading `weights` into `model` does, as ppdet's `match_state_dict` decides it.

    `class_keys`: the model's tensors whose shape or presence follows the class count, as the
    ppdet builds show (`registry.class_facts`), and `at_weights_classes` the model's signature at
    the weights' class count: a tensor that does not load is a class layer when it is one of
    them and would load at the weights' count. Without them a mismatch counts as a class layer
    when the class counts explain it (`is_class_layer`)."""
    result = match_state_dict(model, weights)
    mismatched = {m.model_key: m for m in result.shape_mismatches}
    if class_keys is not None:
        missing_keys = set(mismatched) | set(result.not_matched)

        def class_layer(key: str) -> bool:
            if key not in missing_keys or key not in class_keys:
                return False
            if at_weights_classes is None:
                return True
            if key in mismatched:
                return tuple(at_weights_classes.get(key, ())) == mismatched[key].weight_shape
            return key not in at_weights_classes

        class_layers = tuple(key for key in result.model_keys if class_layer(key))
        rest = missing_keys - set(class_layers)
        at_defaults = tuple(key for key in result.model_keys if key in rest)
        return LoadForecast(result, class_layers, at_defaults, weights_classes, model_classes,
                            model)
    class_layers = tuple(key for key, m in mismatched.items()
                         if is_class_layer(m, weights_classes, model_classes))
    missing = (set(mismatched) - set(class_layers)) | set(result.not_matched)
    at_defaults = tuple(key for key in result.model_keys if key in missing)
    return LoadForecast(result, class_layers, at_defaults, weights_classes, model_classes, model)
