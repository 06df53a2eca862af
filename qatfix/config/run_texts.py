"""The files a rule reads on its own, read with the texts of the run it judges.

Everything that reads a run's files is handed its `Texts` (`load_document`, `resolve`, `kind_of`,
the engine's `contexts` and `run_rules`), except the rules: they are called with a
`CheckContext` alone and read some files themselves (a reader config on its own, the leaf's
`_BASE_` list, a candidate slim config). Those reads go through the functions here, which read
with the texts the engine set for the run being checked (`reading`), kept in a context variable
for the length of that `with` block only: set and reset by one check, never merged with
another's, and separate for each thread.
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
