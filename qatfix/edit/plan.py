"""Turn a rule's planned fix (semantic changes) into exact whole-line text edits.

Where an edit goes is decided here, from provenance: the file that defines the effective value,
unless that file is a base shared with other configs (or lies outside the config's tree) - then
the override is added to the config named on the command line, and the fix title says so.

Every change is made by the one rewriter (`primitives`) on the loader's positioned tree: a file
the loader already parsed is not parsed again (its cached `Document` is handed over while the text
is still the one it parsed), so setting one scalar costs a check no second parse.
"""
from __future__ import annotations

import os
from typing import TYPE_CHECKING

from qatfix.config.loader import DISK, Document, Texts, load_document
from qatfix.edit.apply import read_source
from qatfix.edit.primitives import delete_first, delete_key, rename_key, set_base, set_value
from qatfix.errors import EditError, QatfixError
from qatfix.findings import Fix, TextEdit
from qatfix.rules.base import AnyChange, CreateFile, DeleteKey, PlannedFix, RenameKey, SetBase, SetKey

if TYPE_CHECKING:
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


def current_text(path: str, *, new: bool = False, texts: Texts = DISK) -> str:
    """The file's text as it will be edited (BOM kept): the one `texts` holds for it (a fix
    being verified), else the file's. With `new`, a file that does not exist yet reads as empty
    (a fix creates it)."""
    standing_in = texts.get(path)
    if standing_in is not None:
        return standing_in
    if new and not os.path.lexists(path):
        return ""
    return read_source(path).text


def _text(path: str, edited: dict[str, str], texts: Texts) -> str:
    if path not in edited:
        edited[path] = current_text(path, texts=texts)
    return edited[path]


def _parsed(path: str, texts: Texts) -> Document | None:
    """The loader's parse of the file (cached; `texts` standing in), or None when it has none."""
    try:
        return load_document(path, texts)
    except QatfixError:
        return None


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


def apply_change(ctx: "CheckContext", change: AnyChange, edited: dict[str, str],
                 texts: Texts = DISK) -> tuple[str, str, str]:
    """Apply one change to the in-memory `edited` texts (files not there yet read as `texts`
    has them); returns (file, where the edit went for the title, a note on a comment it
    dropped)."""
    if isinstance(change, CreateFile):
        if os.path.lexists(change.path) and texts.get(change.path) is None:
            raise EditError("file exists; not overwritten", path=change.path)
        edited[change.path] = change.text
        return change.path, "", ""
    note = ""
    if isinstance(change, SetKey):
        path, note = target_file(ctx, change)
        old = _text(path, edited, texts)
        result = set_value(old, change.key_path, change.value, document=_parsed(path, texts),
                           drop_comment=change.stale_comment)
        shared = result.sharing_note()
        note += f" ({shared})" if shared else ""
        edited[path] = result.new_text
        dropped = dropped_comment(old, result.new_text) if change.stale_comment else ""
        return path, note, dropped_note(dropped) if dropped else ""
    elif isinstance(change, SetBase):
        path = change.path
        result = set_base(_text(path, edited, texts), change.index, change.value)
    elif isinstance(change, RenameKey):
        path = change.path or target_file(ctx, change)[0]
        result = rename_key(_text(path, edited, texts), change.key_path, change.new_name)
    elif isinstance(change, DeleteKey):
        path = change.path
        if change.occurrence == 0:
            result = delete_first(_text(path, edited, texts), change.key_path)
        else:
            result = delete_key(_text(path, edited, texts), change.key_path)
    else:
        raise EditError(f"unknown change {type(change).__name__}")
    edited[path] = result.new_text
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


def realise_fix(planned: "PlannedFix", ctx: "CheckContext", texts: Texts = DISK) -> Fix | None:
    """The exact edits of a planned fix to the files as `texts` has them, or None when it
    changes nothing (a fix whose only change is the slim config the run names, or a corrected
    command line, has no edits)."""
    edited: dict[str, str] = {}
    originals: dict[str, str] = {}
    notes: list[str] = []
    dropped: list[str] = []
    for change in planned.changes:
        path = change.path or (target_file(ctx, change)[0] if isinstance(change, SetKey) else "")
        if isinstance(change, CreateFile) and path not in originals:
            originals[path] = edited[path] = current_text(path, new=True, texts=texts)
        elif path and path not in originals:
            originals[path] = _text(path, edited, texts)
        path, note, comment = apply_change(ctx, change, edited, texts)
        if path not in originals:
            originals[path] = current_text(path, texts=texts)
        notes += [note] if note else []
        dropped += [comment] if comment else []
    edits = tuple(e for path in originals for e in edits_between(path, originals[path], edited[path]))
    if not edits and not planned.slim_config and (planned.changes or not planned.command):
        # a fix that changes only the command line names its slim config; one that edits no
        # file at all is a corrected command (a pasted command is not a file)
        return None
    # where an edit goes stays in the title; a comment it drops is a note (the detail shows it)
    note = "; ".join([*([planned.note] if planned.note else []), *dict.fromkeys(dropped)])
    return Fix(planned.title + "".join(dict.fromkeys(notes)), planned.safety, edits, planned.value,
               planned.slim_config, planned.reason, note, planned.command)
