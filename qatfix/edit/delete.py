"""Delete a mapping key (every duplicate of it), with its inline comment but not the lines above.

A block entry goes with all its lines; a flow entry goes with one neighbouring comma (its own
lines when it has them). Emptying a block mapping is refused: `key:` would read as null, not {}.
"""
from __future__ import annotations

from qatfix.edit import layout, lexical, verify
from qatfix.edit.change import Change
from qatfix.edit.keypath import format_path
from qatfix.edit.locate import Path, find_pairs, locate
from qatfix.edit.source import Source
from qatfix.edit.splice import Splice
from qatfix.edit.tree import Mapping, Node
from qatfix.errors import EditError


def delete_key(text: str, path: Path) -> Change:
    """Remove the key at `path`; nothing changes when it is not in the text."""
    source = Source.of(text)
    located = locate(source.tree, path, alias_ok=True)
    if not located.found or not path:
        return source.change(())
    step = located.steps[-1]
    mapping = step.container
    if not isinstance(mapping, Mapping):
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
    change = source.change(splices, line=(step.key_node or step.node).line + 1, located=located)
    return source.confirm(change, path, lambda data: verify.delete_in(data, path))


def _refuse_orphaned_aliases(source: Source, pairs: list[tuple[Node, Node]], path: Path) -> None:
    """An anchor may only go if no alias outside the deleted text still uses it."""
    for key, value in pairs:
        for alias in source.tree.aliases:
            inside = key.start <= alias.target.start < value.end or alias.target is value
            if inside and not key.start <= alias.start < max(value.end, key.end):
                raise EditError(f"{format_path(path)} holds &{alias.anchor}, still used by the "
                                f"alias at line {alias.line + 1}; nothing deleted",
                                line=alias.line + 1)


def _block_deletion(source: Source, mapping: Mapping, index: int) -> Splice:
    body = source.body
    key, value = mapping.pairs[index]
    end = layout.after_line_of(source, value)
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
                    "delete it by hand", line=key.line + 1)


def _flow_deletions(source: Source, mapping: Mapping, doomed: set[int]) -> list[Splice]:
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


def _flow_run(source: Source, mapping: Mapping, first: int, last: int) -> Splice:
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


def _same_line(body: str, a: int, b: int) -> bool:
    return body.count("\n", a, b) == 0
