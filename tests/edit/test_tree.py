"""Node positions of the one tree the loader and the editor share: character offsets with both
parsers, 1-based lines and columns, BOM, CRLF and non-ASCII text."""
from __future__ import annotations

import pytest

from qatfix.config import lexical
from qatfix.config.loader import Document, parse_text
from qatfix.config.tree import AliasNode, MapNode, ScalarNode, SeqNode, shape
from qatfix.edit.primitives import Source
from qatfix.errors import EditError

NON_ASCII = ("名前: 'ü😀'\r\nliste: [ä, 😀, {q: ß}]\r\nblock: |\r\n  😀\r\n  é\r\n"
             "z: \"é\r\n  q\"\r\nw: 1")


def parse(text: str, *, pure: bool = False) -> Document:
    return parse_text(text, "t.yml", pure=pure)


def _scalars(node):
    if isinstance(node, ScalarNode):
        yield node
    elif isinstance(node, MapNode):
        for key, value in node.pairs:
            yield from _scalars(key)
            yield from _scalars(value)
    elif isinstance(node, SeqNode):
        for item in node.items:
            yield from _scalars(item)


@pytest.mark.parametrize("pure", [False, True], ids=["c-parser", "pure-parser"])
def test_offsets_are_character_indexes_for_non_ascii_text(pure: bool) -> None:
    tree = parse(NON_ASCII, pure=pure)
    spans = {s.text: NON_ASCII[s.start:s.end] for s in _scalars(tree.root)}
    assert spans["名前"] == "名前"
    assert spans["ü😀"] == "'ü😀'"
    assert spans["😀"] == "😀" and spans["ß"] == "ß"
    assert spans["😀\né\n"].startswith("|\r\n  😀")
    assert spans["é q"] == '"é\r\n  q"'
    assert spans["1"] == "1"


def test_both_parsers_agree_on_every_position() -> None:
    text = "a: &x 1\nb: *x\nc: !T {k: [1, 2,\n  3]}\nd:\n- 1\n-\ne: ''\nf:\n"
    fast, pure = parse(text), parse(text, pure=True)
    assert shape(fast.root) == shape(pure.root)
    assert [shape(a) for a in fast.aliases] == [shape(a) for a in pure.aliases]


def test_empty_values_sit_after_their_indicator() -> None:
    text = "a:\nb:   # note\nc: {x: , y: 1}\nd:\n- \n- 2\n"
    root = parse(text).root
    values = {k.text: v for k, v in root.pairs}
    assert values["a"].start == values["a"].end == text.index("a:") + 2
    assert values["b"].start == text.index("b:") + 2
    inner = values["c"].pairs[0][1]
    assert inner.start == text.index("x:") + 2
    assert values["d"].items[0].start == text.index("- \n") + 1


def test_block_collection_ends_at_its_last_character() -> None:
    text = "a:\n  b: 1\n  c: [1,\n   2]   # trailing\n\n# comment\nd: 2\n"
    a = parse(text).root.pairs[0][1]
    assert text[:a.end].endswith("2]")


def test_bom_is_set_aside_before_parsing() -> None:
    bom, body = lexical.split_bom("\ufeffa: 1\n")
    assert bom == "\ufeff" and body == "a: 1\n"
    assert parse(body).root.pairs[0][1].start == 3


def test_aliases_know_their_anchor() -> None:
    tree = parse("a: &x [1]\nb: *x\n")
    alias = tree.root.pairs[1][1]
    assert isinstance(alias, AliasNode) and alias.target is tree.root.pairs[0][1]
    assert tree.aliases == (alias,)


def test_lines_and_columns_are_one_based_as_reported() -> None:
    text = "a: 1\nb:\n  c: [x, y]\n  d:\n"
    root = parse(text).root
    b = root.pairs[1][1]
    c_key, c_value = b.pairs[0]
    assert (root.pairs[0][0].line, root.pairs[0][0].column) == (1, 1)
    assert (c_key.line, c_key.column) == (3, 3) and (c_value.line, c_value.column) == (3, 6)
    assert (c_value.items[1].line, c_value.items[1].column) == (3, 10)
    empty = b.pairs[1][1]
    assert (empty.line, empty.column, empty.start) == (4, 5, text.index("d:") + 2)


def test_syntax_errors_and_many_documents_are_edit_errors() -> None:
    with pytest.raises(EditError, match="syntax error"):
        Source.of("a: [1, 2\nb: 3\n")
    with pytest.raises(EditError, match="more than one YAML document"):
        Source.of("a: 1\n---\nb: 2\n")
    with pytest.raises(EditError, match="names no anchor"):
        Source.of("a: *nowhere\n")
