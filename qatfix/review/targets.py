"""Which (config, slim) combinations a pull request asks to be checked.

Every changed config and every config inheriting from one is a target. When such a file takes
part in a configured pair (as the model config, the slim config, or a base of either), the pair
is checked instead of the lone file: a slim config means little without its model config. A
changed ACT config is checked with the reader its run uses, a changed reader config through the
ACT configs beside it that run with it (`act_targets`).
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from qatfix.config.inheritance import bases_of, descendants, is_config_path
from qatfix.config.pairs import Pair
from qatfix.review.act_targets import act_targets, unread_readers

#: why a changed reader config beside ACT configs is not checked
UNREAD_READER = ("a ppdet reader config beside ACT configs, but no ACT config there is known "
                 "to run with it (none names it in Global.reader_config, none is run with it "
                 "in the README, and none has it as the one reader beside it that fits)")


@dataclass(frozen=True, order=True)
class Target:
    """One call of the rules engine (repository-relative paths)."""

    config: str
    slim: str | None = None
    #: the reader config an ACT config is checked with (repository-relative)
    reader: str | None = None
    #: why that reader (or why none): the review says which reader it took
    reader_why: str = ""

    @property
    def unread_reader(self) -> bool:
        """A changed reader config that no ACT run reads: reported as not checked (QF002)."""
        return self.reader_why == UNREAD_READER

    def __str__(self) -> str:
        if self.reader is not None:
            return f"{self.config} with the reader {self.reader}"
        return self.config if self.slim is None else f"{self.config} + {self.slim}"


def _chain(root: str, rel: str) -> set[str]:
    """`rel` and every file its `_BASE_` list reaches."""
    seen: set[str] = set()
    todo = [rel]
    while todo:
        current = todo.pop()
        if current not in seen:
            seen.add(current)
            todo.extend(bases_of(root, current))
    return seen


def select_targets(root: str, changed: Iterable[str], pairs: Iterable[Pair] = (),
                   candidates: Iterable[str] | None = None) -> tuple[Target, ...]:
    """Targets for the changed files, sorted; `candidates` limits the repository scan (tests)."""
    changed_configs = sorted({p for p in changed if is_config_path(p)})
    affected = set(changed_configs) | set(descendants(root, changed_configs, candidates))
    targets: set[Target] = set()
    paired: set[str] = set()
    for pair in pairs:
        involved = _chain(root, pair.config) | _chain(root, pair.slim)
        hit = affected & involved
        if hit:
            targets.add(Target(pair.config, pair.slim))
            paired |= {pair.config, pair.slim}
    acts, readers = act_targets(root, affected - paired)
    for act in acts:
        targets.add(Target(act.config, reader=act.reader, reader_why=act.note))
    for rel in unread_readers(acts, readers, root):
        targets.add(Target(rel, reader_why=UNREAD_READER))
    for rel in affected - paired - readers - {act.config for act in acts}:
        targets.add(Target(rel))
    return tuple(sorted(targets, key=lambda t: (t.config, t.slim or "", t.reader or "")))
