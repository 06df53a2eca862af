"""The installed paddle, PaddleSlim, ppdet and Paddle2ONNX, and the paddle an exported model was
written by: read from package metadata and model files, never by importing paddle.

- installed packages: the `Version:` of their `*.dist-info/METADATA` (or `*.egg-info/PKG-INFO`)
  on `sys.path`, the first found as `importlib.metadata` would (paddlepaddle or
  paddlepaddle-gpu, paddleslim, paddledet, paddle2onnx), read directly because importing
  `importlib.metadata` costs every check a few milliseconds;
- a PaddleDetection checkout's own ppdet (what `tools/*.py` import from the checkout, before any
  installed paddledet): `PPDET_VERSION` in its setup.py ("0.0.0" on develop);
- an exported model: paddle 2's `model.pdmodel` records the writing release in ProgramDesc's
  `version` field (major * 1000000 + minor * 1000 + patch; 0 for a develop build), read with a
  few lines of protobuf wire format; paddle 3's `model.json` (PIR) records only its own format
  version, so it says "paddle >= 3.0".
"""
from __future__ import annotations

import functools
import json
import os
import re
import sys
from typing import NamedTuple, Optional

from qatfix.model.protobuf import message_fields

#: distribution names of each package, the first installed one wins
DISTRIBUTIONS = {
    "paddle": ("paddlepaddle", "paddlepaddle-gpu"),
    "paddleslim": ("paddleslim",),
    "paddledet": ("paddledet",),
    "paddle2onnx": ("paddle2onnx",),
}
_SETUP_VERSION = re.compile(r"""^PPDET_VERSION\s*=\s*['"]([^'"]+)['"]""", re.M)


class Package(NamedTuple):
    """One package as found: its version and where that was read."""

    name: str
    version: Optional[str]
    #: "paddlepaddle 3.3.1 (package metadata)", or what was not found
    source: str

    @property
    def found(self) -> bool:
        return self.version is not None


class Environment(NamedTuple):
    """The packages a run uses."""

    paddle: Package
    paddleslim: Package
    paddledet: Package
    paddle2onnx: Package
    #: the ppdet of the PaddleDetection checkout the run is in, when there is one
    checkout_ppdet: Optional[Package] = None

    @property
    def ppdet(self) -> Package:
        """The ppdet `tools/*.py` import: the checkout's own, else the installed paddledet."""
        return self.checkout_ppdet or self.paddledet

    def packages(self) -> tuple[Package, ...]:
        return (self.paddle, self.paddleslim, self.ppdet, self.paddle2onnx)


class ModelWriter(NamedTuple):
    """The paddle that wrote an exported program."""

    #: "2.4.2", "3 (PIR)", or None when it cannot be told
    version: Optional[str]
    #: the file read, and how
    source: str
    #: (major, minor) when known
    release: Optional[tuple[int, int]] = None


def version_tuple(text: Optional[str]) -> Optional[tuple[int, ...]]:
    """(2, 6, 0) of "2.6.0", "2.6.0.post112", "3.0.0rc1"; None for no version."""
    if not text:
        return None
    parts: list[int] = []
    for part in text.split("."):
        digits = re.match(r"\d+", part)
        if digits is None:
            break
        parts.append(int(digits.group()))
        if digits.group() != part:
            break
    return tuple(parts) if parts else None


def _normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()


def installed_version(distribution: str) -> Optional[str]:
    """The version of the installed distribution `distribution` (`paddlepaddle-gpu`), from the
    first metadata folder for it on `sys.path`; None when it is not installed."""
    wanted = _normalized(distribution)
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        for folder in names:
            stem, dot, suffix = folder.rpartition(".")
            if suffix not in ("dist-info", "egg-info") or not dot:
                continue
            if _normalized(stem.split("-")[0]) != wanted:
                continue
            meta = os.path.join(entry, folder, "METADATA" if suffix == "dist-info" else "PKG-INFO")
            try:
                with open(meta, encoding="utf-8", errors="replace") as handle:
                    for line in handle:
                        if line.startswith("Version:"):
                            return line.partition(":")[2].strip()
                        if not line.strip():
                            break  # the headers end at the first blank line
            except OSError:
                continue
    return None


def _package(name: str) -> Package:
    for distribution in DISTRIBUTIONS[name]:
        found = installed_version(distribution)
        if found is None:
            continue
        return Package(name, found, f"{distribution} {found} (package metadata)")
    names = " or ".join(DISTRIBUTIONS[name])
    return Package(name, None, f"{names} is not installed")


def checkout_ppdet(start: str) -> Optional[Package]:
    """The ppdet of the PaddleDetection checkout holding `start` (its setup.py's
    PPDET_VERSION), or None outside a checkout."""
    folder = os.path.abspath(start)
    while True:
        setup = os.path.join(folder, "setup.py")
        if os.path.isdir(os.path.join(folder, "ppdet")) and os.path.isfile(setup):
            try:
                with open(setup, encoding="utf-8") as handle:
                    found = _SETUP_VERSION.search(handle.read())
            except (OSError, UnicodeDecodeError):
                found = None
            version = found.group(1) if found else None
            shown = ("develop (PPDET_VERSION 0.0.0)" if version == "0.0.0" else version)
            return Package("ppdet", version,
                           f"the checkout's ppdet {shown} ({setup})" if version else
                           f"the checkout's ppdet, version not found in {setup}")
        parent = os.path.dirname(folder)
        if parent == folder:
            return None
        folder = parent


@functools.lru_cache(maxsize=4)
def environment(start: str = ".") -> Environment:
    """The packages installed beside qatfix, and the checkout ppdet of the folder `start`."""
    return Environment(paddle=_package("paddle"), paddleslim=_package("paddleslim"),
                       paddledet=_package("paddledet"), paddle2onnx=_package("paddle2onnx"),
                       checkout_ppdet=checkout_ppdet(start))


# ---------------------------------------------------------------- the paddle that wrote a model

#: ProgramDesc.version (framework.proto: `optional Version version = 4`), Version.version = 1
_PROGRAM_VERSION_FIELD = 4


def pdmodel_writer(path: str) -> ModelWriter:
    """The paddle release recorded in a paddle 2 `model.pdmodel`."""
    try:
        with open(path, "rb") as handle:
            data = handle.read()
        fields = message_fields(data)
    except (OSError, ValueError):
        return ModelWriter(None, f"{path} (not a readable protobuf program)")
    for number, wire, value in fields:
        if number == _PROGRAM_VERSION_FIELD and wire == 2 and isinstance(value, bytes):
            try:
                inner = message_fields(value)
            except ValueError:
                break
            code = next((v for n, w, v in inner if n == 1 and w == 0 and isinstance(v, int)), 0)
            if not code:
                return ModelWriter("develop (version 0)", f"{path} (ProgramDesc.version 0)")
            major, minor, patch = code // 1000000, code // 1000 % 1000, code % 1000
            return ModelWriter(f"{major}.{minor}.{patch}",
                               f"{path} (ProgramDesc.version {code})", (major, minor))
    return ModelWriter(None, f"{path} (no ProgramDesc.version: written before paddle 2.0)")


def model_writer(model_dir: str) -> Optional[ModelWriter]:
    """The paddle that wrote the program in `model_dir` (model.json or model.pdmodel), or None
    when the folder holds neither."""
    program = os.path.join(model_dir, "model.json")
    if os.path.isfile(program):
        try:
            with open(program, encoding="utf-8") as handle:
                data = json.load(handle)
        except (OSError, ValueError):
            return ModelWriter(None, f"{program} (not readable JSON)")
        base = data.get("base_code") if isinstance(data, dict) else None
        if isinstance(base, dict) and base.get("magic") == "pir":
            return ModelWriter(">= 3.0 (PIR)", f"{program} (base_code magic pir, format version "
                               f"{base.get('version')}; the release is not recorded)", (3, 0))
        return ModelWriter(None, f"{program} (no PIR base_code)")
    legacy = os.path.join(model_dir, "model.pdmodel")
    if os.path.isfile(legacy):
        return pdmodel_writer(legacy)
    return None
