"""Splices into a text, the whole-line `TextEdit`s they make, applying those to texts in memory,
and writing the results back atomically.

A splice replaces `text[start:end]` by new text; every byte outside the splices stays as it was.
Its whole-line form widens it to the lines it touches, which is what a unified diff hunk or a
GitHub suggestion shows. A file is read once (`read_source`), keeping its bytes; it is written
only if it still has exactly those bytes, through a temporary file in the same folder that is
fsynced and then renamed over the original (mode bits kept), so a reader never sees half a file.
Applying edits that are already in the text changes nothing; edits whose lines no longer match
are refused.
"""
from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from qatfix.config.loader import check_readable
from qatfix.config import lexical
from qatfix.errors import EditError
from qatfix.findings import TextEdit
import tempfile


# --- splices and their whole-line form ---------------------------------------------------------

# Records below are plain classes with slots (treat them as immutable), not dataclasses: the default
# check imports this module to make its fix, and a class decorator costs that check more time
# than the records save.
class Splice:
    """Replace characters `start:end` of a text with `text` (an insertion when they are equal)."""

    __slots__ = ("start", "end", "text")

    def __init__(self, start: int, end: int, text: str) -> None:
        self.start = start
        self.end = end
        self.text = text

    def shifted(self, offset: int) -> Splice:
        return Splice(self.start + offset, self.end + offset, self.text)


def ordered_splices(splices: Iterable[Splice]) -> list[Splice]:
    """Splices sorted by position (stable for insertions at one point); overlaps are refused."""
    result = sorted(splices, key=lambda s: (s.start, s.end))
    for before, after in zip(result, result[1:]):
        if after.start < before.end:
            raise EditError(f"overlapping edits at characters {before.start} and {after.start}")
    return result


def apply_splices(text: str, splices: Iterable[Splice]) -> str:
    out: list[str] = []
    pos = 0
    for splice in ordered_splices(splices):
        out.append(text[pos:splice.start])
        out.append(splice.text)
        pos = splice.end
    out.append(text[pos:])
    return "".join(out)


def _line_span(text: str, splice: Splice) -> tuple[int, int]:
    """The whole-line region [from, to) a splice needs; equal ends mean a pure line insertion."""
    start, end = splice.start, splice.end
    at_line_start = start == lexical.line_start(text, start)
    if start == end and at_line_start and (splice.text.endswith("\n") or not splice.text):
        return start, start
    first = lexical.line_start(text, start)
    if end > start and end == lexical.line_start(text, end):
        return first, end
    return first, lexical.next_line_start(text, end)


def _joins(g_lo: int, g_hi: int, lo: int, hi: int) -> bool:
    """A line region joins the previous group when they overlap, or both insert at one point."""
    return lo < g_hi or (lo == hi == g_lo == g_hi)


def _past_copies(text: str, at: int, lines: str, limit: int) -> int:
    """Inserting lines just before a copy of themselves is the same as inserting them after it;
    the later point is used so that "already applied" can be told apart from "not yet"."""
    while lines and text.startswith(lines, at) and at + len(lines) <= limit:
        at += len(lines)
    return at


def text_edits(path: str, text: str, splices: Iterable[Splice]) -> tuple[TextEdit, ...]:
    """Whole-line `TextEdit`s equivalent to `splices` (splices sharing a line become one edit)."""
    groups: list[tuple[int, int, list[Splice]]] = []
    for splice in ordered_splices(s for s in splices if s.text or s.start != s.end):
        lo, hi = _line_span(text, splice)
        if groups and _joins(groups[-1][0], groups[-1][1], lo, hi):
            g_lo, g_hi, members = groups[-1]
            groups[-1] = (g_lo, max(g_hi, hi), [*members, splice])
        else:
            groups.append((lo, hi, [splice]))
    edits = []
    index = 0
    while index < len(groups):
        lo, hi, members = groups[index]
        new = apply_splices(text[lo:hi], (s.shifted(-lo) for s in members))
        if new and not new.endswith("\n") and hi < len(text):
            # the new text would end mid-line (a deleted line after a BOM): take the next line too
            hi = lexical.next_line_start(text, hi)
            while index + 1 < len(groups) and groups[index + 1][0] < hi:
                hi = max(hi, groups[index + 1][1])
                members = [*members, *groups[index + 1][2]]
                del groups[index + 1]
            groups[index] = (lo, hi, members)
            continue
        if lo == hi:
            lo = hi = _past_copies(text, lo, new, groups[index + 1][0] if index + 1 < len(groups)
                                   else len(text))
        old = text[lo:hi]
        first_line = text.count("\n", 0, lo) + 1
        last_line = first_line + len(lexical.lines_of(old)) - 1
        edits.append(TextEdit(path, first_line, last_line, old, new))
        index += 1
    return tuple(edits)


# --- files as read -----------------------------------------------------------------------------

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
