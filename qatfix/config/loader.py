"""Read one YAML file into a positioned node tree, and build fresh config data from it.

Parsing goes through ruamel.yaml's event parser (its C parser when ruamel.yaml.clib is installed),
and typing follows PyYAML's YAML 1.1 rules (see `yaml11`). The node tree is parsed once per file and
cached; `Document.construct()` builds new data each time, because ppdet's merge mutates what it is
given. Aliases become the *same* object, as in PyYAML, so merges into an aliased mapping show up at
every alias, exactly as they do in ppdet.
"""
from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Iterator, Mapping, NoReturn

from qatfix.config import yaml11
from qatfix.config import lexical
from qatfix.config.events import document_root, events, pure_events, syntax_error
from qatfix.config.nodes import AnchorRef, ConfigList, ConfigMap, DuplicateKey, KeyPath, Origin, Tagged
from qatfix.config.tree import AliasNode, MapNode, Node, ScalarNode, SeqNode, is_merge_key
from qatfix.errors import ConfigError, QatfixError, RefusedInputError
from dataclasses import replace
from ruamel.yaml.error import YAMLError
import base64
import binascii

#: files larger than this are refused rather than parsed for minutes
MAX_FILE_BYTES = 10 * 1024 * 1024
#: deeper nesting than this is refused (PyYAML would overflow the stack long before)
MAX_DEPTH = 500
#: a document holding more values than this, aliases counted at their full size, is refused:
#: it keeps "billion laughs" alias bombs from being expanded and dense files from being parsed
#: for long (the largest PaddleDetection config holds about 600)
MAX_VALUES = 100_000

CORE_TAG = "tag:yaml.org,2002:"
_CORE = CORE_TAG


@dataclass(frozen=True)
class Document:
    """One parsed file: its positioned node tree (`qatfix.config.tree`; offsets index `text`)
    plus facts ppdet would not tell (duplicates, anchors)."""

    path: str
    text: str
    root: Node = field(repr=False)
    duplicates: tuple[DuplicateKey, ...] = ()
    anchors: tuple[AnchorRef, ...] = ()
    #: every alias in the text, in text order
    aliases: tuple[AliasNode, ...] = field(default=(), repr=False)

    def construct(self) -> Any:
        """Fresh data for this document (ConfigMap/ConfigList/Tagged/scalars)."""
        return _Constructor(self.path).build(self.root)


def check_readable(path: str, error: type[QatfixError] = ConfigError) -> int:
    """The size of `path`, refusing (with `error`) what cannot be a config: missing, a folder,
    a device or FIFO (reading would block or never end), or over `MAX_FILE_BYTES`."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise error("no such file", path=path) from None
    except (OSError, ValueError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        raise error(f"cannot read: {reason}", path=path) from None
    if stat.S_ISDIR(info.st_mode):
        raise error("is a directory, not a YAML file", path=path)
    if not stat.S_ISREG(info.st_mode):
        raise error("not a regular file (a device, FIFO or socket); refusing to read it",
                    path=path)
    if info.st_size > MAX_FILE_BYTES:
        raise error(_too_big(info.st_size), path=path)
    return info.st_size


def _too_big(size: int) -> str:
    return f"file is {size:,} bytes; qatfix refuses YAML files over {MAX_FILE_BYTES:,} bytes"


def read_text(path: str) -> str:
    """The file's text, decoded as ppdet's `open()` + PyYAML would (UTF-8, BOM dropped)."""
    check_readable(path)
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise ConfigError(f"cannot read: {exc.strerror or exc}", path=path) from None
    if len(data) > MAX_FILE_BYTES:  # it grew since it was measured
        raise ConfigError(_too_big(len(data)), path=path)
    if b"\0" in data[:8192] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ConfigError("binary data, not a YAML file", path=path)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ConfigError("invalid UTF-8", path=path, line=line) from None


class _Composer:
    """Events -> node tree, recording anchors, aliases, duplicates and positions."""

    def __init__(self, path: str, text: str) -> None:
        self.path = path
        self.text = text
        self.anchors: dict[str, Node] = {}
        self.anchor_refs: list[AnchorRef] = []
        self.aliases: list[AliasNode] = []
        self.duplicates: list[DuplicateKey] = []
        #: values so far, aliases counted at the size of what they name
        self.values = 0
        self.anchored_size: dict[int, int] = {}

    def compose(self, stream: Iterator[Any]) -> Node | None:
        def second(line: int) -> NoReturn:
            raise ConfigError("more than one YAML document; ppdet reads only one",
                              path=self.path, line=line)

        def reset_anchors() -> None:
            self.anchors = {}

        return document_root(stream, lambda event, rest: self._node(event, rest, (), 0, False),
                             second, reset_anchors)

    def _count(self, values: int, line: int, column: int, *, aliased: bool = False) -> None:
        self.values += values
        if self.values > MAX_VALUES:
            why = "through aliases (an alias bomb)" if aliased else "in this file"
            raise ConfigError(f"more than {MAX_VALUES:,} values {why}; refusing to read it",
                              path=self.path, line=line, column=column)

    def _node(self, event: Any, events: Iterator[Any], key_path: KeyPath, depth: int,
              flow: bool) -> Node:
        if depth > MAX_DEPTH:
            raise ConfigError(f"nesting deeper than {MAX_DEPTH} levels", path=self.path,
                              line=event.start_mark.line + 1)
        name = type(event).__name__
        mark = event.start_mark
        line, column = mark.line + 1, mark.column + 1
        values_before = self.values
        node: Node
        if name == "AliasEvent":
            target = self.anchors.get(event.anchor)
            if target is None:
                raise ConfigError(f"alias *{event.anchor} names no anchor", path=self.path,
                                  line=line, column=column)
            self._count(self.anchored_size.get(id(target), 1), line, column, aliased=True)
            alias = AliasNode(mark.index, event.end_mark.index, line, column, event.anchor, target)
            self.aliases.append(alias)
            return alias
        self._count(1, line, column)
        tag = event.tag
        if tag and tag.startswith((_CORE + "python/", "!!python/")):
            raise RefusedInputError(f"refusing Python object tag {tag}; qatfix never constructs "
                                    "objects",
                              path=self.path, line=line, column=column)
        if name == "ScalarEvent":
            node = ScalarNode(mark.index, event.end_mark.index, line, column, tag, event.anchor,
                              event.value, event.style or "", flow,
                              self._typed(event, tag, line, column))
        elif name == "MappingStartEvent":
            node = self._mapping(event, events, key_path, depth)
        elif name == "SequenceStartEvent":
            node = self._sequence(event, events, key_path, depth)
        else:
            raise ConfigError(f"unexpected YAML event {name}", path=self.path, line=line)
        if event.anchor:
            self.anchors[event.anchor] = node
            self.anchored_size[id(node)] = self.values - values_before
            self.anchor_refs.append(AnchorRef(event.anchor, self.path, line, column, key_path))
        return node

    def _mapping(self, event: Any, events: Iterator[Any], key_path: KeyPath,
                 depth: int) -> MapNode:
        flow = bool(event.flow_style)
        pairs: list[tuple[Node, Node]] = []
        seen: dict[Any, Node] = {}
        end = event.start_mark.index
        for key_event in events:
            if type(key_event).__name__ == "MappingEndEvent":
                end = key_event.end_mark.index
                break
            key: Any = self._node(key_event, events, key_path, depth + 1, flow)
            value: Any = self._node(next(events), events, (*key_path, _key_of(key)), depth + 1,
                                    flow)
            if value.kind == "scalar" and not value.text and value.is_empty:
                self._place_empty(value, self._after_colon(key.end))
            pairs.append((key, value))
            if key.kind == "scalar" and (key.text != "<<" or not is_merge_key(key)):
                try:
                    earlier = seen.get(key.value)
                except TypeError:
                    continue
                if earlier is not None:
                    self.duplicates.append(DuplicateKey(
                        self.path, (*key_path, key.value),
                        Origin(self.path, earlier.line, earlier.column),
                        Origin(self.path, key.line, key.column)))
                seen[key.value] = key
        if not flow:
            end = pairs[-1][1].end if pairs else event.start_mark.index
        mark = event.start_mark
        return MapNode(mark.index, end, mark.line + 1, mark.column + 1, event.tag, event.anchor,
                       flow, tuple(pairs))

    def _sequence(self, event: Any, events: Iterator[Any], key_path: KeyPath,
                  depth: int) -> SeqNode:
        flow = bool(event.flow_style)
        items: list[Node] = []
        scan_from = end = event.start_mark.index
        for item_event in events:
            if type(item_event).__name__ == "SequenceEndEvent":
                end = item_event.end_mark.index
                break
            item: Any = self._node(item_event, events, (*key_path, len(items)), depth + 1, flow)
            if item.kind == "scalar" and not item.text and item.is_empty and not flow:
                self._place_empty(item, self._after_dash(scan_from))
            items.append(item)
            scan_from = item.end
        if not flow:
            end = items[-1].end if items else event.start_mark.index
        mark = event.start_mark
        return SeqNode(mark.index, end, mark.line + 1, mark.column + 1, event.tag, event.anchor,
                       flow, tuple(items))

    def _place_empty(self, node: ScalarNode, pos: int) -> None:
        """An empty value sits right after its `:` or `-` (the parsers disagree on where)."""
        start = lexical.line_start(self.text, pos)
        node.start = node.end = pos
        node.line = self.text.count("\n", 0, start) + 1
        node.column = pos - start + 1

    def _after_colon(self, key_end: int) -> int:
        pos = lexical.skip_blank(self.text, key_end)
        return pos + 1 if self.text.startswith(":", pos) else key_end

    def _after_dash(self, scan_from: int) -> int:
        pos = lexical.skip_blank(self.text, scan_from)
        return pos + 1 if self.text.startswith("-", pos) else scan_from

    def _typed(self, event: Any, tag: str | None, line: int, column: int) -> Any:
        text = event.value
        if tag is None or tag == "!":
            if event.implicit[0] and tag is None:
                kind = yaml11.implicit_kind(text)
                return yaml11.construct(kind, text)
            return text
        if tag.startswith(_CORE):
            kind = tag[len(_CORE):]
            try:
                if kind in ("str", "int", "float", "bool", "null", "timestamp"):
                    return yaml11.construct(kind, text)
            except (ValueError, KeyError, IndexError):
                raise ConfigError(f"{_short(text)} is not a valid !!{kind}", path=self.path,
                                  line=line, column=column) from None
            if kind == "binary":
                try:
                    return base64.decodebytes(text.encode("ascii"))
                except (binascii.Error, UnicodeEncodeError):
                    raise ConfigError(f"{_short(text)} is not valid base64 for !!binary",
                                      path=self.path, line=line, column=column) from None
            raise ConfigError(f"unsupported tag !!{kind}", path=self.path, line=line, column=column)
        return text


def _short(text: str, limit: int = 40) -> str:
    """`text` quoted for a one-line message, cut when long."""
    return repr(text if len(text) <= limit else text[:limit] + "...")


def _key_of(node: Node) -> Any:
    if isinstance(node, AliasNode):
        node = node.target
    return node.value if isinstance(node, ScalarNode) else "?"


class _Constructor:
    """Node tree -> fresh data; anchored nodes are built once and shared by their aliases."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.built: dict[int, Any] = {}
        self.anchor_at: dict[int, AnchorRef] = {}

    def build(self, node: Any) -> Any:
        """Fresh data for a tree node (typed Any: this runs for every value, so it goes by the
        node's `kind` rather than by isinstance)."""
        target = node.target if node.kind == "alias" else node
        done = self.built.get(id(target))
        if done is not None or id(target) in self.built:
            return done
        value: Any
        kind = target.kind
        if kind == "scalar":
            value = target.value
        elif kind == "seq":
            value = ConfigList()
            if target.anchor:
                self.built[id(target)] = value
            for item in target.items:
                value.add(self.build(item), self._origin(item, item))
        else:
            value = ConfigMap()
            if target.anchor:
                self.built[id(target)] = value
            self._fill(value, target)
        if target.tag and not target.tag.startswith(_CORE) and target.tag != "!":
            value = Tagged(target.tag, value)
        if target.anchor:
            self.built[id(target)] = value
        return value

    def _fill(self, mapping: ConfigMap, node: Any) -> None:
        for key_node, value_node in self._flattened(node):
            key = self.build(key_node)
            try:
                hash(key)
            except TypeError:
                raise ConfigError("a mapping key must be a scalar", path=self.path,
                                  line=key_node.line, column=key_node.column) from None
            mapping.set(key, self.build(value_node), self._origin(key_node, value_node))

    def _flattened(self, node: Any) -> list[tuple[Any, Any]]:
        """PyYAML's `flatten_mapping`: `<<` merge keys first, own keys after (own keys win)."""
        merged: list[tuple[Any, Any]] = []
        own: list[tuple[Any, Any]] = []
        for key_node, value_node in node.pairs:
            if key_node.kind != "scalar" or key_node.text != "<<" or not is_merge_key(key_node):
                own.append((key_node, value_node))
                continue
            source = value_node.target if value_node.kind == "alias" else value_node
            if source.kind == "map":
                merged.extend(self._flattened(source))
            elif source.kind == "seq":
                parts = []
                for sub in source.items:
                    sub = sub.target if sub.kind == "alias" else sub
                    if sub.kind != "map":
                        raise ConfigError("a << merge list may only hold mappings", path=self.path,
                                          line=sub.line, column=sub.column)
                    parts.append(self._flattened(sub))
                for part in reversed(parts):
                    merged.extend(part)
            else:
                raise ConfigError("a << merge key needs a mapping or a list of mappings",
                                  path=self.path, line=value_node.line, column=value_node.column)
        return merged + own

    def _origin(self, key_node: Any, value_node: Any) -> Origin:
        anchor = None
        if value_node.kind == "alias":
            target = value_node.target
            anchor = AnchorRef(value_node.anchor or "", self.path, target.line, target.column)
        return Origin(self.path, key_node.line, key_node.column, value_node.line,
                      value_node.column, anchor)


_CACHE: dict[str, tuple[tuple[int, int], Document]] = {}


class Texts:
    """Texts that stand in for the files at their paths (fixes being verified before they are
    written), handed explicitly to what reads a run's files (`load_document`, `resolve`,
    `kind_of`, the engine). `DISK`, holding none, reads every file as it is on disk. Two
    verifications each pass their own, so neither ever reads the other's. Immutable (a plain
    class, not a dataclass: every check imports it)."""

    __slots__ = ("by_file",)

    def __init__(self, by_file: Mapping[str, str] = MappingProxyType({})) -> None:
        self.by_file = by_file

    @classmethod
    def of(cls, texts: Mapping[str, str]) -> Texts:
        """`texts` keyed by any spelling of their paths."""
        if isinstance(texts, Texts):
            return texts
        if not texts:
            return DISK
        return cls(MappingProxyType({_same_file_key(p): t for p, t in texts.items()}))

    def get(self, path: str) -> str | None:
        """The text standing in for `path`, or None when it is read from disk."""
        return self.by_file.get(_same_file_key(path)) if self.by_file else None

    def __bool__(self) -> bool:
        return bool(self.by_file)


#: no stand-in texts: every file is read from disk
DISK = Texts()


def parse_text(text: str, path: str, *, pure: bool = False) -> Document:
    """Parse YAML text (already decoded, BOM split off) into a `Document`; `pure` reads it with
    ruamel's pure-Python parser even where its C parser is installed."""

    _refuse_undecodable(text, path)
    composer = _Composer(path, text)
    try:
        root = composer.compose(pure_events(text) if pure else events(text))
    except YAMLError as exc:
        message, line, column = syntax_error(exc)
        raise ConfigError(message, path=path, line=line, column=column) from None
    except RecursionError:
        raise ConfigError(f"nesting too deep (over {MAX_DEPTH} levels)", path=path) from None
    if root is None:  # nothing but comments (or nothing): an empty value at the start
        root = ScalarNode(0, 0, 1, 1, None, None, "", "", False)
    return Document(path, text, root, tuple(composer.duplicates), tuple(composer.anchor_refs),
                    tuple(composer.aliases))


def _refuse_undecodable(text: str, path: str) -> None:
    """Text from the command line keeps bytes that are not UTF-8 as lone surrogates; the parser
    cannot encode them, so they are refused here with the line they are on."""
    if text.isascii():
        return
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ConfigError("invalid UTF-8", path=path,
                          line=text.count("\n", 0, exc.start) + 1) from None


def _same_file_key(path: str) -> str:
    """One key for every spelling of a path (relative, absolute, with `..`) in this folder."""
    return os.path.abspath(path)


def _respelled(document: Document, path: str) -> Document:
    """A cached parse, reached through another spelling of its path, under that spelling."""
    if document.path == path:
        return document

    return replace(
        document, path=path,
        duplicates=tuple(replace(d, path=path, first=replace(d.first, path=path),
                                 last=replace(d.last, path=path)) for d in document.duplicates),
        anchors=tuple(replace(a, path=path) for a in document.anchors))


def load_document(path: str, texts: Texts = DISK) -> Document:
    """Parse a file once; later calls reuse the tree while the file is unchanged, whichever
    spelling of its path they use. A text `texts` holds for the path is read instead."""
    standing_in = texts.get(path)
    if standing_in is not None:
        return parse_text(standing_in.lstrip("\ufeff"), path)
    key = _same_file_key(path)
    try:
        info = os.stat(path)
        stamp = (info.st_mtime_ns, info.st_size)
    except OSError:
        stamp = (0, -1)
    cached = _CACHE.get(key)
    if cached is not None and cached[0] == stamp:
        return _respelled(cached[1], path)
    document = parse_text(read_text(path), path)
    _CACHE[key] = (stamp, document)
    return document


def load_file(path: str) -> Any:
    """Fresh data for one file, without `_BASE_` processing."""
    return load_document(path).construct()
