"""Apply whole-line `TextEdit`s to texts in memory, and write the results back atomically.

A file is read once (`read_source`), keeping its bytes; it is written only if it still has
exactly those bytes, through a temporary file in the same folder that is fsynced and then
renamed over the original (mode bits kept), so a reader never sees half a file. Applying edits
that are already in the text changes nothing; edits whose lines no longer match are refused.
"""
from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from qatfix.config.loader import check_readable
from qatfix.edit import lexical
from qatfix.errors import EditError
from qatfix.findings import TextEdit
import tempfile


@dataclass(frozen=True)
class SourceFile:
    """A file as read: its text (BOM and line breaks as they are) and its bytes, to tell whether
    it changed before writing (configs are small; comparing bytes needs no hashing)."""

    path: str
    text: str
    data: bytes = field(repr=False)
    #: False for a file a fix creates: it must still not exist when written
    exists: bool = True


def _read_bytes(path: str) -> bytes:
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except FileNotFoundError:
        raise EditError("no such file", path=path) from None
    except IsADirectoryError:
        raise EditError("is a directory", path=path) from None
    except OSError as exc:
        raise EditError(f"cannot read: {exc.strerror or exc}", path=path) from None


def new_source(path: str) -> SourceFile:
    """A file a fix creates; refused when something is already there."""
    if os.path.lexists(path):
        raise EditError("file exists; not overwritten", path=path)
    return SourceFile(path, "", b"", exists=False)


def read_source(path: str) -> SourceFile:
    check_readable(path, EditError)  # no FIFO/device (would block), nothing over the size limit
    data = _read_bytes(path)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise EditError("not UTF-8 text; refusing to edit", path=path, line=line) from None
    return SourceFile(path, text, data)


# --- in memory ---------------------------------------------------------------------------------

def _line_count(text: str) -> int:
    return len(lexical.lines_of(text))


def _sorted_checked(edits: Iterable[TextEdit]) -> list[TextEdit]:
    unique = list(dict.fromkeys(edits))
    ordered = sorted(unique, key=lambda e: (e.start_line, e.end_line))
    for a, b in zip(ordered, ordered[1:]):
        both_insert = a.end_line < a.start_line and b.end_line < b.start_line
        if b.start_line <= a.end_line or (both_insert and a.start_line == b.start_line):
            raise EditError(f"overlapping edits at lines {a.start_line}-{a.end_line} and "
                            f"{b.start_line}-{b.end_line}", path=a.path, line=b.start_line)
    for edit in ordered:
        if edit.end_line < edit.start_line - 1 or edit.start_line < 1:
            raise EditError(f"bad edit range {edit.start_line}-{edit.end_line}", path=edit.path)
        if edit.end_line == edit.start_line - 1 and edit.old_text:
            raise EditError("an insertion must not replace text", path=edit.path,
                            line=edit.start_line)
    return ordered


def _matches(lines: list[str], first: int, count: int, text: str) -> bool:
    """Do lines[first:first+count] (0-based) read exactly `text`?"""
    return first + count <= len(lines) and "".join(lines[first:first + count]) == text


def apply_text_edits(text: str, edits: Iterable[TextEdit]) -> str:
    """`text` with the edits applied. Already applied edits change nothing; stale ones raise."""
    ordered = _sorted_checked(edits)
    if not ordered:
        return text
    lines = lexical.lines_of(text)
    old_spans = [(e.start_line - 1, e.end_line - e.start_line + 1) for e in ordered]
    applicable = all(_matches(lines, first, count, e.old_text)
                     for e, (first, count) in zip(ordered, old_spans))
    applied = _already_applied(lines, ordered)
    if applicable and applied:
        # an insertion's empty old text always matches and a deletion's empty new text too:
        # only lines that are really there (old ones to replace) say "not applied yet"
        applied = not any(e.old_text for e in ordered)
    if applied:
        return text
    if applicable:
        out: list[str] = []
        pos = 0
        for edit, (first, count) in zip(ordered, old_spans):
            out += lines[pos:first]
            out.append(edit.new_text)
            pos = first + count
        out += lines[pos:]
        return "".join(out)
    bad = next(e for e, (first, count) in zip(ordered, old_spans)
               if not _matches(lines, first, count, e.old_text))
    raise EditError("the text changed since this fix was computed; re-run qatfix", path=bad.path,
                    line=bad.start_line)


def _already_applied(lines: list[str], ordered: Sequence[TextEdit]) -> bool:
    shift = 0
    for edit in ordered:
        old_count = edit.end_line - edit.start_line + 1
        new_count = _line_count(edit.new_text)
        if not _matches(lines, edit.start_line - 1 + shift, new_count, edit.new_text):
            return False
        shift += new_count - old_count
    return True


def apply_to_texts(texts: Mapping[str, str],
                   edits: Mapping[str, Sequence[TextEdit]]) -> dict[str, str]:
    """New texts for every path in `edits` (others untouched); nothing is written."""
    result: dict[str, str] = {}
    for path, file_edits in edits.items():
        if path not in texts:
            raise EditError("edits for a file that was not read", path=path)
        for edit in file_edits:
            if edit.path != path:
                raise EditError(f"edit for {edit.path} filed under {path}", path=path)
        result[path] = apply_text_edits(texts[path], file_edits)
    return result


# --- on disk -----------------------------------------------------------------------------------

def _check_creatable(path: str) -> None:
    folder = os.path.dirname(os.path.abspath(path)) or "."
    if not os.path.isdir(folder):
        raise EditError(f"folder {folder} does not exist; nothing written", path=path)
    if not os.access(folder, os.W_OK | os.X_OK):
        raise EditError(f"folder {folder} is not writable; nothing written", path=path)


def _check_writable(path: str) -> os.stat_result:
    real = os.path.realpath(path)
    try:
        info = os.stat(real)
    except OSError as exc:
        raise EditError(f"cannot write: {exc.strerror or exc}", path=path) from None
    if not stat.S_ISREG(info.st_mode):
        raise EditError("not a regular file; refusing to write", path=path)
    if not info.st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH) \
            or not os.access(real, os.W_OK):
        raise EditError("file is not writable; nothing written", path=path)
    folder = os.path.dirname(real) or "."
    if not os.access(folder, os.W_OK | os.X_OK):
        raise EditError(f"folder {folder} is not writable; nothing written", path=path)
    return info


def _check_unchanged(source: SourceFile) -> None:
    if not source.exists:
        if os.path.lexists(source.path):
            raise EditError("file appeared since qatfix looked; nothing written",
                            path=source.path)
        return
    if _read_bytes(source.path) != source.data:
        raise EditError("file changed since it was read; nothing written, re-run qatfix",
                        path=source.path)


def _temporary_copy(source: SourceFile, real: str, data: bytes) -> str:
    """`data` in a new temporary file beside `real`, fsynced; its path."""

    try:
        fd, temp = tempfile.mkstemp(prefix=f".{os.path.basename(real)}.", suffix=".tmp",
                                    dir=os.path.dirname(real) or ".")
    except OSError as exc:
        raise EditError(f"cannot write: {exc.strerror or exc}; nothing written",
                        path=source.path) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException as exc:
        try:
            os.unlink(temp)
        except OSError:
            pass
        if isinstance(exc, OSError):
            raise EditError(f"cannot write: {exc.strerror or exc}; nothing written",
                            path=source.path) from None
        raise
    return temp


def _replace_atomically(source: SourceFile, data: bytes, info: os.stat_result) -> None:
    real = os.path.realpath(source.path)
    folder = os.path.dirname(real) or "."
    temp = _temporary_copy(source, real, data)
    try:
        os.chmod(temp, stat.S_IMODE(info.st_mode))
        if hasattr(os, "chown") and (info.st_uid, info.st_gid) != (os.getuid(), os.getgid()):
            try:
                os.chown(temp, info.st_uid, info.st_gid)
            except PermissionError:
                pass
        _check_unchanged(source)
        os.replace(temp, real)
    except BaseException as exc:
        try:
            os.unlink(temp)
        except OSError:
            pass
        if isinstance(exc, OSError):
            raise EditError(f"cannot write: {exc.strerror or exc}; nothing written",
                            path=source.path) from None
        raise
    _fsync_folder(folder)


def _create_atomically(source: SourceFile, data: bytes) -> None:
    """Write a new file whole: a temporary file, fsynced, then linked to the name (which fails
    if a file of that name appeared meanwhile)."""
    real = os.path.abspath(source.path)
    folder = os.path.dirname(real) or "."
    temp = _temporary_copy(source, real, data)
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temp, 0o666 & ~umask)
        os.link(temp, real)
    except OSError as exc:
        raise EditError(f"cannot write: {exc.strerror or exc}; nothing written",
                        path=source.path) from None
    finally:
        try:
            os.unlink(temp)
        except OSError:
            pass
    _fsync_folder(folder)


def _fsync_folder(folder: str) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def write_all(sources: Mapping[str, SourceFile], new_texts: Mapping[str, str]) -> list[str]:
    """Write every changed text; returns the paths written.

    Every file is checked first (unchanged since read, writable), so a refusal writes nothing.
    """
    missing = [path for path in new_texts if path not in sources]
    if missing:
        raise EditError("new text for a file that was not read", path=missing[0])
    todo = [(sources[path], text) for path, text in new_texts.items()
            if text != sources[path].text]
    infos: list[os.stat_result | None] = []
    for source, _ in todo:
        _check_unchanged(source)
        if source.exists:
            infos.append(_check_writable(source.path))
        else:
            _check_creatable(source.path)
            infos.append(None)
    for (source, text), info in zip(todo, infos):
        if info is None:
            _create_atomically(source, text.encode("utf-8"))
        else:
            _replace_atomically(source, text.encode("utf-8"), info)
    return [source.path for source, _ in todo]
