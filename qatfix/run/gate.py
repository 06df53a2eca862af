"""The one gate every finding passes, whatever made it (the rules engine, `--deep`, the run).

Like flake8's decision engine it decides, in one place: which codes are wanted (`--select`,
`--ignore`: code prefixes, the longer match wins), which findings the config itself silences
(`# qatfix: ignore[QF201]` on the finding's line, or a bare `# qatfix: ignore`), which repeats
count once, and the order findings are shown and acted on. What was not checked (QF000, QF002,
QF003) is always reported: no selection or comment turns it into "all clear".
"""
from __future__ import annotations

from typing import NamedTuple

import re
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence

from qatfix.config import Document, load_document
from qatfix.config.loader import DISK, Texts
from qatfix.errors import QatfixError
from qatfix.findings import SEVERITY_RANK, Finding
from qatfix.rules.inputs.not_checked import UNCHECKED_CODES

_SUPPRESS = re.compile(r"#\s*qatfix:\s*ignore(?:\[(?P<codes>[A-Z0-9,\s]+)\])?", re.IGNORECASE)

def split_codes(text: str) -> tuple[str, ...]:
    """`"QF1, qf201"` -> `("QF1", "QF201")`: a comma-separated list of codes or prefixes."""
    return tuple(c.upper() for c in (p.strip() for p in text.split(",")) if c)


def _prefixes(codes: Iterable[str]) -> tuple[str, ...]:
    return tuple(c.strip().upper() for c in codes if c.strip())


def _longest_match(code: str, prefixes: tuple[str, ...]) -> int | None:
    """The length of the longest prefix in `prefixes` that `code` starts with, None for none."""
    lengths = [len(prefix) for prefix in prefixes if code.startswith(prefix)]
    return max(lengths) if lengths else None


class Gate(NamedTuple):
    """What a run wants to see: `select` and `ignore` hold code prefixes (`QF1` is QF1xx)."""

    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()

    @classmethod
    def of(cls, select: Iterable[str] = (), ignore: Iterable[str] = ()) -> "Gate":
        return cls(_prefixes(select), _prefixes(ignore))

    def wants(self, code: str) -> bool:
        """Is `code` selected (or nothing selected) and not ignored? When both lists match, the
        longer prefix decides (`--select QF101 --ignore QF1` keeps QF101, `--select QF1
        --ignore QF101` drops it); an ignore as long as the select wins."""
        selected = _longest_match(code, self.select) if self.select else 0
        if selected is None:
            return False
        ignored = _longest_match(code, self.ignore)
        return ignored is None or selected > ignored

    def admit(self, findings: Iterable[Finding],
              documents: Mapping[str, Document] | None = None,
              texts: Texts = DISK) -> list[Finding]:
        """The wanted findings that no inline comment silences, each once, in `order`; the
        lines are read from `documents`, else from the files (`texts` standing in for some)."""
        lines = _Lines(documents or {}, texts)
        kept = (f for f in findings if f.code in UNCHECKED_CODES
                or (self.wants(f.code) and not lines.silences(f)))
        return order(unique(kept, same_finding))


class _Lines:
    """Lines of the files findings point at, read once (the resolved documents first)."""

    def __init__(self, documents: Mapping[str, Document], texts: Texts) -> None:
        self.documents = documents
        self.texts = texts
        self.lines: dict[str, list[str]] = {}

    def line(self, path: str, number: int) -> str:
        if path not in self.lines:
            document = self.documents.get(path)
            if document is None:
                try:
                    document = load_document(path, self.texts)
                except QatfixError:
                    document = None
            self.lines[path] = document.text.splitlines() if document is not None else []
        lines = self.lines[path]
        return lines[number - 1] if 0 < number <= len(lines) else ""

    def silences(self, finding: Finding) -> bool:
        """Does the finding's line end with `# qatfix: ignore[...]` naming its code (or none)?"""
        if not finding.location.line:
            return False
        match = _SUPPRESS.search(self.line(finding.location.path, finding.location.line))
        if not match:
            return False
        codes = match.group("codes")
        return codes is None or finding.code in {c.strip().upper() for c in codes.split(",")}


def same_finding(finding: Finding) -> Hashable:
    """Two findings are one when code, place and message agree (two rules or two runs saying
    the same thing)."""
    return (finding.code, finding.location, finding.message)


def same_finding_and_fix(finding: Finding) -> Hashable:
    """As `same_finding`, but findings whose fixes differ stay apart, so fixes that disagree
    about one line are all seen (and refused together)."""
    return (finding.code, finding.location, finding.message, finding.fix)


def unique(findings: Iterable[Finding],
           key: Callable[[Finding], Hashable] = same_finding) -> list[Finding]:
    """The first finding of each `key`, in the order given."""
    seen: dict[Hashable, Finding] = {}
    for finding in findings:
        seen.setdefault(key(finding), finding)
    return list(seen.values())


def place_key(finding: Finding) -> tuple[str, int, int, int, str, str]:
    """THE finding order: by file, then position, then severity, code and message, so no output
    depends on the order rules ran in."""
    where = finding.location
    return (where.path, where.line, where.column,
            SEVERITY_RANK.get(finding.severity, len(SEVERITY_RANK)), finding.code,
            finding.message)


def order(findings: Iterable[Finding]) -> list[Finding]:
    """Findings in the one order (`place_key`)."""
    return sorted(findings, key=place_key)


def most_severe_first(findings: Iterable[Finding]) -> list[Finding]:
    """Errors, then warnings, then infos, each in the one order: how fixes are tried and how the
    interactive review asks."""
    return sorted(findings, key=lambda f: (SEVERITY_RANK.get(f.severity, len(SEVERITY_RANK)),
                                           *place_key(f)))


def fails(findings: Sequence[Finding], fail_on: str) -> bool:
    """Is any finding at `fail_on` severity or worse? `never` fails nothing."""
    if fail_on == "never":
        return False
    limit = SEVERITY_RANK[fail_on]
    return any(SEVERITY_RANK[f.severity] <= limit for f in findings)


def exit_code(findings: Sequence[Finding], fail_on: str) -> int:
    """1 when a finding reaches the `fail_on` threshold, else 0 (input errors are the CLI's 2)."""
    return 1 if fails(findings, fail_on) else 0
