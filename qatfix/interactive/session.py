"""`qatfix CONFIG --interactive`: review each fixable finding in a terminal, then write once.

Findings are checked, each fixable one is shown with its diff and decided by the user (see
`flow`), and only at the end are the chosen fixes verified and written (see `finish`).
"""
from __future__ import annotations

import sys
from typing import Callable, Optional, Sequence

from qatfix.edit.apply import SourceFile
from qatfix.run.engine import contexts
from qatfix.errors import QatfixError, UsageError
from qatfix.findings import Finding, Fix
from qatfix.run.gate import exit_code
from qatfix.interactive import menus, prompts
from qatfix.interactive.display import item_text
from qatfix.interactive.finish import finish
from qatfix.interactive.flow import Action, Choose, Item, Review, step
from qatfix.interactive.fix_choices import custom_fix, custom_problem, fix_label, review_items
from qatfix.report import want_color
from qatfix.report.output import report, shown_path
from qatfix.rules import all_rules
from qatfix.rules.context import CheckContext
from qatfix.run.collect import collect
from qatfix.run.fixes import sources_of, verify_fixes
from qatfix.run.request import CheckRequest
from qatfix.config.kind import Step

NOT_A_TERMINAL = ("--interactive needs a terminal on stdin; use --apply to apply the safe fixes "
                  "(or --diff to see them)")


def stdin_is_terminal() -> bool:
    try:
        return sys.stdin is not None and sys.stdin.isatty()
    except (ValueError, OSError):
        return False


def context_lookup(configs: Sequence[str], slim: str | None, options: Sequence[str], *,
                   step: Step = "train", reader: str | None = None
                   ) -> Callable[[Finding], Optional[CheckContext]]:
    """The check context a finding belongs to, built on first need (one per config), as the
    run the finding came from: the same step, and an ACT run with the reader it was given."""
    known: dict[str, CheckContext] = {}
    pending = list(configs)

    def context_of(finding: Finding) -> Optional[CheckContext]:
        if finding.reader and finding.config not in known:
            for ctx in contexts(finding.config, None, options, step=step, reader=finding.reader):
                known.setdefault(ctx.config_path, ctx)
        while finding.config not in known and pending:
            for ctx in contexts(pending.pop(0), slim, options, step=step, reader=reader):
                known.setdefault(ctx.config_path, ctx)
        return known.get(finding.config)

    return context_of


class Session:
    """One review: the items, the files as read, and how to show and ask."""

    def __init__(self, items: tuple[Item, ...],
                 context_of: Callable[[Finding], Optional[CheckContext]], color: bool,
                 slim: str | None = None, options: Sequence[str] = (), deep: bool = False,
                 step: Step = "train"
                 ) -> None:
        self.items = items
        self.context_of = context_of
        self.color = color
        self.show_path = shown_path
        self.slim = slim
        self.options = tuple(options)
        #: fixes are verified with what `--deep` reads
        self.deep = deep
        self.step = step
        #: every file a fix may edit, as read before the first question
        self.sources: dict[str, SourceFile] = {}
        for fix in (fix for item in items for fix in item.choices):
            self.remember(fix)
        #: fixes the user chose to apply although re-checking rejects them
        self.forced: set[Fix] = set()
        self.review: Review | None = None

    def originals(self) -> dict[str, str]:
        return {path: source.text for path, source in self.sources.items()}

    def remember(self, fix: Fix) -> None:
        """Read the files a new fix edits, so the write can tell if they changed meanwhile
        (a file the fix creates must still not exist then)."""
        self.sources.update(sources_of([e.path for e in fix.edits if e.path not in self.sources]))

    def why(self, finding: Finding) -> str | None:
        rule = all_rules().get(finding.code)
        return rule.summary if rule else None

    def show(self, review: Review) -> None:
        item = review.current
        assert item is not None
        sys.stdout.write(item_text(review, self.originals(), self.why(item.finding),
                                   self.show_path, color=self.color))
        sys.stdout.flush()

    def decide(self, review: Review) -> Action:
        """Ask until the user settles on a flow action for the current item."""
        item = review.current
        assert item is not None
        message, entries = menus.action_menu(item, review.proposal)
        while True:
            answer = prompts.select(message, entries, menus.action_keys(entries))
            if answer == "help":
                print("\n".join(menus.help_lines(entries)))
                continue
            if answer != "choose":
                return answer
            chosen = self.choose(item, review.proposal)
            if chosen is not None:
                return Choose(chosen)

    def problem(self, finding: Finding, fix: Fix) -> str | None:
        """Why re-checking would reject `fix` on top of what was chosen so far, or None."""
        chosen = self.review.chosen if self.review is not None else ()
        try:
            _, verdicts = verify_fixes([*chosen, (finding, fix)], self.slim, self.options,
                                       deep=self.deep, step=self.step)
        except QatfixError as exc:
            return str(exc)
        last = verdicts[-1]
        return None if last.accepted else last.reason

    def choose(self, item: Item, proposal: Fix | None) -> Fix | None:
        """Another fix for the item, or None to go back."""
        ctx = self.context_of(item.finding)
        message, entries = menus.choice_menu(item, proposal, lambda fix: fix_label(fix, ctx))
        while True:
            picked = prompts.select(message, entries)
            if picked == "back":
                return None
            if isinstance(picked, Fix):
                fix = picked
            else:
                assert ctx is not None
                value = prompts.text(menus.CUSTOM_QUESTION, lambda text: custom_problem(ctx, text))
                if value is None:
                    continue  # back to the list
                try:
                    fix = custom_fix(ctx, value)
                    self.remember(fix)
                except QatfixError as exc:
                    print(f"qatfix: cannot use {value.strip()}: {exc}", file=sys.stderr)
                    return None
            if self.accepted(item.finding, fix):
                return fix

    def accepted(self, finding: Finding, fix: Fix) -> bool:
        """Check a chosen fix at once: one that re-checking rejects is explained, then applied
        anyway (the user's call) or given up for another pick."""
        reason = self.problem(finding, fix)
        if reason is None:
            return True
        print(f"qatfix: {fix.title.split(' [', 1)[0]}: {reason}")
        question, entries = menus.problem_menu(reason)
        if prompts.select(question, entries) != menus.APPLY_ANYWAY:
            return False
        self.forced.add(fix)
        return True

    def run(self) -> Review:
        review = Review.start(self.items)
        self.review = review
        while not review.done:
            self.show(review)
            review = step(review, self.decide(review))
            self.review = review
        return review


def run_interactive(request: CheckRequest, fail_on: str) -> int:
    if not stdin_is_terminal():
        raise UsageError(NOT_A_TERMINAL)
    collected = collect(request)
    findings = list(collected.findings)
    context_of = context_lookup(request.model_configs(), request.slim, request.options,
                                step=request.step, reader=request.reader)
    items = review_items(findings, context_of)
    if not items:
        sys.stdout.write(report(findings, "text"))
        print("nothing to fix")
        return 2 if collected.failures else exit_code(findings, fail_on)
    session = Session(items, context_of, want_color(sys.stdout), request.slim, request.options,
                      request.deep, request.step)
    review = session.run()
    return finish(request, fail_on, review, session.sources, findings, collected.failures,
                  session.forced)
