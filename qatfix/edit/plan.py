"""Turn a rule's planned fix (semantic changes) into exact whole-line text edits.

Where an edit goes is decided here, from provenance: the file that defines the effective value,
unless that file is a base shared with other configs (or lies outside the config's tree) - then
the override is added to the config named on the command line, and the fix title says so.
A scalar that the loader found in a plain spot is replaced in place (`in_place`); everything else
goes through the full rewriter, imported only then.
"""
from __future__ import annotations

import os
from typing import TYPE_CHECKING

from qatfix.config.nodes import KeyPath
from qatfix.errors import EditError, QatfixError
from qatfix.findings import Fix, TextEdit
from qatfix.config.loader import load_document
from qatfix.config.loader import overlaid_text
from qatfix.config.yaml11 import format_string
from qatfix.edit.apply import read_source
from qatfix.edit.in_place import replace_scalar

from qatfix.rules.base import AnyChange, CreateFile, DeleteKey, PlannedFix, RenameKey, SetBase, SetKey

if TYPE_CHECKING:
    from qatfix.edit.change import Change as TextChange
    from qatfix.rules.context import CheckContext


def command_line_files(ctx: "CheckContext") -> tuple[str, ...]:
    return tuple(os.path.normpath(p) for p in (ctx.config_path, ctx.slim_path) if p)


def target_file(ctx: "CheckContext", change: "SetKey | RenameKey") -> tuple[str, str]:
    """(file to edit, note for the title) for a `set` change without an explicit file."""
    if change.path:
        return change.path, ""
    origin = ctx.origin(change.key_path)
    own = command_line_files(ctx)
    if origin is not None and origin.path.startswith("<"):
        raise EditError(f"{'.'.join(map(str, change.key_path))} comes from -o on the command line; "
                        "change it there")
    if origin is not None and os.path.normpath(origin.path) in own:
        return origin.path, ""
    weights_keys = ("pretrain_weights", "weights", "slim")
    override = ctx.slim_path if ctx.slim_path and change.key_path[0] in (
        *weights_keys, "QAT", "PTQ") else ctx.config_path
    if any(isinstance(k, int) for k in change.key_path):
        raise EditError("cannot override a single list entry from another file; "
                        "ppdet replaces whole lists")
    where = os.path.basename(origin.path) if origin else "a base file"
    return override, f" (as an override in {os.path.basename(override)}; {where} is shared)"


def overlaid_or_none(path: str) -> str | None:
    return overlaid_text(path)


def current_text(path: str, *, new: bool = False) -> str:
    """The file's text as it will be edited (BOM kept; an overlaid text while verifying).
    With `new`, a file that does not exist yet reads as empty (a fix creates it)."""

    overlaid = overlaid_or_none(path)
    if overlaid is not None:
        return overlaid
    if new and not os.path.lexists(path):
        return ""
    return read_source(path).text


def _text(path: str, texts: dict[str, str]) -> str:
    if path not in texts:
        texts[path] = current_text(path)
    return texts[path]


def _rename(text: str, key_path: KeyPath, new_name: str) -> "TextChange":
    """Rename the key at `key_path`, keeping its quoting."""
    from qatfix.edit.locate import locate
    from qatfix.edit.source import Source
    from qatfix.edit.splice import Splice

    source = Source.of(text)
    located = locate(source.tree, key_path)
    if not located.found or located.steps[-1].key_node is None:
        raise EditError(f"{'.'.join(map(str, key_path))} is not in the file")
    key = located.steps[-1].key_node
    old = source.body[key.start:key.end]
    quote = old[0] if old[:1] in ("'", '"') else ""

    new = format_string(new_name, quote) if quote else format_string(new_name)
    return source.change([Splice(key.start, key.end, new)])


def _delete_first(text: str, key_path: KeyPath) -> "TextChange":
    """Delete only the first definition of a key that is defined twice (block mappings)."""
    from qatfix.edit.delete import _block_deletion  # the one-entry deletion of delete_key
    from qatfix.edit.locate import find_pairs, locate
    from qatfix.edit.source import Source
    from qatfix.edit.tree import Mapping

    source = Source.of(text)
    located = locate(source.tree, key_path)
    mapping = located.steps[-1].container if located.found else None
    if not isinstance(mapping, Mapping) or mapping.flow:
        raise EditError("only duplicate keys of block mappings can be deleted one at a time")
    first_key = find_pairs(mapping, key_path[-1])[0][0]
    index = next(i for i, (k, _) in enumerate(mapping.pairs) if k is first_key)
    return source.change([_block_deletion(source, mapping, index)])


def _set_in_place(path: str, text: str, change: SetKey) -> str | None:
    """The text with the change made where the loader found the value, or None (see in_place)."""

    try:
        document = load_document(path)
    except QatfixError:
        return None
    return replace_scalar(text, document, change.key_path, change.value,
                          drop_comment=change.stale_comment)


#: how a fix's note says that a comment describing the old value goes with it
DROPPED_COMMENT = "drops the comment "


def dropped_comment(old: str, new: str) -> str:
    """The comment a one-line change removed from the end of its line ("" when none)."""
    for before, after in zip(old.splitlines(), new.splitlines()):
        if before != after:
            if " #" in before and "#" not in after:
                return before[before.index(" #") + 1:].strip()
            return ""
    return ""


def dropped_note(comment: str) -> str:
    return f"{DROPPED_COMMENT}`{comment}`, which described the old value"


def apply_change(ctx: "CheckContext", change: AnyChange, texts: dict[str, str]
                 ) -> tuple[str, str, str]:
    """Apply one change to the in-memory `texts`; returns (file, where the edit went for the
    title, a note on a comment it dropped)."""
    if isinstance(change, CreateFile):
        if os.path.lexists(change.path) and overlaid_or_none(change.path) is None:
            raise EditError("file exists; not overwritten", path=change.path)
        texts[change.path] = change.text
        return change.path, "", ""
    note = ""
    if isinstance(change, SetKey):
        path, note = target_file(ctx, change)
        old = _text(path, texts)
        quick = _set_in_place(path, old, change)
        if quick is not None:
            texts[path] = quick
            dropped = dropped_comment(old, quick) if change.stale_comment else ""
            return path, note, dropped_note(dropped) if dropped else ""
        from qatfix.edit.primitives import set_value

        result = set_value(_text(path, texts), change.key_path, change.value)
        shared = result.sharing_note()
        note += f" ({shared})" if shared else ""
    elif isinstance(change, SetBase):
        from qatfix.edit.base_list import set_base

        path = change.path
        result = set_base(_text(path, texts), change.index, change.value)
    elif isinstance(change, RenameKey):
        path = change.path or target_file(ctx, change)[0]
        result = _rename(_text(path, texts), change.key_path, change.new_name)
    elif isinstance(change, DeleteKey):
        path = change.path
        if change.occurrence == 0:
            result = _delete_first(_text(path, texts), change.key_path)
        else:
            from qatfix.edit.delete import delete_key

            result = delete_key(_text(path, texts), change.key_path)
    else:
        raise EditError(f"unknown change {type(change).__name__}")
    texts[path] = result.new_text
    return path, note, ""


def edits_between(path: str, old: str, new: str) -> tuple[TextEdit, ...]:
    """Whole-line edits that turn `old` into `new`.

    One changed region (lines before and after it equal, none shared inside it) is one edit with
    no diffing; anything else goes to difflib, which finds each region on its own.
    """
    old_lines = old.splitlines(keepends=True)
    new_lines = new.splitlines(keepends=True)
    shortest = min(len(old_lines), len(new_lines))
    head = 0
    while head < shortest and old_lines[head] == new_lines[head]:
        head += 1
    tail = 0
    while tail < shortest - head and old_lines[-1 - tail] == new_lines[-1 - tail]:
        tail += 1
    old_mid = old_lines[head:len(old_lines) - tail]
    new_mid = new_lines[head:len(new_lines) - tail]
    if not old_mid and not new_mid:
        return ()
    if set(old_mid).isdisjoint(new_mid):
        return (TextEdit(path, head + 1, head + len(old_mid), "".join(old_mid), "".join(new_mid)),)
    import difflib

    edits = []
    matcher = difflib.SequenceMatcher(a=old_lines, b=new_lines, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        edits.append(TextEdit(path, i1 + 1, i2, "".join(old_lines[i1:i2]),
                              "".join(new_lines[j1:j2])))
    return tuple(edits)


def realise_fix(planned: "PlannedFix", ctx: "CheckContext") -> Fix | None:
    """The exact edits of a planned fix, or None when it changes nothing (a fix whose only
    change is the slim config the run names has no edits)."""
    texts: dict[str, str] = {}
    originals: dict[str, str] = {}
    notes: list[str] = []
    dropped: list[str] = []
    for change in planned.changes:
        path = change.path or (target_file(ctx, change)[0] if isinstance(change, SetKey) else "")
        if isinstance(change, CreateFile) and path not in originals:
            originals[path] = texts[path] = current_text(path, new=True)
        elif path and path not in originals:
            originals[path] = _text(path, texts)
        path, note, comment = apply_change(ctx, change, texts)
        if path not in originals:
            originals[path] = current_text(path)
        notes += [note] if note else []
        dropped += [comment] if comment else []
    edits = tuple(e for path in originals for e in edits_between(path, originals[path], texts[path]))
    if not edits and not planned.slim_config:
        return None  # a fix that changes only the command line names its slim config
    # where an edit goes stays in the title; a comment it drops is a note (the detail shows it)
    note = "; ".join([*([planned.note] if planned.note else []), *dict.fromkeys(dropped)])
    return Fix(planned.title + "".join(dict.fromkeys(notes)), planned.safety, edits, planned.value,
               planned.slim_config, planned.reason, note, planned.command)
