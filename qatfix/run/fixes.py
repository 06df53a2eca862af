"""Fixes verified in memory, then written: what `--diff`, `--apply` and `--interactive` share.

A fix is kept only when, applied on top of the fixes kept before it, re-resolving and re-running
the rules shows its finding gone and no new error. Writes are atomic and refused when a file
changed since it was read; after writing, the run is checked again.
"""
from __future__ import annotations

from dataclasses import dataclass
import os
from collections.abc import Mapping, Sequence
from typing import AbstractSet

from qatfix.config.loader import Texts
from qatfix.edit.apply import SourceFile, apply_text_edits, new_source, read_source, write_all
from qatfix.edit.plan import current_text
from qatfix.run.engine import check
from qatfix.errors import QatfixError
from qatfix.findings import Finding, Fix, TextEdit
from qatfix.run.gate import most_severe_first
from qatfix.run.collect import Collected, collect
from qatfix.run.plan import Run
from qatfix.run.request import CheckRequest
from qatfix.config.kind import Step


@dataclass(frozen=True)
class Verdict:
    """Whether a fix survived verification, and why not when it did not."""

    finding: Finding
    fix: Fix
    accepted: bool
    reason: str = ""


def chosen_fix(finding: Finding, unsafe: bool) -> Fix | None:
    """The fix `--apply` writes for `finding` (None: none, an unsafe one without
    `--unsafe-fixes`, or a corrected command line, which edits no file)."""
    if finding.fix is None or finding.fix.command_only:
        return None
    return finding.fix if unsafe or finding.fix.safety == "safe" else None


def _errors(findings: Sequence[Finding]) -> set[tuple[str, str, str]]:
    """Errors by code, file and message: a fix that swaps one wrong value for another creates
    a new error even though the code and file stay the same."""
    return {(f.code, f.location.path, f.message) for f in findings if f.severity == "error"}


def recheck(config: str, slim: str | None, options: Sequence[str], texts: dict[str, str], *,
            step: Step = "train", reader: str | None = None, deep: bool = False) -> list[Finding]:
    """The run checked again over `texts`: the same step, and the same ACT reader; with `deep`,
    an ACT run's exported program is the one paddle loads, as the `--deep` findings were made."""
    read_program = None
    if deep:
        from qatfix.deep.act_program import program_of_run  # the paddle boundary: --deep only

        read_program = program_of_run
    return check(Run(config, slim, reader), CheckRequest(options=tuple(options), step=step),
                 read_program=read_program, texts=Texts.of(texts))


def _same_code(findings: Sequence[Finding], code: str) -> set[tuple[str, str, str]]:
    """Findings of one code by file and message: a fix must not trade its finding for another
    of the same kind (a reader fixed for weights an earlier fix already replaced)."""
    return {(f.code, f.location.path, f.message) for f in findings if f.code == code}


def texts_with_edits(edits: Sequence[TextEdit], originals: dict[str, str]) -> dict[str, str]:
    """Every touched file with all `edits` applied to its original text.

    Each fix's edits are numbered against the file as read, so they are applied together to
    that text rather than one after another (an earlier fix may add or remove lines).
    `originals` caches the texts as read.
    """
    by_path: dict[str, list[TextEdit]] = {}
    for edit in edits:
        by_path.setdefault(edit.path, []).append(edit)
    new = {}
    for path, file_edits in by_path.items():
        if path not in originals:
            originals[path] = current_text(path, new=creates(file_edits))
        new[path] = apply_text_edits(originals[path], file_edits)
    return new


def creates(edits: Sequence[TextEdit]) -> bool:
    """Do these edits write a file that does not exist yet (one insertion at line 1)?"""
    return (len(edits) == 1 and edits[0].start_line == 1 and edits[0].end_line == 0
            and not os.path.lexists(edits[0].path))


def created_text(errors: AbstractSet[tuple[str, str, str]]) -> str:
    """`it would create QF201 in X (pretrain_weights ... was trained at 416x416, but the readers
    use 320x320 ...)`: each new error with what its message says first (up to its colon)."""
    shown = []
    for code, path, message in sorted(errors):
        what = message.split(": ", 1)[0].split("\n", 1)[0]
        shown.append(f"{code} in {path} ({what})" if what else f"{code} in {path}")
    return "it would create " + "; ".join(shown)


def verify_fixes(pairs: Sequence[tuple[Finding, Fix]], slim: str | None, options: Sequence[str],
                 forced: AbstractSet[Fix] = frozenset(), *, step: Step = "train",
                 deep: bool = False
                 ) -> tuple[dict[str, str], list[Verdict]]:
    """Try each (finding, fix) in order on top of the fixes kept before it: texts with every
    verified fix applied, and a verdict per fix tried. A fix that writes a new slim config is
    checked as the run with that slim config. `forced` fixes are kept even when re-checking
    finds a problem with them (the user chose to apply them anyway). Each fix is re-checked as
    the run its finding came from: the request's `step` and the finding's ACT reader; with
    `deep`, with what `--deep` reads (an ACT run's program as paddle loads it)."""
    texts: dict[str, str] = {}
    kept: list[TextEdit] = []
    originals: dict[str, str] = {}
    verdicts: list[Verdict] = []
    pairs, conflicts = without_conflicts(pairs)
    verdicts.extend(conflicts)
    for finding, fix in pairs:
        run_slim = finding.slim or slim
        reader = finding.reader or None
        try:
            candidate = texts_with_edits([*kept, *fix.edits], originals)
            before = recheck(finding.config, run_slim, options, texts, step=step, reader=reader,
                             deep=deep)
            after = recheck(finding.config, fix.slim_config or run_slim, options, candidate,
                            step=step, reader=reader, deep=deep)
        except QatfixError as exc:
            verdicts.append(Verdict(finding, fix, False, str(exc)))
            continue
        still = [f for f in after if f.code == finding.code and f.location == finding.location
                 and f.message == finding.message]
        new_errors = _errors(after) - _errors(before)
        if fix in forced:
            pass
        elif still:
            verdicts.append(Verdict(finding, fix, False, "the finding remains after the fix"))
            continue
        elif _same_code(after, finding.code) - _same_code(before, finding.code):
            verdicts.append(Verdict(finding, fix, False,
                                    f"it would create another {finding.code} (an earlier fix "
                                    "already changed what this one answers)"))
            continue
        elif new_errors:
            verdicts.append(Verdict(finding, fix, False, created_text(new_errors)))
            continue
        texts = candidate
        kept.extend(fix.edits)
        slim = fix.slim_config or slim
        verdicts.append(Verdict(finding, fix, True))
    return texts, verdicts


def without_conflicts(pairs: Sequence[tuple[Finding, Fix]]
                      ) -> tuple[list[tuple[Finding, Fix]], list[Verdict]]:
    """Fixes that change the same lines in different ways (several model configs sharing one
    slim config, each wanting other weights) are never applied first-come: all of them are
    refused, naming every config involved. Identical fixes from several configs count once."""
    by_lines: dict[tuple[str, int, int], list[tuple[Finding, Fix]]] = {}
    for finding, fix in pairs:
        for edit in fix.edits:
            by_lines.setdefault((edit.path, edit.start_line, edit.end_line), []).append(
                (finding, fix))
    refused: set[int] = set()
    verdicts: list[Verdict] = []
    for (path, line, _), group in sorted(by_lines.items()):
        texts = {tuple(e.new_text for e in fix.edits) for _, fix in group}
        if len(texts) < 2:
            continue
        configs = sorted({f.config for f, _ in group})
        reason = (f"{len(configs)} configs share {path}:{line} and need different fixes there "
                  f"({', '.join(configs[:4])}{', ...' if len(configs) > 4 else ''}); fix it "
                  "for one run with -c MODEL --slim_config SLIM --interactive")
        for finding, fix in group:
            if id(fix) not in refused:
                refused.add(id(fix))
                verdicts.append(Verdict(finding, fix, False, reason))
    kept: list[tuple[Finding, Fix]] = []
    seen: set[tuple[object, ...]] = set()
    for finding, fix in pairs:
        key = tuple((e.path, e.start_line, e.end_line, e.new_text) for e in fix.edits)
        if id(fix) in refused or key in seen:
            continue
        seen.add(key)
        kept.append((finding, fix))
    return kept, verdicts


def verify(findings: Sequence[Finding], slim: str | None, options: Sequence[str],
           unsafe: bool, *, step: Step = "train",
           deep: bool = False) -> tuple[dict[str, str], list[Verdict]]:
    """Texts with every verified fix applied, and a verdict per fix tried."""
    pairs = [(f, fix) for f in most_severe_first(findings) if (fix := chosen_fix(f, unsafe)) is not None]
    return verify_fixes(pairs, slim, options, step=step, deep=deep)


def sources_of(paths: Sequence[str]) -> dict[str, SourceFile]:
    """Each file as read now (a file not there yet as one a fix may create), so a write can
    tell whether it changed meanwhile."""
    return {path: read_source(path) if os.path.lexists(path) else new_source(path)
            for path in paths}


def edited_paths(findings: Sequence[Finding], unsafe: bool) -> list[str]:
    """The files the chosen fixes of `findings` edit."""
    return sorted({e.path for f in findings if (fix := chosen_fix(f, unsafe)) for e in fix.edits})


@dataclass(frozen=True)
class Written:
    """What verify -> write -> re-check did."""

    verdicts: tuple[Verdict, ...]
    #: paths written, in order
    written: tuple[str, ...]
    #: paths among `written` that did not exist before
    created: tuple[str, ...]
    #: the run checked again after writing
    after: Collected

    @property
    def accepted(self) -> int:
        return sum(1 for v in self.verdicts if v.accepted)


def changed_texts(texts: Mapping[str, str], sources: Mapping[str, SourceFile]) -> dict[str, str]:
    """The texts that differ from the files as read."""
    return {path: text for path, text in texts.items() if text != sources[path].text}


def write_and_recheck(request: CheckRequest, sources: Mapping[str, SourceFile],
                      texts: Mapping[str, str], verdicts: Sequence[Verdict], *,
                      follow_new_slim: bool = True) -> Written:
    """Write the verified texts (all or nothing), then check the run again; with
    `follow_new_slim`, with the slim config a fix created."""
    written = write_all(sources, changed_texts(texts, sources))
    created = tuple(path for path in written if not sources[path].exists)
    new_slims = [v.fix.slim_config for v in verdicts
                 if follow_new_slim and v.accepted and v.fix.slim_config in created]
    again = request.with_slim(new_slims[-1]) if new_slims else request
    return Written(tuple(verdicts), tuple(written), created, collect(again))
