"""The state-dict signature of every official config, as ppdet built it: read without paddle.

`qatfix registry signatures` builds each config of the PaddleDetection trees with that tree's
ppdet and stores, beside the registry:

- `signatures/index.json`: for each `TREE:configs/...yml`, the signature id with its tensor
  count, `parameters` (scalar values in `model.parameters()`: every shared tensor once, batch-norm
  statistics included, the registry's `num_params`) and `elements` (scalar values in the whole
  state dict, what a checkpoint holds); or the one-line reason ppdet could not build it.
- `signatures/<id>.json`: the keys in state-dict order with shape and kind ("p" trainable
  parameter, "b" buffer: batch-norm statistics and registered tensors) and the keys a QAT run
  quantizes. The id is the first 16 hex digits of the sha256 of the file's canonical JSON, so
  identical networks share one file.

Nothing is read until a caller asks; the index is read once per process, each signature file
once per id.
"""
from __future__ import annotations

import functools
import json
from pathlib import Path, PurePosixPath
from typing import Any, Mapping

from qatfix.errors import RegistryError
from qatfix.registry.loader import shipped_path
from qatfix.model.signature import Signature

SCHEMA_VERSION = 1
FOLDER = "signatures"
INDEX = "index.json"
#: files of facts beside the signatures, from the same builds (`registry.class_facts`,
#: `registry.param_names`, `registry.components`)
CLASSES = "classes.json"
NAMES = "names.json"
COMPONENTS = "components.json"
#: every file of the store that is not a signature
NOT_SIGNATURES = (INDEX, CLASSES, NAMES, COMPONENTS)
#: the layer type of a quantizable weight, from its rank (Conv2D kernels are 4-D, Linear 2-D)
_LAYER_BY_RANK = {4: "Conv2D", 2: "Linear"}


def default_signatures_dir() -> Path:
    """The shipped registry/signatures folder."""
    return shipped_path(FOLDER)


class SignatureIndex:
    """index.json as read: which ppdet built each tree, and one entry per config.

    One entry is found by its line (the index has one config per line), so a single lookup
    costs a substring search instead of parsing every entry; `configs` parses them all.
    """

    def __init__(self, folder: Path, trees: Mapping[str, Mapping[str, str]], text: bytes,
                 configs: Mapping[str, Mapping[str, Any]] | None = None) -> None:
        self.folder = folder
        #: tree name -> {"ppdet": where the ppdet came from, "paddle": version}
        self.trees = trees
        self._text = text
        self._configs = configs

    @property
    def configs(self) -> Mapping[str, Mapping[str, Any]]:
        """"TREE:configs/...yml" -> {"signature", "tensors", "parameters", "elements"} or {"error"}."""
        if self._configs is None:
            self._configs = json.loads(self._text)["configs"]
        return self._configs

    def entry(self, tree: str, config: str) -> Mapping[str, Any] | None:
        key = config_key(tree, config)
        if self._configs is not None:
            return self._configs.get(key)
        needle = b"\n" + json.dumps(key).encode() + b": "
        start = self._text.find(needle)
        if start < 0:
            return None
        start += len(needle)
        end = self._text.find(b"\n", start)
        value = json.loads(self._text[start:end].rstrip(b","))
        return value if isinstance(value, dict) else None


def config_key(tree: str, config: str) -> str:
    """The index key of `config` (relative to the tree root) in `tree`."""
    return f"{tree}:{PurePosixPath(config.replace(chr(92), '/')).as_posix().removeprefix('./')}"


def canonical_json(data: Mapping[str, Any]) -> str:
    """The text a signature id is computed from."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def signature_id(data: Mapping[str, Any]) -> str:
    """Content address of a signature file's data."""
    import hashlib  # imported here: it costs more than the rest of this module

    return hashlib.sha256(canonical_json(data).encode()).hexdigest()[:16]


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise RegistryError(f"cannot read the signature store: {exc.strerror or exc}",
                            path=str(path)) from None


def _read_json(path: Path, text: bytes | None = None) -> Any:
    try:
        return json.loads(_read_bytes(path) if text is None else text)
    except ValueError as exc:
        raise RegistryError(f"not valid JSON: {exc}", path=str(path)) from None


def _check_version(version: Any, path: Path) -> None:
    if version != SCHEMA_VERSION:
        raise RegistryError(f"schema_version {version!r} is not the supported {SCHEMA_VERSION}",
                            path=str(path))


_HEAD = (b"{", b'"schema_version": ', b'"trees": ', b'"configs": {')


def read_index(folder: Path) -> SignatureIndex:
    """The index of the store in `folder` (no caching). Written as `index_text` writes it, only
    its head is parsed; any other JSON layout is parsed whole."""
    path = folder / INDEX
    text = _read_bytes(path)
    head = text.split(b"\n", 4)[:4]
    if len(head) == 4 and all(line.startswith(start) for line, start in zip(head, _HEAD)):
        try:
            version = json.loads(head[1][len(_HEAD[1]):].rstrip(b","))
            trees = json.loads(head[2][len(_HEAD[2]):].rstrip(b","))
        except ValueError:
            trees = None
        if isinstance(trees, dict):
            _check_version(version, path)
            return SignatureIndex(folder, trees, text)
    data = _read_json(path, text)
    if not isinstance(data, dict) or not isinstance(data.get("configs"), dict):
        raise RegistryError("not a signature index (no 'configs')", path=str(path))
    _check_version(data.get("schema_version"), path)
    return SignatureIndex(folder, data.get("trees") or {}, text, data["configs"])


@functools.lru_cache(maxsize=1)
def signature_index() -> SignatureIndex:
    """The shipped store's index, read once per process."""
    return read_index(default_signatures_dir())


def signature_from_data(data: Any, origin: str = "<signature>") -> Signature:
    """A `Signature` (with buffers and quantizable weights) from a signature file's data."""
    try:
        # JSON holds strings and ints already; tuple() alone keeps a check's load cheap
        shapes = {key: tuple(shape) for key, shape, _ in data["keys"]}
        if not all(isinstance(key, str) for key in shapes):
            raise TypeError("a key is not a string")
        buffers = frozenset(str(key) for key, _, kind in data["keys"] if kind == "b")
        quantizable = {str(key): _LAYER_BY_RANK.get(len(shapes[key]), "Conv2D")
                       for key in data["quantizable"]}
    except (KeyError, TypeError, ValueError) as exc:
        raise RegistryError(f"not a signature file ({type(exc).__name__}: {exc})",
                            path=origin) from None
    return Signature(shapes, {}, quantizable, buffers)


@functools.lru_cache(maxsize=256)
def _signature_file(folder: Path, ident: str) -> Signature:
    path = folder / f"{ident}.json"
    return signature_from_data(_read_json(path), str(path))


def signature_of(tree: str, config: str) -> Signature | None:
    """The signature ppdet built for `config` of `tree`; None when it is not in the store or
    its build failed."""
    index = signature_index()
    entry = index.entry(tree, config)
    if not entry or "signature" not in entry:
        return None
    return _signature_file(index.folder, str(entry["signature"]))


def build_error(tree: str, config: str) -> str | None:
    """Why ppdet could not build `config` of `tree`, None when it could (or it is unknown)."""
    entry = signature_index().entry(tree, config)
    error = entry.get("error") if entry else None
    return str(error) if error else None


def configs_with_signature() -> list[tuple[str, str]]:
    """(tree, config) of every config with a signature, sorted."""
    found = []
    for key, entry in signature_index().configs.items():
        if "signature" in entry:
            tree, _, config = key.partition(":")
            found.append((tree, config))
    return sorted(found)


def checkpoint_elements(config: str, tree: str | None = None) -> int | None:
    """Scalar values in the state dict `config` builds (what its checkpoint holds): from `tree`
    when built there, else from any tree that built the same relative config."""
    index = signature_index()
    trees = ([tree] if tree else []) + sorted(t for t in index.trees if t != tree)
    for name in trees:
        entry = index.entry(name, config)
        if entry and "elements" in entry:
            return int(entry["elements"])
    return None


def signature_of_config(config: str, tree: str | None = None) -> Signature | None:
    """The signature ppdet built for `config` in `tree`, else in any tree that built the same
    relative config (the order `checkpoint_elements` takes them in)."""
    index = signature_index()
    trees = ([tree] if tree else []) + sorted(t for t in index.trees if t != tree)
    for name in trees:
        if index.entry(name, config) and (signature := signature_of(name, config)) is not None:
            return signature
    return None


def configs_matching(shapes: Mapping[str, tuple[int, ...]]) -> list[tuple[str, str]]:
    """(tree, config) of every config whose state dict has exactly these keys, in this order,
    with these shapes: a checkpoint of that config's network. Only signature files whose
    tensor and element counts agree are read."""
    index = signature_index()
    elements = 0
    for shape in shapes.values():
        count = 1
        for dim in shape:
            count *= dim
        elements += count
    wanted = list(shapes.items())
    found: list[tuple[str, str]] = []
    verdicts: dict[str, bool] = {}
    for key, entry in sorted(index.configs.items()):
        if entry.get("tensors") != len(wanted) or entry.get("elements") != elements:
            continue
        ident = str(entry["signature"])
        if ident not in verdicts:
            verdicts[ident] = list(_signature_file(index.folder, ident).shapes.items()) == wanted
        if verdicts[ident]:
            tree, _, config = key.partition(":")
            found.append((tree, config))
    return found


def configs_with_keys(keys: list[str]) -> list[tuple[str, str, Signature]]:
    """(tree, config, signature) of every config whose state dict has exactly these keys, in
    this order, whatever their shapes (a pruned checkpoint keeps the names with fewer channels).
    Only signature files with as many tensors are read."""
    index = signature_index()
    found: list[tuple[str, str, Signature]] = []
    verdicts: dict[str, bool] = {}
    for key, entry in sorted(index.configs.items()):
        if entry.get("tensors") != len(keys):
            continue
        ident = str(entry["signature"])
        signature = _signature_file(index.folder, ident)
        if ident not in verdicts:
            verdicts[ident] = list(signature.shapes) == keys
        if verdicts[ident]:
            tree, _, config = key.partition(":")
            found.append((tree, config, signature))
    return found


@functools.lru_cache(maxsize=1)
def configs_by_signature() -> dict[str, list[tuple[str, str]]]:
    """signature id -> the (tree, config) pairs that build it."""
    found: dict[str, list[tuple[str, str]]] = {}
    for key, entry in sorted(signature_index().configs.items()):
        if "signature" in entry:
            tree, _, config = key.partition(":")
            found.setdefault(str(entry["signature"]), []).append((tree, config))
    return found


def clear_cache() -> None:
    """Forget what was read (after rebuilding the store in-process)."""
    signature_index.cache_clear()
    _signature_file.cache_clear()
    configs_by_signature.cache_clear()
