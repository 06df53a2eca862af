"""QF203: an override that cannot reach the values it is meant to change.

YAML aliases are resolved inside one file, before ppdet merges files. When a base reader file says
`eval_height: &eval_height 320` and uses `*eval_height` in its transforms, a leaf config that sets
`eval_height: 416` changes the key but not the transforms, which already hold 320.
"""
from __future__ import annotations

import os
from typing import Any, Iterator

from qatfix.config import AnchorRef, Resolved
from qatfix.config.run_texts import load_document
from qatfix.config.nodes import KeyPath, walk
from qatfix.errors import QatfixError
from qatfix.findings import Location
from qatfix.rules.base import Change, Issue, PlannedFix, Rule
from qatfix.rules.context import CheckContext


def _anchor_key_path(resolved: Resolved, anchor: AnchorRef) -> KeyPath | None:
    document = resolved.documents.get(anchor.path)
    if document is None:
        return None
    for ref in document.anchors:
        if ref.name == anchor.name and ref.line == anchor.line:
            return ref.key_path
    return None


def _dotted(key_path: KeyPath) -> str:
    return ".".join(f"[{k}]" if isinstance(k, int) else str(k) for k in key_path).replace(".[", "[")


def _anchor_value(path: str, key_path: KeyPath) -> Any:
    """The value a file gives `key_path` on its own (no bases), or None."""
    try:
        value: Any = load_document(path).construct()
        for key in key_path:
            value = value[key]
        return value
    except (QatfixError, KeyError, IndexError, TypeError):
        return None


def _base_fix(ctx: CheckContext, leaf: str, base: str, key_path: KeyPath, wanted: Any
              ) -> PlannedFix | None:
    """Point the leaf's `_BASE_` entry for `base` at a sibling file whose anchor has `wanted`."""
    document = ctx.resolved.documents.get(leaf)
    folder = os.path.dirname(base)
    try:
        siblings = sorted(n for n in os.listdir(folder) if n.endswith((".yml", ".yaml")))
    except OSError:
        return None
    for name in siblings:
        candidate = os.path.join(folder, name)
        if candidate == base or _anchor_value(candidate, key_path) != wanted:
            continue
        for include in ctx.resolved.includes:
            if include.parent == leaf and include.base == base and document is not None:
                entries = _anchor_value(leaf, ("_BASE_",)) or []
                index = next((i for i, e in enumerate(entries)
                              if os.path.normpath(os.path.join(os.path.dirname(leaf), e)) == base),
                             None)
                if index is None:
                    continue
                old = entries[index]
                new = os.path.join(os.path.dirname(old), name) if os.path.dirname(old) else name
                return PlannedFix(
                    f"Point _BASE_ at {new} instead of {old} (its readers use {wanted})", "unsafe",
                    (Change.base(index, new, path=leaf),), value=new)
    return None


def check(ctx: CheckContext) -> Iterator[Issue]:
    dead: dict[tuple[str, KeyPath], list[tuple[KeyPath, Any, AnchorRef]]] = {}
    for key_path, value, origin in walk(ctx.resolved.data):
        if origin is None or origin.anchor is None:
            continue
        anchor_path = _anchor_key_path(ctx.resolved, origin.anchor)
        if anchor_path is None or anchor_path == key_path:
            continue
        override = ctx.origin(anchor_path)
        current = ctx.get(anchor_path)
        if override is None or override.path == origin.anchor.path or current == value:
            continue
        dead.setdefault((override.path, anchor_path), []).append((key_path, value, origin.anchor))
    for (leaf, anchor_path), uses in dead.items():
        current = ctx.get(anchor_path)
        anchor = uses[0][2]
        readers = [u for u in uses if u[0][0] != anchor_path[0]] or uses
        shown = ", ".join(_dotted(k) for k, _, _ in readers[:3])
        more = f" and {len(readers) - 3} more" if len(readers) > 3 else ""
        base_name = os.path.basename(anchor.path)
        fix = _base_fix(ctx, leaf, anchor.path, anchor_path, current)
        yield Issue(
            message=(f"{_dotted(anchor_path)}: {current!r} has no effect on {shown}{more}, which "
                     f"still use {readers[0][1]!r} from the anchor &{anchor.name} in {base_name}: "
                     "aliases are resolved inside their own file before ppdet merges"),
            location=ctx.location(anchor_path),
            related=(Location(anchor.path, anchor.line, anchor.column),
                     *(ctx.location(k) for k, _, _ in readers[:5])),
            fixes=(fix,) if fix else (),
        )


RULES = (Rule(
    code="QF203", name="override-without-effect", severity="warning",
    summary="A leaf overrides an anchored value whose aliases in a base file are already resolved.",
    explanation=(
        "YAML anchors and aliases resolve inside one file, before ppdet merges the `_BASE_` files. "
        "PicoDet's `_base_/picodet_320_reader.yml` defines `eval_height: &eval_height 320` and uses "
        "`*eval_height` in EvalReader and TestReader. A config that includes it and sets "
        "`eval_height: 416` changes that key only: the readers still resize to 320, and the "
        "weights, the evaluation and the export silently disagree."),
    fix_safety="unsafe: pointing `_BASE_` at the reader file of the right size also brings that "
               "file's other settings (training sizes, batch size); review the diff.",
    example=(
        'qatfix configs/example/picodet_416.yml\n'
        '# configs/example/picodet_416.yml\n'
        '_BASE_: [../picodet/picodet_s_320_coco_lcnet.yml]\n'
        'eval_height: 416\n'
        'eval_width: 416\n'
    ),
    instead=(
        '_BASE_: [../picodet/picodet_s_416_coco_lcnet.yml]  (the base whose '
        'readers are 416)'
    ),
    evidence=(
        'ppdet/core/workspace.py `_load_config_with_base` `yaml.load`s each '
        'file on its own (aliases resolve there) and only then `dict_merge`s '
        'the result into the including config.'
    ),
    check=check),)
