"""Files around a build: the data the builder merges in, and atomic writes of its output.

`trees.json` names the branch/commit/date of each tree label; `num_params.json` keeps parameter
counts computed with paddle ("develop:configs/x.yml": count), so a rebuild without paddle writes
the same bytes.
"""
from __future__ import annotations

import contextlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any, Mapping

from qatfix.errors import RegistryError

TREES_FILE = "trees.json"
NUM_PARAMS_FILE = "num_params.json"


def read_json_object(path: Path, what: str) -> dict[str, Any]:
    """A JSON object from `path`; {} when the file does not exist."""
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise RegistryError(f"cannot read {what}: {exc}", path=str(path)) from None
    if not isinstance(data, dict):
        raise RegistryError(f"{what} must be a JSON object", path=str(path))
    return data


def read_num_params(path: Path) -> dict[str, int]:
    data = read_json_object(path, "parameter counts")
    bad = [k for k, v in data.items() if not isinstance(v, int) or isinstance(v, bool)]
    if bad:
        raise RegistryError(f"parameter count of {bad[0]} is not an integer", path=str(path))
    return data


def format_num_params(counts: Mapping[str, int]) -> str:
    return json.dumps(dict(sorted(counts.items())), indent=1) + "\n"


def write_atomically(path: Path, text: str) -> None:
    """Write `text` to `path` through a temporary file, so readers never see half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=str(path.parent))
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
