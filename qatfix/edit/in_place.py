"""Replace one scalar where the config loader already found it, without a second parse.

Most fixes give one key another scalar (`pretrain_weights: <the right URL>`). The full rewriter
(`set_value`) parses the text again into its own tree, which costs a cold `qatfix check` about a
tenth of its time in imports and parsing. This path reuses the loader's positions and takes only
the plain case, for which it writes exactly what the rewriter writes: a scalar on one line, plain
or quoted, with no tag or anchor, reached through block mappings by string keys that each appear
once, none of them tagged or anchored, in a text without `<<` merge keys. Anything else answers
None and goes to the rewriter. Like the rewriter's, the result must read back as the old data
with only that value changed.
"""
from __future__ import annotations

from typing import Any, NamedTuple

from qatfix.config.loader import Document, Node
from qatfix.config.nodes import KeyPath
from qatfix.edit import verify
from qatfix.edit.scalar import render, same_value
from qatfix.errors import EditError
from qatfix.edit.lexical import BOM as _BOM

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
    verify.set_in(expected, key_path, value)
    try:  # read back exactly as the rewriter's edits are
        verify.check(new_body, key_path, expected)
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
