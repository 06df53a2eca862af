"""Turn a rule's planned fix (semantic changes) into exact whole-line text edits.

Where an edit goes is decided here, from provenance: the file that defines the effective value,
unless that file is a base shared with other configs (or lies outside the config's tree) - then
the override is added to the config named on the command line, and the fix title says so.

Most fixes give one key another scalar (`pretrain_weights: <the right URL>`). The full rewriter
(`primitives.set_value`) parses the text again into its own tree, which costs a cold
`qatfix check` about a tenth of its time in imports and parsing; so a scalar that the loader found
in a plain spot is replaced where the loader found it (`replace_scalar`), and everything else goes
through the rewriter, imported only then. The quick path takes only the plain case, for which it
writes exactly what the rewriter writes: a scalar on one line, plain or quoted, with no tag or
anchor, reached through block mappings by string keys that each appear once, none of them tagged
or anchored, in a text without `<<` merge keys. Like the rewriter's, its result must read back as
the old data with only that value changed.
"""
from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any, NamedTuple

from qatfix.config.loader import DISK, Document, Node, Texts, load_document
from qatfix.config.nodes import KeyPath
from qatfix.edit import values
from qatfix.edit.apply import read_source
from qatfix.edit.lexical import BOM as _BOM
from qatfix.edit.values import render, same_value
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


#: characters Python's splitlines() breaks at and YAML does not (line numbers would disagree)
_ODD_BREAKS = ("\x0b", "\x0c", "\x1c", "\x1d", "\x1e")


class _Written(NamedTuple):
    """The replaced scalar as `render` sees it (block context, untagged)."""

    style: str
    value: str
    tag: None = None
    flow: bool = False


def replace_scalar(text: str, document: Document, key_path: KeyPath, value: Any, *,
                   drop_comment: bool = False) -> str | None:
    """`text` with the scalar at `key_path` set to `value`, or None when this path does not apply.

    `document` is the loader's parse of `text` (BOM aside); it is not used if the texts differ.
    `drop_comment` removes a comment after the value on its line (it described the old value).
    """
    bom = _BOM if text.startswith(_BOM) else ""
    body = text[len(bom):]
    if (body != document.text or "<<" in body or any(c in body for c in _ODD_BREAKS)
            or not isinstance(value, (str, int, float, bool, type(None)))):
        return None
    node = _value_node(document.root, key_path)
    if node is None:
        return None
    if same_value(node.value, value):
        return text
    lines = body.splitlines(keepends=True)
    line = lines[node.line - 1]
    rendered = render(value, _Written(node.style or "", node.text))
    rest = line[node.end_column - 1:]
    if drop_comment and rest.lstrip(" \t").startswith("#"):
        rest = rest[len(rest.rstrip("\r\n")):]
    lines[node.line - 1] = line[:node.column - 1] + rendered + rest
    new_body = "".join(lines)
    expected = document.construct()
    values.set_in(expected, key_path, value)
    try:  # read back exactly as the rewriter's edits are
        values.check(new_body, key_path, expected)
    except EditError:
        return None
    return bom + new_body


def _value_node(root: Node, key_path: KeyPath) -> Node | None:
    """The scalar at `key_path` when every step is plain (see the module docstring), else None."""
    node = root
    if not key_path:
        return None
    for key in key_path:
        if (node.kind != "map" or node.style == "flow" or node.tag or node.anchor
                or not isinstance(key, str)):
            return None
        found = []
        for key_node, value_node in node.value:
            if key_node.kind != "scalar" or key_node.tag or key_node.anchor:
                return None
            if type(key_node.value) is str and key_node.value == key:
                found.append(value_node)
        if len(found) != 1:
            return None
        node = found[0]
    plain_or_quoted = node.style in (None, "'", '"')
    if (node.kind != "scalar" or node.tag or node.anchor or not plain_or_quoted
            or node.end_line != node.line or (node.style is None and node.text == "")):
        return None
    return node


def _set_in_place(path: str, text: str, change: SetKey, texts: Texts) -> str | None:
    """The text with the change made where the loader found the value, or None (the module
    docstring says when)."""

    try:
        document = load_document(path, texts)
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
        quick = _set_in_place(path, old, change, texts)
        if quick is not None:
            edited[path] = quick
            dropped = dropped_comment(old, quick) if change.stale_comment else ""
            return path, note, dropped_note(dropped) if dropped else ""
        from qatfix.edit.primitives import set_value  # the full rewriter, only when needed

        result = set_value(_text(path, edited, texts), change.key_path, change.value)
        shared = result.sharing_note()
        note += f" ({shared})" if shared else ""
    elif isinstance(change, SetBase):
        from qatfix.edit.primitives import set_base

        path = change.path
        result = set_base(_text(path, edited, texts), change.index, change.value)
    elif isinstance(change, RenameKey):
        path = change.path or target_file(ctx, change)[0]
        from qatfix.edit.primitives import rename_key

        result = rename_key(_text(path, edited, texts), change.key_path, change.new_name)
    elif isinstance(change, DeleteKey):
        path = change.path
        from qatfix.edit.primitives import delete_first, delete_key

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
    changes nothing (a fix whose only change is the slim config the run names has no edits)."""
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
    if not edits and not planned.slim_config:
        return None  # a fix that changes only the command line names its slim config
    # where an edit goes stays in the title; a comment it drops is a note (the detail shows it)
    note = "; ".join([*([planned.note] if planned.note else []), *dict.fromkeys(dropped)])
    return Fix(planned.title + "".join(dict.fromkeys(notes)), planned.safety, edits, planned.value,
               planned.slim_config, planned.reason, note, planned.command)
