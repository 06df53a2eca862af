"""The edits themselves: each splices new text into the original and leaves every other byte
alone; documents are never dumped.

A `Source` is the text about to be edited (BOM and newline style set aside, parsed once into the
loader's positioned tree, or the loader's cached parse reused); an edit computes character
`Splice`s against it, checks that the result reads back as the old data with only the intended
change (`values.check`), and returns a `Change` whose `new_text` is the edited text and whose
`text_edits(path)` are the whole-line `TextEdit`s of a `Fix`:

    change = set_value(text, ("TrainReader", "batch_size"), 8)
    change.new_text, change.text_edits("configs/x.yml"), change.sharing_note()

Replacing touches only the characters of the value: a scalar keeps its properties (`&anchor`,
`!tag`) and, when the new value allows it, its quoting; a collection given a value of the same
shape is edited entry by entry (`[0.485,0.456,0.406]` keeps its spacing when one number
changes); a flow collection of another shape is rewritten in place, a block one is refused.
New entries of block collections are whole new lines at their entries' indentation, right after
the line where the last (or previous) entry ends, so comment lines introducing the next entry
stay with it; flow collections get the entry after their last one, on its own line when the
collection spans lines, keeping a trailing comma. Deleting a key takes all its lines and its
inline comment but not the lines above it; a flow entry goes with one neighbouring comma.
Emptying a block mapping is refused (`key:` would read as null, not {}). Paths never go through
an alias: the text to change is at the anchor, and a change says which lines share it.
"""
from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any, Callable

from qatfix.config import Tagged, yaml11
from qatfix.config.loader import CORE_TAG as _CORE
from qatfix.config.resolve import BASE_KEY
from qatfix.config import lexical
from qatfix.config.loader import Document, parse_text
from qatfix.config.tree import AliasNode, MapNode, Node, ScalarNode, SeqNode, is_merge_key
from qatfix.edit import values
from qatfix.edit.apply import Splice, apply_splices, text_edits
from qatfix.edit.locate import Located, alias_paths, find_pairs, has_merge, key_value, locate
from qatfix.edit.values import Path, format_path, render, render_key, same_value
from qatfix.errors import EditError, QatfixError
from qatfix.findings import TextEdit


# --- the result of an edit -------------------------------------------------------------------

# Records below are plain classes with slots (treat them as immutable), not dataclasses: the default
# check imports this module to make its fix, and a class decorator costs that check more time
# than the records save.
class Change:
    """`splices` index into `text` (BOM included). No splices means nothing needed changing.

    `shared_with` lists the 1-based lines of aliases that read the edited value too (an anchored
    value, or a value inside an anchored collection): a fix title should say so.
    """

    __slots__ = ("text", "splices", "line", "anchors", "shared_with")

    def __init__(self, text: str, splices: tuple[Splice, ...], line: int = 0,
                 anchors: tuple[str, ...] = (), shared_with: tuple[int, ...] = ()) -> None:
        self.text = text
        self.splices = splices
        self.line = line
        self.anchors = anchors
        self.shared_with = shared_with

    @property
    def changed(self) -> bool:
        return bool(self.splices)

    @property
    def new_text(self) -> str:
        return apply_splices(self.text, self.splices)

    def text_edits(self, path: str) -> tuple[TextEdit, ...]:
        """Whole-line edits for `path`, ready for a `Fix`."""
        return text_edits(path, self.text, self.splices)

    def sharing_note(self) -> str:
        """E.g. "also changes *eval_size at lines 40, 52" (empty when nothing else sees it)."""
        if not self.shared_with:
            return ""
        names = ", ".join(f"*{a}" for a in self.anchors)
        lines = ", ".join(str(n) for n in self.shared_with)
        plural = "s" if len(self.shared_with) > 1 else ""
        return f"also changes {names} at line{plural} {lines}"


# --- the text being edited -------------------------------------------------------------------

DEFAULT_INDENT = 2


class Source:
    """A text about to be edited: BOM and newline style set aside, parsed once into the loader's
    positioned tree (`document`)."""

    __slots__ = ("text", "bom", "body", "newline", "document")

    def __init__(self, text: str, bom: str, body: str, newline: str, document: Document) -> None:
        self.text = text
        self.bom = bom
        self.body = body
        self.newline = newline
        self.document = document

    @classmethod
    def of(cls, text: str, document: Document | None = None) -> Source:
        """`text` about to be edited; `document`, the loader's parse of a file, is used instead
        of parsing again when it is the parse of this very text."""
        bom, body = lexical.split_bom(text)
        if document is None or document.text != body:
            try:
                document = parse_text(body, "<edit>")
            except QatfixError as exc:
                raise EditError(exc.message, line=exc.line, column=exc.column) from None
        return cls(text, bom, body, lexical.newline_of(body), document)

    def change(self, splices: Iterable[Splice], *, line: int = 0,
               located: Located | None = None) -> Change:
        """A `Change` for splices made against `body` (shifted past the BOM)."""
        shift = len(self.bom)
        kept = tuple(s.shifted(shift) for s in splices if s.text or s.start != s.end)
        anchors: tuple[str, ...] = ()
        shared: tuple[int, ...] = ()
        if located is not None and kept:
            aliases = located.shared_by()
            if aliases:
                anchors = tuple(dict.fromkeys(a.anchor for a in aliases))
                shared = tuple(sorted({a.line for a in aliases}))
        return Change(self.text, kept, line, anchors, shared)

    def data(self) -> Any:
        """Fresh data for the text, read as ppdet reads it (safe to mutate)."""
        try:
            return self.document.construct()
        except QatfixError as exc:
            raise EditError(f"cannot read the text as ppdet would: {exc.message}",
                            line=exc.line) from None

    def confirm(self, change: Change, path: tuple[Any, ...], mutate: Callable[[Any], None],
                data: Any = None) -> Change:
        """`change`, once its text reads back as this text's data with `mutate` applied."""
        expected = self.data() if data is None else data
        if expected is None:  # an empty document: the edit makes it a mapping
            expected = {}
        mutate(expected)
        values.check(change.new_text[len(self.bom):], path, expected,
                     whole="<<" not in self.body)
        return change

    @property
    def indent_unit(self) -> int:
        """How far this file indents a nested block mapping (2 when it never does)."""
        for parent, child in _nested_block_mappings(self.document.root):
            step = child.pairs[0][0].column - parent.pairs[0][0].column
            if step > 0:
                return step
        return DEFAULT_INDENT

    def ends_open(self, pos: int) -> bool:
        """True when `pos` is the end of a text whose last line has no line break."""
        return pos == len(self.body) and bool(self.body) and not self.body.endswith("\n")


def _nested_block_mappings(node: Node | None) -> Iterable[tuple[MapNode, MapNode]]:
    if isinstance(node, MapNode):
        for _, value in node.pairs:
            if isinstance(value, MapNode) and not node.flow and not value.flow and value.pairs:
                yield node, value
            yield from _nested_block_mappings(value)
    elif isinstance(node, SeqNode):
        for item in node.items:
            yield from _nested_block_mappings(item)


# --- where new entries go --------------------------------------------------------------------

def content_start(body: str, node: Node) -> int:
    """Where a node's own text begins, past `&anchor`/`!tag` properties."""
    if isinstance(node, AliasNode):
        return node.start
    flow = node.flow if isinstance(node, ScalarNode) else False
    return lexical.after_properties(body, node.start, flow=flow)


class Nested(dict[Any, Any]):
    """A mapping created on the way to a new key: written in block style in a block parent."""


def nest(keys: tuple[Any, ...], value: Any) -> Any:
    """`("a", "b"), v` -> Nested(a=Nested(b=v)): the mappings created on the way to a new key."""
    for key in reversed(keys):
        value = Nested({key: value})
    return value


def block_entry(key_text: str, value: Any, indent: int, unit: int, newline: str) -> str:
    """`key: value` lines at `indent`; created mappings open on their own lines below the key."""
    pad = " " * indent
    if isinstance(value, Nested):
        lines = [f"{pad}{key_text}:{newline}"]
        for key, sub in value.items():
            lines.append(block_entry(render_key(key), sub, indent + unit, unit, newline))
        return "".join(lines)
    return f"{pad}{key_text}: {render(value)}{newline}"


def after_line_of(source: Source, node: Node) -> int:
    """Offset of the line following the one where `node` (and everything in it) ends."""
    return lexical.next_line_start(source.body, max(node.end - 1, 0))


def new_lines_at(source: Source, at: int, lines: str) -> Splice:
    """Insert whole lines at a line start; at the end of a text without a final line break,
    the break goes before the new lines so the text still ends without one."""
    if source.ends_open(at):
        return Splice(at, at, source.newline + lines[: -len(source.newline)])
    return Splice(at, at, lines)


def fill_empty(source: Source, empty: ScalarNode, text: str) -> Splice:
    """Give a value to an empty `key:` (or `-`), with one space after the indicator."""
    at = empty.end
    if source.body.startswith((" ", "\t"), at):
        tail = " " if source.body.startswith("#", at + 1) else ""
        return Splice(at + 1, at + 1, text + tail)
    return Splice(at, at, " " + text)


def block_mapping_insert(source: Source, mapping: MapNode, key: Any, value: Any) -> Splice:
    last_key, last_value = mapping.pairs[-1]
    like = last_key if isinstance(last_key, ScalarNode) else None
    indent = mapping.pairs[0][0].column - 1
    text = block_entry(render_key(key, like), value, indent, source.indent_unit, source.newline)
    return new_lines_at(source, after_line_of(source, last_value), text)


def block_under_empty(source: Source, owner_column: int, empty: ScalarNode, key: Any,
                      value: Any) -> Splice:
    """Keys for a `key:` that has no value yet, on the lines below it."""
    indent = owner_column + source.indent_unit
    text = block_entry(render_key(key), value, indent, source.indent_unit, source.newline)
    return new_lines_at(source, lexical.next_line_start(source.body, empty.end), text)


def flow_append(source: Source, collection: MapNode | SeqNode, entry: str) -> list[Splice]:
    """Splices adding `entry` after the last entry of a flow collection."""
    body = source.body
    close = collection.end - 1
    if not collection.flow or body[close] not in "]}":
        raise EditError("not a flow collection", line=collection.line)
    if isinstance(collection, MapNode):
        if not collection.pairs:
            return [Splice(close, close, entry)]
        first, last_end = collection.pairs[-1][0].start, collection.pairs[-1][1].end
    else:
        if not collection.items:
            return [Splice(close, close, entry)]
        first, last_end = collection.items[-1].start, collection.items[-1].end
    nl = source.newline
    after = lexical.skip_blank(body, last_end)
    opening_line = lexical.line_start(body, content_start(body, collection))
    own_line = lexical.line_start(body, first) != opening_line
    indent = " " * lexical.indent_at(body, first)
    if body.startswith(",", after):  # a trailing comma stays trailing
        if not own_line or _same_line(body, after, close):
            return [Splice(after + 1, after + 1, f" {entry},")]
        at = lexical.next_line_start(body, after)
        return [Splice(at, at, f"{indent}{entry},{nl}")]
    if not own_line:
        return [Splice(last_end, last_end, f", {entry}")]
    if _same_line(body, last_end, close):
        return [Splice(last_end, last_end, f",{nl}{indent}{entry}")]
    at = lexical.next_line_start(body, last_end)
    return [Splice(last_end, last_end, ","), Splice(at, at, f"{indent}{entry}{nl}")]


def flow_insert_before(source: Source, item: Node, entry: str) -> Splice:
    """Splice putting `entry` in front of an existing flow entry (its own line if it has one)."""
    body = source.body
    if lexical.only_space_before(body, item.start):
        at = lexical.line_start(body, item.start)
        indent = " " * lexical.indent_at(body, item.start)
        return Splice(at, at, f"{indent}{entry},{source.newline}")
    return Splice(item.start, item.start, f"{entry}, ")


def block_dash(source: Source, item: Node) -> int:
    """Offset of the `-` that introduces a block sequence entry (it must open its line)."""
    body = source.body
    pos = item.start - 1
    while pos >= 0 and body[pos] in " \t":
        pos -= 1
    if pos < 0 or body[pos] != "-" or not lexical.only_space_before(body, pos):
        raise EditError("this list entry does not start its own line; cannot insert next to it",
                        line=item.line)
    return pos


def block_item_text(source: Source, dash: int, value: Any, like: Node | None) -> str:
    column = dash - lexical.line_start(source.body, dash)
    scalar = like if isinstance(like, ScalarNode) else None
    return f"{' ' * column}- {render(value, scalar)}{source.newline}"


def _same_line(body: str, a: int, b: int) -> bool:
    return body.count("\n", min(a, b), max(a, b)) == 0


# --- replace ---------------------------------------------------------------------------------

_CORE_TYPES: dict[str, tuple[type, ...]] = {
    "str": (str,), "int": (int,), "float": (float,), "bool": (bool,), "null": (type(None),),
    "map": (dict,), "seq": (list, tuple), "timestamp": (datetime.date,),
}


def replace_value(text: str, path: Path, value: Any) -> Change:
    """Give the existing key at `path` the value `value` (error if the key is not in the text)."""
    return replace_in(Source.of(text), path, value)


def replace_in(source: Source, path: Path, value: Any, *, drop_comment: bool = False,
               located: Located | None = None) -> Change:
    """`replace_value` on a parsed `source` (`located`: the path already located in it);
    `drop_comment` removes a comment after a one-line scalar on its line (it described the old
    value)."""
    if located is None:
        located = locate(source.document, path)
    if not located.found or located.node is None or not path:
        raise EditError(f"{format_path(path) or 'the document'} is not set in this file")
    data = source.data()
    current = values.get(data, path)
    node = located.node
    step = located.steps[-1]
    line = (step.key_node or node).line
    if same_value(current, value):
        return source.change((), line=line)
    splices = node_splices(source, node, current, value, path)
    if drop_comment:
        splices = _through_comment(source, node, splices)
    change = source.change(splices, line=line, located=located)
    readers = (path, *alias_paths(source.document, node)) if source.document.aliases else (path,)
    return source.confirm(change, path, lambda d: _set_all(d, readers, value), data)


def _through_comment(source: Source, node: Node, splices: list[Splice]) -> list[Splice]:
    """The splice replacing a one-line scalar written in block context, plain or quoted, with no
    tag or anchor, reaching to the end of its line when only a comment follows it there."""
    body = source.body
    if (not isinstance(node, ScalarNode) or node.style not in ("", "'", '"') or len(splices) != 1
            or node.flow or node.tag or node.anchor or node.is_empty
            or "\n" in body[node.start:node.end]):
        return splices
    splice = splices[0]
    end = lexical.line_end(body, splice.end)
    if not body[splice.end:end].lstrip(" \t").startswith("#"):
        return splices
    return [Splice(splice.start, end, splice.text)]


def _set_all(data: Any, paths: tuple[Path, ...], value: Any) -> None:
    """Set `value` at the edited path and at every alias of it that the data still has."""
    for index, path in enumerate(paths):
        if index == 0 or values.get(data, path) is not values.MISSING:
            values.set_in(data, path, value)


def node_splices(source: Source, node: Node, current: Any, value: Any,
                 path: Path) -> list[Splice]:
    """Splices turning `node` (currently reading as `current`) into `value`."""
    if same_value(current, value):
        return []
    if isinstance(node, AliasNode):
        raise EditError(f"{format_path(path)} is an alias (*{node.anchor}); edit the anchor",
                        line=node.line)
    if isinstance(current, Tagged) and isinstance(value, Tagged) and current.tag == value.tag:
        return _content_splices(source, node, current.value, value.value, path, keep_tag=True)
    return _content_splices(source, node, current, value, path,
                            keep_tag=_keeps_tag(node, value))


def _content_splices(source: Source, node: Node, current: Any, value: Any, path: Path, *,
                     keep_tag: bool) -> list[Splice]:
    if keep_tag and isinstance(node, MapNode) and isinstance(value, dict) \
            and isinstance(current, dict):
        splices = _same_shape_mapping(source, node, current, value, path)
        if splices is not None:
            return splices
    if keep_tag and isinstance(node, SeqNode) and isinstance(value, (list, tuple)) \
            and isinstance(current, list) and len(value) == len(current):
        return [s for item, old, new in zip(node.items, current, value)
                for s in node_splices(source, item, old, new, path)]
    if isinstance(node, (MapNode, SeqNode)) and not node.flow:
        kind = "mapping" if isinstance(node, MapNode) else "list"
        raise EditError(f"{format_path(path)} is a block {kind}; set its entries one by one "
                        f"(e.g. {format_path((*path, 0 if kind == 'list' else 'key'))})",
                        line=node.line)
    return [_whole_value(source, node, value, keep_tag=keep_tag)]


def _same_shape_mapping(source: Source, node: MapNode, current: dict[Any, Any],
                        value: dict[Any, Any], path: Path) -> list[Splice] | None:
    """Entry-by-entry splices when `value` has exactly the keys already written (else None)."""
    if any(is_merge_key(k) for k, _ in node.pairs) or len(current) != len(value):
        return None
    splices: list[Splice] = []
    for key, new in value.items():
        pairs = find_pairs(node, key)
        if not pairs or len(pairs) != 1:
            return None
        actual = key_value(pairs[0][0])
        if actual not in current:
            return None
        splices += node_splices(source, pairs[0][1], current[actual], new, (*path, key))
    return splices


def _keeps_tag(node: Node, value: Any) -> bool:
    """Whether the node's tag still fits the new (untagged or differently tagged) value."""
    tag = node.tag
    if tag is None:
        return not isinstance(value, Tagged)
    if tag == "!":
        return isinstance(value, str)
    if tag.startswith(_CORE):
        kinds = _CORE_TYPES.get(tag[len(_CORE):], ())
        return isinstance(value, kinds) and not (isinstance(value, bool) and tag.endswith(":int"))
    return False


def _whole_value(source: Source, node: Node, value: Any, *, keep_tag: bool) -> Splice:
    """Rewrite the node's content; its anchor always stays, its tag when `keep_tag`."""
    body = source.body
    like = node if isinstance(node, ScalarNode) and keep_tag else None
    if isinstance(node, AliasNode):  # pragma: no cover - refused by callers
        raise EditError("cannot edit through an alias")
    if keep_tag:
        start, prefix = content_start(body, node), ""
        if isinstance(node, ScalarNode) and node.tag and node.tag != "!" and not isinstance(value, str):
            like = None
    else:
        start, prefix = node.start, (f"&{node.anchor} " if node.anchor else "")
    text = prefix + render(value, like, flow=isinstance(node, ScalarNode) and node.flow)
    if isinstance(node, ScalarNode) and node.style == "" and node.text == "" and start >= node.end:
        return fill_empty(source, node, text)  # an empty value: `key:` -> `key: 8`
    end = node.end
    if isinstance(node, ScalarNode) and node.style in ("|", ">"):
        last = start + len(body[start:node.end].rstrip())
        end = lexical.line_end(body, max(last - 1, start))
    return Splice(start, end, text)


# --- insert ----------------------------------------------------------------------------------

def insert_key(text: str, path: Path, value: Any) -> Change:
    """Add the key `path[-1]` (and any missing mappings above it) with `value`."""
    return insert_key_in(Source.of(text), path, value)


def insert_key_in(source: Source, path: Path, value: Any) -> Change:
    located = locate(source.document, path)
    if located.found:
        raise EditError(f"{format_path(path)} is already set (line {_line_of(located)}); "
                        "replace it instead")
    missing = located.missing
    parent_path = path[: len(path) - len(missing)]
    parent = located.node
    if isinstance(parent, SeqNode):
        if isinstance(missing[0], int) and len(missing) == 1:
            return insert_item_in(source, parent_path, missing[0], value)
        raise EditError(f"{format_path((*parent_path, missing[0]))}: no such list entry")
    # new keys are strings, as ppdet's `-o a.1=x` makes them
    missing = tuple(str(k) if isinstance(k, int) else k for k in missing)
    path = (*parent_path, *missing)
    key, nested = missing[0], nest(missing[1:], value)
    if isinstance(parent, MapNode):
        if has_merge(parent) and len(missing) > 1:
            raise EditError(f"{format_path(parent_path) or 'the document'} merges keys with <<; "
                            f"set {format_path((*parent_path, key))} as a whole instead")
        splices = _into_mapping(source, parent, key, nested)
    elif parent is None or (isinstance(parent, ScalarNode) and parent.is_empty and not located.steps):
        entry = block_entry(render_key(key), nested, 0, source.indent_unit, source.newline)
        splices = [new_lines_at(source, len(source.body), entry)]
    elif isinstance(parent, ScalarNode) and parent.is_empty:
        splices = [_under_empty(source, located, parent, key, nested)]
    else:  # pragma: no cover - locate() refuses every other kind of parent
        raise EditError(f"cannot add keys under {format_path(parent_path)}")
    change = source.change(splices, line=_first_new_line(source, splices), located=located)
    return source.confirm(change, path, lambda data: values.set_in(data, path, value))


def insert_item(text: str, seq_path: Path, index: int, value: Any) -> Change:
    """Insert `value` into the list at `seq_path` so that it becomes entry `index`."""
    return insert_item_in(Source.of(text), seq_path, index, value)


def insert_item_in(source: Source, seq_path: Path, index: int, value: Any) -> Change:
    located = locate(source.document, seq_path)
    where = format_path(seq_path) or "the document"
    sequence = located.node
    if not located.found or not isinstance(sequence, SeqNode):
        raise EditError(f"{where} is not a list in this file")
    count = len(sequence.items)
    if not 0 <= index <= count:
        raise EditError(f"{where} has {count} entries; cannot insert at {index}")
    like = sequence.items[min(index, count - 1)] if count else None
    scalar_like = like if isinstance(like, ScalarNode) else None
    if sequence.flow:
        entry = render(value, scalar_like, flow=True)
        if index == count:
            splices = flow_append(source, sequence, entry)
        else:
            splices = [flow_insert_before(source, sequence.items[index], entry)]
    else:
        dash = block_dash(source, sequence.items[0])
        lines = block_item_text(source, dash, value, like)
        if index == 0:
            at = lexical.line_start(source.body, dash)
        else:
            at = after_line_of(source, sequence.items[index - 1])
        splices = [new_lines_at(source, at, lines)]
    change = source.change(splices, line=_first_new_line(source, splices), located=located)
    path = (*seq_path, index)
    return source.confirm(change, path, lambda data: values.insert_in(data, path, value))


def _into_mapping(source: Source, mapping: MapNode, key: Any, value: Any) -> list[Splice]:
    if mapping.flow:
        like = mapping.pairs[-1][0] if mapping.pairs else None
        key_like = like if isinstance(like, ScalarNode) else None
        entry = f"{render_key(key, key_like, flow=True)}: {render(value, flow=True)}"
        return flow_append(source, mapping, entry)
    return [block_mapping_insert(source, mapping, key, value)]


def _under_empty(source: Source, located: Located, empty: ScalarNode, key: Any, value: Any) -> Splice:
    """`key:` with no value gets the new mapping (in braces when written inside braces)."""
    if empty.flow:
        return fill_empty(source, empty, render({key: value}, flow=True))
    step = located.steps[-1]
    if step.key_node is not None:
        column = step.key_node.column - 1
    else:
        dash = block_dash(source, empty)
        column = dash - lexical.line_start(source.body, dash)
    return block_under_empty(source, column, empty, key, value)


def _line_of(located: Located) -> int:
    step = located.steps[-1]
    return (step.key_node or step.node).line


def _first_new_line(source: Source, splices: list[Splice]) -> int:
    """1-based line where the inserted entry shows up."""
    main = max(splices, key=lambda s: len(s.text))
    leading = main.text[: len(main.text) - len(main.text.lstrip(",\r\n"))]
    return source.body.count("\n", 0, main.start) + 1 + leading.count("\n")


# --- delete ----------------------------------------------------------------------------------

def delete_key(text: str, path: Path) -> Change:
    """Remove the key at `path`; nothing changes when it is not in the text."""
    source = Source.of(text)
    located = locate(source.document, path, alias_ok=True)
    if not located.found or not path:
        return source.change(())
    step = located.steps[-1]
    mapping = step.container
    if not isinstance(mapping, MapNode):
        raise EditError(f"{format_path(path)} is a list entry; only mapping keys are deleted")
    doomed = {id(k) for k, _ in find_pairs(mapping, path[-1])}
    if not mapping.flow and len(doomed) == len(mapping.pairs):
        parent = format_path(path[:-1]) or "the document"
        raise EditError(f"{format_path(path)} is the only key of {parent}; deleting it would "
                        f"leave {parent} null, not empty")
    _refuse_orphaned_aliases(source, [(k, v) for k, v in mapping.pairs if id(k) in doomed], path)
    if mapping.flow:
        splices = _flow_deletions(source, mapping, doomed)
    else:
        splices = [_block_deletion(source, mapping, i) for i, (k, _) in enumerate(mapping.pairs)
                   if id(k) in doomed]
    change = source.change(splices, line=(step.key_node or step.node).line, located=located)
    return source.confirm(change, path, lambda data: values.delete_in(data, path))


def _refuse_orphaned_aliases(source: Source, pairs: list[tuple[Node, Node]], path: Path) -> None:
    """An anchor may only go if no alias outside the deleted text still uses it."""
    for key, value in pairs:
        for alias in source.document.aliases:
            inside = key.start <= alias.target.start < value.end or alias.target is value
            if inside and not key.start <= alias.start < max(value.end, key.end):
                raise EditError(f"{format_path(path)} holds &{alias.anchor}, still used by the "
                                f"alias at line {alias.line}; nothing deleted",
                                line=alias.line)


def _block_deletion(source: Source, mapping: MapNode, index: int) -> Splice:
    body = source.body
    key, value = mapping.pairs[index]
    end = after_line_of(source, value)
    if lexical.only_space_before(body, key.start):
        start = lexical.line_start(body, key.start)
        if source.ends_open(end) and start > 0:  # keep "no line break at the end"
            start -= 2 if body[start - 2:start] == "\r\n" else 1
        return Splice(start, end, "")
    # `- key: v` opens a list entry: the next key moves up onto the dash line
    if index + 1 < len(mapping.pairs):
        next_key = mapping.pairs[index + 1][0]
        if lexical.line_start(body, next_key.start) == end:
            return Splice(key.start, next_key.start, "")
    raise EditError("this key shares its line with a list dash and is followed by comments; "
                    "delete it by hand", line=key.line)


def _flow_deletions(source: Source, mapping: MapNode, doomed: set[int]) -> list[Splice]:
    """Deletions for runs of consecutive doomed entries of a flow mapping."""
    pairs = mapping.pairs
    splices: list[Splice] = []
    i = 0
    while i < len(pairs):
        if id(pairs[i][0]) not in doomed:
            i += 1
            continue
        j = i
        while j + 1 < len(pairs) and id(pairs[j + 1][0]) in doomed:
            j += 1
        splices.append(_flow_run(source, mapping, i, j))
        i = j + 1
    return splices


def _flow_run(source: Source, mapping: MapNode, first: int, last: int) -> Splice:
    body = source.body
    pairs = mapping.pairs
    start_key: Node = pairs[first][0]
    end_value: Node = pairs[last][1]
    after = lexical.skip_blank(body, end_value.end)
    comma = body.startswith(",", after)
    past = after + 1 if comma else end_value.end
    own_lines = lexical.only_space_before(body, start_key.start) \
        and lexical.rest_of_line_is_blank(body, past)
    if own_lines and (comma or last == len(pairs) - 1):
        end = lexical.next_line_start(body, past)
        return Splice(lexical.line_start(body, start_key.start), end, "")
    if last + 1 < len(pairs):
        next_key = pairs[last + 1][0]
        same_line = _same_line(body, start_key.start, next_key.start)
        return Splice(start_key.start, next_key.start if same_line else past, "")
    if first > 0:
        return Splice(pairs[first - 1][1].end, end_value.end, "")
    return Splice(start_key.start, past, "")


def rename_key(text: str, path: Path, new_name: str) -> Change:
    """Rename the key at `path`, keeping its quoting."""
    source = Source.of(text)
    located = locate(source.document, path)
    if not located.found or located.steps[-1].key_node is None:
        raise EditError(f"{'.'.join(map(str, path))} is not in the file")
    key = located.steps[-1].key_node
    old = source.body[key.start:key.end]
    quote = old[0] if old[:1] in ("'", '"') else ""
    new = yaml11.format_string(new_name, quote) if quote else yaml11.format_string(new_name)
    return source.change([Splice(key.start, key.end, new)])


def delete_first(text: str, path: Path) -> Change:
    """Delete only the first definition of a key that is defined twice (block mappings)."""
    source = Source.of(text)
    located = locate(source.document, path)
    mapping = located.steps[-1].container if located.found else None
    if not isinstance(mapping, MapNode) or mapping.flow:
        raise EditError("only duplicate keys of block mappings can be deleted one at a time")
    first_key = find_pairs(mapping, path[-1])[0][0]
    index = next(i for i, (k, _) in enumerate(mapping.pairs) if k is first_key)
    return source.change([_block_deletion(source, mapping, index)])


# --- the _BASE_ list -------------------------------------------------------------------------

def set_base(text: str, index: int, value: str) -> Change:
    """Make `_BASE_[index]` read `value` (the entry must exist)."""
    return replace_value(text, (BASE_KEY, index), value)


def insert_base(text: str, index: int, value: str) -> Change:
    """Insert `value` as `_BASE_[index]`; nothing changes when `_BASE_` already lists it.

    A file without `_BASE_` gets one in ppdet's usual style, above its first key.
    """
    source = Source.of(text)
    located = locate(source.document, (BASE_KEY,))
    if located.found:
        current = values.get(source.data(), (BASE_KEY,))
        if isinstance(current, list) and value in current:
            return source.change(())
        return insert_item_in(source, (BASE_KEY,), index, value)
    if index != 0:
        raise EditError(f"this file has no {BASE_KEY}; only entry 0 can be added")
    return _create(source, value)


def _create(source: Source, value: str) -> Change:
    root = source.document.root
    nl, pad = source.newline, " " * source.indent_unit
    lines = f"{BASE_KEY}: [{nl}{pad}{yaml11.format_string(value, chr(39))},{nl}]{nl}"
    if isinstance(root, MapNode) and not root.flow:
        at = lexical.line_start(source.body, root.pairs[0][0].start)
        splice = new_lines_at(source, at, lines)
    elif root is None or (isinstance(root, ScalarNode) and root.is_empty):
        splice = new_lines_at(source, len(source.body), lines)
    else:
        raise EditError(f"cannot add {BASE_KEY}: the document is not a block mapping")
    change = source.change([splice], line=source.body.count("\n", 0, splice.start) + 1)
    return source.confirm(change, (BASE_KEY,),
                          lambda data: values.set_in(data, (BASE_KEY,), [value]))


# --- set -------------------------------------------------------------------------------------

def set_value(text: str, path: Path, value: Any, *, document: Document | None = None,
              drop_comment: bool = False) -> Change:
    """Make `path` read `value`: replaced in place, appended to a list (index == length), or
    inserted as a new key. Setting the value it already has changes nothing. `document` is the
    loader's parse of the file, used when `text` is what it parsed (see `Source.of`);
    `drop_comment` as in `replace_in`."""
    source = Source.of(text, document)
    located = locate(source.document, path)
    if located.found:
        return replace_in(source, path, value, drop_comment=drop_comment, located=located)
    if len(located.missing) == 1 and isinstance(located.node, SeqNode):
        return insert_item_in(source, path[:-1], len(located.node.items), value)
    return insert_key_in(source, path, value)
