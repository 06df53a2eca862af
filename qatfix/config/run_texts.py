"""The configs read below a check that is not handed its texts, read with that check's texts.

Everything that reads a run's files is handed its `Texts`: `load_document`, `resolve`,
`kind_of`, the engine's `contexts` and `run_rules`, and the facts rules ask (`run/facts.py`).
One read is not: the official config an exported model's folder is named after
(`qatfix.model.exported.from_registry`, reached from the ACT rules). It goes through the
functions here, which read with the texts the engine set for the check (`reading`), kept in a
context variable for the length of that `with` block only: set and reset by one check, never
merged with another's, and separate for each thread.
"""
from __future__ import annotations

import contextlib
from contextvars import ContextVar
from typing import Iterator, Sequence

from qatfix.config.kind import kind_of as _kind_of
from qatfix.config.loader import DISK, Document, Texts
from qatfix.config.loader import load_document as _load_document
from qatfix.config.resolve import Resolved
from qatfix.config.resolve import resolve as _resolve

_RUN_TEXTS: ContextVar[Texts] = ContextVar("qatfix_run_texts", default=DISK)


@contextlib.contextmanager
def reading(texts: Texts) -> Iterator[None]:
    """Inside the block, what rules read on their own reads `texts` (none: the disk)."""
    token = _RUN_TEXTS.set(texts)
    try:
        yield
    finally:
        _RUN_TEXTS.reset(token)


def load_document(path: str) -> Document:
    """`qatfix.config.loader.load_document` with the run's texts."""
    return _load_document(path, _RUN_TEXTS.get())


def resolve(config: str, slim: str | None = None, options: Sequence[str] = (), *,
            root: str | None = None, options_after_slim: bool = True,
            dropped_options: Sequence[Sequence[str]] = ()) -> Resolved:
    """`qatfix.config.resolve.resolve` with the run's texts."""
    return _resolve(config, slim, options, root=root, options_after_slim=options_after_slim,
                    dropped_options=dropped_options, texts=_RUN_TEXTS.get())


def kind_of(path: str) -> str:
    """`qatfix.config.kind.kind_of` with the run's texts."""
    return _kind_of(path, _RUN_TEXTS.get())
