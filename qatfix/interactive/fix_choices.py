"""What a finding can be fixed with: its own fixes, the run's trained model, or the user's weights.

A finding about the weights a run loads (the QF1xx family, or one placed on the weights key) can
also take the run's own float model when tools/train.py has saved it, or any path or URL the user
types, checked the way ppdet would load it.
"""
from __future__ import annotations

import os
import re
from typing import Callable, Iterable, Optional

from qatfix.errors import EditError, QatfixError
from qatfix.findings import Finding, Fix
from qatfix.run.gate import most_severe_first
from qatfix.interactive.flow import Item
from qatfix.rules.base import PlannedFix
from qatfix.rules.context import CheckContext
from qatfix.edit.plan import realise_fix
from qatfix.rules.weights.candidates import weights_changes
from qatfix.rules.weights.candidates import own_trained_models
from qatfix.rules.weights.missing import local_problem
from qatfix.interactive.display import short_title

#: what a typed URL must look like: a scheme ppdet downloads, then something to download
_URL_FORM = re.compile(r"^(?:https?|ppdet)://[^\s/]+(?:/\S*)?$", re.IGNORECASE)

ContextOf = Callable[[Finding], Optional[CheckContext]]


def about_weights(finding: Finding, ctx: CheckContext) -> bool:
    """Is the finding about the weights the run loads (so other weights may fix it)?"""
    if finding.code.startswith("QF1"):
        return True
    origin = ctx.origin((ctx.weights_key,))
    return (origin is not None and bool(origin.line) and finding.location.path == origin.path
            and finding.location.line == origin.line)


def _realised(title: str, value: str, ctx: CheckContext) -> Fix | None:
    planned = PlannedFix(title, "unsafe", weights_changes(ctx, value), value=value)
    return realise_fix(planned, ctx)


def own_model_fixes(ctx: CheckContext, taken: Iterable[str | None]) -> tuple[Fix, ...]:
    """Fixes loading the run's own trained model(s), unless already offered."""
    seen = set(taken)
    fixes = []
    for path in own_trained_models(ctx):
        if path in seen:
            continue
        try:
            fix = _realised(f"Load your own trained model {path}", path, ctx)
        except QatfixError:
            continue
        if fix is not None:
            fixes.append(fix)
    return tuple(fixes)


def review_items(findings: Iterable[Finding], context_of: ContextOf) -> tuple[Item, ...]:
    """The findings worth a decision, most severe first, with what each can be fixed with."""
    items = []
    for finding in most_severe_first(findings):
        ctx = context_of(finding)
        weights = ctx is not None and about_weights(finding, ctx)
        # a corrected command line edits nothing: the finding shows it, there is nothing to apply
        choices = tuple(f for f in finding.fixes if not f.command_only)
        if weights and ctx is not None:
            choices += own_model_fixes(ctx, (f.value for f in choices))
        if choices or weights:
            items.append(Item(finding, choices, custom=weights))
    return tuple(items)


def custom_problem(ctx: CheckContext, text: str) -> str | None:
    """Why a typed weights path or URL cannot be used, or None."""
    value = text.strip()
    if not value:
        return "enter a path or a URL"
    if "://" in value:
        if not _URL_FORM.match(value):
            return "a URL must look like http(s)://host/path or ppdet://path"
        return None
    return local_problem(ctx, value)


def custom_fix(ctx: CheckContext, text: str) -> Fix:
    """The fix setting the weights key to a typed path or URL (check `custom_problem` first)."""
    value = text.strip()
    fix = _realised(f"Use {value}", value, ctx)
    if fix is None:
        raise EditError(f"{ctx.weights_key} is already {value}")
    return fix


def where_label(fix: Fix) -> str:
    """Where a fix that changes the run's slim config puts it: a new file, or one to run with."""
    if not fix.slim_config:
        return ""
    name = os.path.basename(fix.slim_config)
    if any(e.path == fix.slim_config and e.start_line == 1 and e.end_line == 0 and not e.old_text
           for e in fix.edits):
        return f" in a new slim file {name}"
    return f" by running with {name} (no file changes)"


def fix_label(fix: Fix, ctx: CheckContext | None) -> str:
    """One line naming what a fix loads: the official weights and how they fit, or a path;
    and where it goes when that is not the run's own slim config (a new file, another one)."""
    title = (short_title(fix).splitlines() or [""])[0]
    if ctx is None or not fix.value:
        return title
    entry = ctx.registry.lookup(fix.value)
    if entry is None:
        return title
    facts = []
    if entry.family or entry.variant:
        facts.append(" ".join(p for p in (entry.family, entry.variant) if p))
    if entry.input_size:
        facts.append(f"{entry.input_size[0]}x{entry.input_size[1]}")
    if entry.dataset:
        facts.append(entry.dataset)
    classes = ctx.identity.num_classes
    if entry.num_classes is not None and classes is not None and entry.num_classes != classes:
        plural = "es" if entry.num_classes != 1 else ""
        facts.append(f"{entry.num_classes} class{plural}, your model {classes}")
    model = entry.model
    if model is not None:
        same = ctx.identity.same_network(model)
        facts.append("same network as your model" if same else "NOT the network of your model")
    named = f"{entry.name} ({', '.join(facts)})" if facts else entry.name
    return named + where_label(fix)
