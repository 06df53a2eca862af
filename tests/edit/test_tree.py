"""Node positions: character offsets with both parsers, BOM, CRLF and non-ASCII text."""
from __future__ import annotations

import pytest

from qatfix.edit import lexical
from qatfix.edit.tree import AliasNode, MapNode, ScalarNode, SeqNode, parse
from qatfix.errors import EditError

NON_ASCII = ("名前: 'ü😀'\r\nliste: [ä, 😀, {q: ß}]\r\nblock: |\r\n  😀\r\n  é\r\n"
             "z: \"é\r\n  q\"\r\nw: 1")


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
    spans = {s.value: NON_ASCII[s.start:s.end] for s in _scalars(tree.root)}
    assert spans["名前"] == "名前"
    assert spans["ü😀"] == "'ü😀'"
    assert spans["😀"] == "😀" and spans["ß"] == "ß"
    assert spans["😀\né\n"].startswith("|\r\n  😀")
    assert spans["é q"] == '"é\r\n  q"'
    assert spans["1"] == "1"


def test_both_parsers_agree_on_every_position() -> None:
    text = "a: &x 1\nb: *x\nc: !T {k: [1, 2,\n  3]}\nd:\n- 1\n-\ne: ''\nf:\n"
    fast, pure = parse(text), parse(text, pure=True)
    assert fast == pure


def test_empty_values_sit_after_their_indicator() -> None:
    text = "a:\nb:   # note\nc: {x: , y: 1}\nd:\n- \n- 2\n"
    root = parse(text).root
    values = {k.value: v for k, v in root.pairs}
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


def test_syntax_errors_and_many_documents_are_edit_errors() -> None:
    with pytest.raises(EditError, match="syntax error"):
        parse("a: [1, 2\nb: 3\n")
    with pytest.raises(EditError, match="more than one YAML document"):
        parse("a: 1\n---\nb: 2\n")
    with pytest.raises(EditError, match="names no anchor"):
        parse("a: *nowhere\n")
