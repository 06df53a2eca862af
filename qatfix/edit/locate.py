"""Find the node a key path names, the way PyYAML would read it (the last duplicate key wins).

A path is a tuple of str (mapping keys) and int (sequence indexes), e.g.
("EvalReader", "sample_transforms", 1, "Resize", "target_size"). Paths never go through an alias:
the text to change is at the anchor, and editing it silently changes every alias, so callers are
told which lines share the value.
"""
from __future__ import annotations

from typing import Any

from qatfix.config import yaml11
from qatfix.config.loader import CORE_TAG as _CORE
from qatfix.config.loader import Document
from qatfix.config.tree import AliasNode, MapNode, Node, ScalarNode, SeqNode, is_merge_key
from qatfix.edit.values import Key, Path, format_path, key_matches
from qatfix.errors import EditError


# Records below are plain classes with slots (treat them as immutable), not dataclasses: the default
# check imports this module to make its fix, and a class decorator costs that check more time
# than the records save.
class Step:
    """One step down: `container[key]` is `node`; `key_node` is the mapping key (None in a list)."""

    __slots__ = ("container", "key", "key_node", "node")

    def __init__(self, container: MapNode | SeqNode, key: Key, key_node: Node | None, node: Node) -> None:
        self.container = container
        self.key = key
        self.key_node = key_node
        self.node = node


class Located:
    """How far a path resolves: `steps` for the part that exists, `missing` for the rest."""

    __slots__ = ("tree", "path", "steps", "missing")

    def __init__(self, tree: Document, path: Path, steps: tuple[Step, ...], missing: Path) -> None:
        self.tree = tree
        self.path = path
        self.steps = steps
        self.missing = missing

    @property
    def found(self) -> bool:
        return not self.missing

    @property
    def node(self) -> Node | None:
        """The node at the deepest existing step (the root for an empty path)."""
        return self.steps[-1].node if self.steps else self.tree.root

    def shared_by(self) -> tuple[AliasNode, ...]:
        """Aliases elsewhere that see a change made at this path (anchors on the way down)."""
        chain = [self.tree.root, *(step.node for step in self.steps)]
        anchored = [n for n in chain if n is not None and not isinstance(n, AliasNode) and n.anchor]
        return tuple(a for a in self.tree.aliases if any(a.target is n for n in anchored))

    def anchors(self) -> tuple[str, ...]:
        chain = [self.tree.root, *(step.node for step in self.steps)]
        return tuple(n.anchor for n in chain
                     if n is not None and not isinstance(n, AliasNode) and n.anchor)


def key_value(node: Node) -> Any:
    """A mapping key typed as PyYAML types it (so `1:` is the int 1 and `'1':` the string)."""
    if isinstance(node, AliasNode):
        node = node.target
    if not isinstance(node, ScalarNode):
        return None
    if node.tag is None and node.style == "":
        try:
            return yaml11.type_plain(node.text)
        except ValueError:
            return node.text
    if node.tag and node.tag.startswith(_CORE):
        try:
            return yaml11.construct(node.tag[len(_CORE):], node.text)
        except (ValueError, KeyError, IndexError):
            return node.text
    return node.text


def find_pairs(mapping: MapNode, key: Key) -> list[tuple[Node, Node]]:
    """Every pair of `mapping` whose key answers to `key`, in text order (duplicates included)."""
    return [(k, v) for k, v in mapping.pairs if key_matches(key_value(k), key)]


def has_merge(mapping: MapNode) -> bool:
    return any(is_merge_key(k) for k, _ in mapping.pairs)


def locate(tree: Document, path: Path, *, alias_ok: bool = False) -> Located:
    """Resolve as much of `path` as exists. Raises `EditError` on aliases and wrong node kinds.

    `alias_ok` lets the path end at an alias (to delete it); it never goes through one.
    """
    steps: list[Step] = []
    node = tree.root
    for depth, key in enumerate(path):
        here = format_path(path[:depth]) or "the document"
        if node is None:
            return Located(tree, path, tuple(steps), path[depth:])
        if isinstance(node, AliasNode):
            raise _through_alias(tree, path[:depth], node)
        if isinstance(node, MapNode):
            pairs = find_pairs(node, key)
            if not pairs:
                return Located(tree, path, tuple(steps), path[depth:])
            key_node, value = pairs[-1]
            steps.append(Step(node, key, key_node, value))
        elif isinstance(node, SeqNode) and isinstance(key, int):
            if not 0 <= key < len(node.items):
                if key == len(node.items):
                    return Located(tree, path, tuple(steps), path[depth:])
                raise EditError(f"{here} has {len(node.items)} entries; there is no entry {key}",
                                line=node.line)
            steps.append(Step(node, key, None, node.items[key]))
        elif isinstance(node, SeqNode):
            raise EditError(f"{here} is a list; use a number to pick an entry, not {key!r}",
                            line=node.line)
        elif isinstance(node, ScalarNode) and node.is_empty:
            return Located(tree, path, tuple(steps), path[depth:])
        else:
            raise EditError(f"{here} is a scalar ({_describe(node)}), not a mapping or list",
                            line=node.line)
        node = steps[-1].node
    if isinstance(node, AliasNode) and not alias_ok:
        raise _through_alias(tree, path, node)
    return Located(tree, path, tuple(steps), ())


def _through_alias(tree: Document, path: Path, alias: AliasNode) -> EditError:
    target = alias.target
    return EditError(
        f"{format_path(path)} is an alias (*{alias.anchor}); edit its anchor &{alias.anchor} "
        f"at line {target.line} instead (that changes every alias)", line=alias.line)


def _describe(node: Node) -> str:
    if isinstance(node, ScalarNode):
        text = node.text if len(node.text) <= 40 else node.text[:37] + "..."
        return repr(text)
    return type(node).__name__.lower()


def alias_paths(tree: Document, target: Node) -> tuple[Path, ...]:
    """Key paths of the aliases that point straight at `target` (they read its value).

    Aliases under a key that a later duplicate overrides are not read, so they are left out.
    """
    found: list[Path] = []

    def walk(node: Node | None, path: Path) -> None:
        if isinstance(node, AliasNode):
            if node.target is target:
                found.append(path)
        elif isinstance(node, MapNode):
            keys = [key_value(k) for k, _ in node.pairs]
            for index, (key_node, value) in enumerate(node.pairs):
                key = keys[index]
                overridden = any(key_matches(later, key) for later in keys[index + 1:]
                                 if isinstance(key, (str, int)))
                if isinstance(key, (str, int)) and not is_merge_key(key_node) and not overridden:
                    walk(value, (*path, key))
        elif isinstance(node, SeqNode):
            for index, item in enumerate(node.items):
                walk(item, (*path, index))

    walk(tree.root, ())
    return tuple(found)
