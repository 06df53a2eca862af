"""Keep the shipped registry's parsed JSON beside it, the way Python keeps bytecode.

Parsing the 0.8 MB `weights.json` is the largest single cost of a check once Python has started
(about 5 ms in a fresh process); reading back a `marshal` copy of the parsed data takes about a
third of that. The copy lives in a `__pycache__` folder next to the JSON (or under
`PYTHONPYCACHEPREFIX`), is named for the interpreter (marshal's format is per Python version),
and records the JSON's size and modification time: any difference, or any problem reading it,
means the JSON is parsed again. It is written after a parse, atomically and only where Python
itself would write bytecode (`PYTHONDONTWRITEBYTECODE` and `-B` turn it off); failing to write
is not an error. Only data that `json.loads` returned goes in, so the copy holds nothing JSON
could not.
"""
from __future__ import annotations

import marshal
import os
import sys
from pathlib import Path
from typing import Any, Optional

#: bumped when what is stored changes
FORMAT = 1


def cache_path(source: Path) -> Optional[Path]:
    """Where the parsed copy of `source` lives for this interpreter (None: nowhere to put it)."""
    tag = sys.implementation.cache_tag
    if tag is None:
        return None
    name = f"{source.name}.{tag}.marshal"
    if sys.pycache_prefix:
        folder = source.resolve().parent
        return Path(sys.pycache_prefix, *folder.parts[1:], name)  # as Python places bytecode
    return source.parent / "__pycache__" / name


def _stamp(info: os.stat_result) -> tuple[int, int, int]:
    return FORMAT, info.st_size, info.st_mtime_ns


def load(source: Path, info: os.stat_result) -> Any:
    """The parsed data stored for `source` as it is now (`info`), or None."""
    path = cache_path(source)
    if path is None:
        return None
    try:
        stored = marshal.loads(path.read_bytes())
    except (OSError, ValueError, EOFError, TypeError):
        return None
    if not (isinstance(stored, tuple) and len(stored) == 2 and stored[0] == _stamp(info)):
        return None
    return stored[1]


def store(source: Path, info: os.stat_result, data: Any) -> None:
    """Keep `data` (what `json.loads` made of `source`) for the next process; never raises."""
    path = cache_path(source)
    if path is None or sys.dont_write_bytecode:
        return
    temp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        payload = marshal.dumps((_stamp(info), data))
        path.parent.mkdir(parents=True, exist_ok=True)
        temp.write_bytes(payload)
        os.replace(temp, path)
    except (OSError, ValueError):
        try:
            temp.unlink()
        except OSError:
            pass
