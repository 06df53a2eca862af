"""The key -> shape signature of the weights a config names, from whatever is at hand.

In order: a local `.pdparams` (ppdet's suffix rules: with or without `.pdparams`), a URL already
in the cache, the signature of the registry entry's config for the user's ppdet and tree (see
`official_weights`: the signature store, or the same config of the user's tree built with ppdet),
the entry's `model` sections built with ppdet, and finally a download into the cache (unless
offline). Every file is read by qatfix's restricted reader (`qatfix.model.checkpoint`), never by
`paddle.load`: a file it refuses is bad input (ConfigError), and a refused download is not kept.
"""
from __future__ import annotations

from dataclasses import dataclass
import os
from typing import Any, Mapping

from qatfix.deep import download
from qatfix.deep.runtime import PpdetRuntime, load_runtime
from qatfix.deep.signature import Signature
from qatfix.errors import ConfigError, DeepCheckError
from qatfix.model.checkpoint import read_checkpoint
from qatfix.registry.urls import PPDET_SUFFIXES, is_url, split_weights_suffix
from qatfix.errors import RegistryError
from qatfix.registry import load_registry


@dataclass(frozen=True)
class WeightsSignature:
    """A weights file's signature and how it was obtained."""

    value: str
    signature: Signature
    #: "local file", "cached download", "download", "model sections", "given model sections"
    #: or "official config"
    via: str
    #: the .pdparams read, when one was
    path: str | None = None
    #: the registry entry whose sections were built, when that was the source
    entry: str | None = None
    #: how an official config's signature was found (store or the user's tree)
    origin: str | None = None

    def describe(self) -> str:
        if self.path:
            return f"{self.via} {self.path}"
        if self.origin:
            return f"{self.via} of {self.entry} ({self.origin}; nothing downloaded)"
        if self.entry:
            return f"{self.via} of {self.entry} (built with ppdet, nothing downloaded)"
        return f"{self.via} (built with ppdet, nothing downloaded)"


def local_weights_path(value: str, base_dir: str | None = None) -> str:
    """The `.pdparams` file ppdet's `load_pretrain_weight` reads for a local value."""
    path = os.path.expanduser(value)
    if base_dir and not os.path.isabs(path):
        path = os.path.join(base_dir, path)
    stem, suffix = split_weights_suffix(path)
    if suffix not in PPDET_SUFFIXES:
        raise DeepCheckError(f"ppdet rejects the weights path {value!r}: unknown suffix "
                             f"{suffix!r} (it accepts none or .pdparams)")
    return stem + ".pdparams"


def read_signature(path: str) -> Signature:
    """The signature of a `.pdparams` file, read by qatfix's restricted reader: paddle never
    unpickles it (a pickle runs what it names), and a file that is not a state dict of arrays is
    refused with one line (ConfigError)."""
    checkpoint = read_checkpoint(path)
    return Signature(checkpoint.shapes, checkpoint.dtypes)


def registry_entry(value: str) -> Any | None:
    """The registry entry for a weights URL, or None (also when no registry is available)."""

    try:
        return load_registry().get_url(value)
    except RegistryError:
        return None


def weights_signature(value: str, *, offline: bool = False, cache_dir: str | None = None,
                      base_dir: str | None = None, sections: Mapping[str, Any] | None = None,
                      runtime: PpdetRuntime | None = None,
                      config: str | None = None) -> WeightsSignature:
    """The signature of the weights `value` names (see module docstring for the order).

    `sections` stands in for the registry's model sections of a URL the registry lacks;
    `config` is the user's config, whose PaddleDetection tree may hold the entry's config.
    """
    from qatfix.deep.build import signature_from_sections
    from qatfix.deep.official_weights import official_signature, version_mismatch

    runtime = runtime or load_runtime()
    if not is_url(value):
        path = local_weights_path(value, base_dir)
        if not os.path.isfile(path):
            raise DeepCheckError(f"the weights file {path} does not exist; ppdet would stop "
                                 "with 'Model pretrain path ... does not exists'")
        return WeightsSignature(value, read_signature(path), "local file", path)

    url = download.download_url(value)
    cached = download.cache_path(url, cache_dir)
    if cached.is_file():
        return WeightsSignature(value, read_signature(str(cached)), "cached download",
                                str(cached))
    if sections is not None:
        return WeightsSignature(value, signature_from_sections(sections, runtime=runtime),
                                "given model sections")
    entry = registry_entry(value)
    official = official_signature(entry, config, runtime) if entry is not None else None
    if official is not None and entry is not None:
        return WeightsSignature(value, official[0], "official config", entry=f"registry entry {entry.name}",
                                origin=official[1])
    if entry is not None and entry.model:
        try:
            return WeightsSignature(value, signature_from_sections(entry.model, runtime=runtime),
                                    "model sections", entry=f"registry entry {entry.name}")
        except DeepCheckError as exc:
            if offline:
                reason = exc.message.rpartition("sections: ")[2]
                raise version_mismatch(entry, runtime.source, reason) from None
    fetched = download.fetch(url, cache_dir=cache_dir, offline=offline)
    try:
        signature = read_signature(str(fetched))
    except ConfigError:
        fetched.unlink(missing_ok=True)  # the cache keeps no file the reader refused
        raise
    return WeightsSignature(value, signature, "download", str(fetched))
