"""The loaded registry and its lookup indexes, built on first use.

Entries stay plain dicts until asked for, so loading costs little more than `json.loads`.
"""
from __future__ import annotations

from pathlib import PurePath
from typing import Any, Iterator, Optional, Sequence

from qatfix.registry.records import WeightEntry
from qatfix.registry.urls import canonical_url, is_url, weights_stem


def config_key(config_path: str) -> str:
    """`configs/...` part of a path inside a PaddleDetection tree (the path itself otherwise):
    how the registry names a config."""
    parts = PurePath(config_path.replace("\\", "/")).parts
    if "configs" in parts:
        index = len(parts) - 1 - parts[::-1].index("configs")
        return "/".join(parts[index:])
    return "/".join(parts)


class Registry:
    """Official weights, indexed by canonical URL, name and config."""

    def __init__(self, raw_entries: Sequence[dict[str, Any]], sources: tuple[Any, ...] = (),
                 origin: str = "<registry>") -> None:
        self._raw = list(raw_entries)
        self._entries: list[Optional[WeightEntry]] = [None] * len(self._raw)
        self.sources = sources
        self.origin = origin
        self._by_url: Optional[dict[str, int]] = None
        self._by_name: Optional[dict[str, list[int]]] = None
        self._by_config: Optional[dict[str, list[int]]] = None
        self._by_architecture: Optional[dict[str, list[int]]] = None

    def __len__(self) -> int:
        return len(self._raw)

    def __iter__(self) -> Iterator[WeightEntry]:
        return (self.entry(i) for i in range(len(self._raw)))

    def entry(self, index: int) -> WeightEntry:
        cached = self._entries[index]
        if cached is None:
            cached = self._entries[index] = WeightEntry.from_json(self._raw[index])
        return cached

    def _entries_at(self, indexes: Sequence[int]) -> tuple[WeightEntry, ...]:
        return tuple(self.entry(i) for i in indexes)

    def _url_index(self) -> dict[str, int]:
        if self._by_url is None:
            index: dict[str, int] = {}
            for i, raw in enumerate(self._raw):
                index.setdefault(raw["url"], i)
            self._by_url = index
        return self._by_url

    def _name_index(self) -> dict[str, list[int]]:
        if self._by_name is None:
            index: dict[str, list[int]] = {}
            for i, raw in enumerate(self._raw):
                index.setdefault(raw["name"].lower(), []).append(i)
            self._by_name = index
        return self._by_name

    def _config_index(self) -> dict[str, list[int]]:
        if self._by_config is None:
            index: dict[str, list[int]] = {}
            for i, raw in enumerate(self._raw):
                for key in ("config", "slim_config"):
                    if raw.get(key):
                        index.setdefault(raw[key], []).append(i)
            self._by_config = index
        return self._by_config

    def _architecture_index(self) -> dict[str, list[int]]:
        if self._by_architecture is None:
            index: dict[str, list[int]] = {}
            for i, raw in enumerate(self._raw):
                if isinstance(raw.get("architecture"), str):
                    index.setdefault(raw["architecture"], []).append(i)
            self._by_architecture = index
        return self._by_architecture

    def of_architecture(self, architecture: str) -> tuple[WeightEntry, ...]:
        """Entries whose model has this architecture class, in file order (the others are
        never turned into records: candidate ranking reads only these)."""
        return self._entries_at(self._architecture_index().get(architecture, ()))

    def get_url(self, url: str) -> Optional[WeightEntry]:
        """The entry for a URL in any spelling (see `canonical_url`), or None."""
        try:
            key = canonical_url(url)
        except ValueError:
            return None
        found = self._url_index().get(key)
        return None if found is None else self.entry(found)

    def get_name(self, name: str) -> tuple[WeightEntry, ...]:
        """Entries whose URL stem is `name` (several files may share a stem)."""
        return self._entries_at(self._name_index().get(name.lower(), ()))

    def get_file_name(self, name: str) -> tuple[WeightEntry, ...]:
        """Entries with this stem; `name` may also be a file name (`x.pdparams`)."""
        return self.get_name(weights_stem(name))

    def get_local_path(self, path: str) -> tuple[WeightEntry, ...]:
        """Entries a local weights file is a download of, judged by its file name (ppdet caches
        downloads as `~/.cache/paddle/weights/<stem>.pdparams`)."""
        return self.get_file_name(PurePath(path.replace("\\", "/")).name)

    def get_config_path(self, config_path: str) -> tuple[WeightEntry, ...]:
        """Entries trained with this config (or produced with it as slim config), wherever the
        PaddleDetection tree holding it lies."""
        return self.get_config(config_key(config_path))

    def find(self, reference: str) -> tuple[WeightEntry, ...]:
        """Entries a `pretrain_weights`/`weights` value refers to: a URL known to the registry
        gives exactly its entry; an unknown URL or a local path falls back to the file name,
        which may match several entries (or none)."""
        text = reference.strip()
        if not text:
            return ()
        if is_url(text):
            entry = self.get_url(text)
            return (entry,) if entry is not None else self.get_file_name(text)
        return self.get_local_path(text)

    def lookup(self, reference: str) -> Optional[WeightEntry]:
        """The one entry a weights URL, name or local file stands for; None if unknown or ambiguous."""
        found = self.find(reference)
        return found[0] if len(found) == 1 else None

    def models_paired_with(self, slim_config_path: str) -> list[str]:
        """Model configs the model-zoo READMEs pair with this slim config (`configs/...`)."""
        key = config_key(slim_config_path)
        return sorted({e.config for e in self.get_config(key) if e.slim_config == key and e.config})

    def get_config(self, config: str) -> tuple[WeightEntry, ...]:
        """Entries trained with (or sliming) the config at this `configs/...` path."""
        return self._entries_at(self._config_index().get(config, ()))
