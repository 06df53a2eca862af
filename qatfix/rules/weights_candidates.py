"""The weights a run could load instead of its own, as planned fixes, for every QF1xx/QF2xx rule.

Order: the user's own trained float model (when tools/train.py saved one), then the official
exact match (same network, input size, classes and dataset, legacy or not), then other official
weights of the same network. Safety comes from `weights_fix_safety`, one decision with its
reason. A training config is never offered weights trained by itself or by a config derived
from it (or that it derives from): training from its own result is circular.

Where the fix goes follows ppdet: for QAT/PTQ the weights are read from the slim config, so the
fix goes there, never into the model config that float training also uses. When other
documented pairs use that slim config, the fix says so and a new slim file for this model
(`_BASE_` on the shared one plus the weights) is offered as well.
"""
from __future__ import annotations

import functools
import os
from typing import Any, Iterable, Sequence

from qatfix.findings import Safety
from qatfix.registry.fix_safety import FixSafety, weights_fix_safety
from qatfix.registry.urls import is_url, split_weights_suffix
from qatfix.rules.base import Change, PlannedFix
from qatfix.rules.context import CheckContext
from qatfix.errors import QatfixError
from qatfix.pairs import project_root, read_pairs
from qatfix.registry import config_key
from qatfix.config.yaml11 import format_string
from qatfix.config import resolve
from qatfix.registry import candidates


def label(entry: Any) -> str:
    size = f"{entry.input_size[0]}x{entry.input_size[1]}" if entry.input_size else "?"
    parts = [p for p in (entry.backbone, size, entry.dataset) if p]
    return f"{entry.name} ({', '.join(parts)})"


def own_trained_models(ctx: CheckContext) -> list[str]:
    """The run's own float model, as tools/train.py saves it (`<save_dir>/<stem>/model_final`),
    and a base's `weights:` when that file exists."""
    save_dir = ctx.get("save_dir") or "output"
    stem = os.path.splitext(os.path.basename(ctx.config_path))[0]
    found = []
    for name in ("model_final", "best_model"):
        rel = f"{save_dir}/{stem}/{name}"
        if os.path.isfile(ctx.run_path(rel) + ".pdparams"):
            found.append(rel)
    weights = ctx.get("weights")
    if isinstance(weights, str) and not is_url(weights) and weights not in found:
        stripped, _ = split_weights_suffix(weights)
        if os.path.isfile(ctx.run_path(stripped) + ".pdparams"):
            found.append(weights)
    return found


# --- where the weights go ----------------------------------------------------------------------

def weights_file(ctx: CheckContext) -> str:
    """The file a weights fix edits: the slim config for QAT/PTQ (ppdet reads the weights from
    it, and the model config serves float training too), else where the engine decides ("")."""
    if ctx.is_quant and ctx.slim_path and ctx.role == "model":
        return ctx.slim_path
    return ""


def weights_change(ctx: CheckContext, value: str) -> Change:
    return Change.set((ctx.weights_key,), value, path=weights_file(ctx), stale_comment=True)


def configured_pairs(ctx: CheckContext) -> tuple[tuple[str, str], ...]:
    """(model, slim) pairs of the project's `.qatfix.toml` / `[tool.qatfix]`, as paths relative
    to the run root (where the context's own paths are relative to)."""
    root = project_root(os.path.dirname(os.path.abspath(ctx.config_path)))
    if root is None:
        return ()
    try:
        pairs = read_pairs(root)
    except QatfixError:  # a broken settings file is reported where the run reads it
        return ()
    here = os.path.abspath(ctx.run_root)
    return tuple((os.path.relpath(os.path.join(root, p.config), here),
                  os.path.relpath(os.path.join(root, p.slim), here)) for p in pairs)


def other_pairs(ctx: CheckContext) -> list[str]:
    """Model configs other than this run's that use its slim config: pairs the READMEs
    document, pairs in `.qatfix.toml`, and the model whose official weights it loads now (the
    model it was written for)."""
    if not ctx.slim_path:
        return []

    slim_key = config_key(ctx.slim_path)
    own = config_key(ctx.config_path)
    users = {e.config for e in ctx.registry.get_config(slim_key)
             if e.slim_config == slim_key and e.config}
    users |= {config_key(model) for model, slim in configured_pairs(ctx)
              if config_key(slim) == slim_key}
    slim_own = ctx.slim_own
    current = slim_own.get(ctx.weights_key) if slim_own is not None else None
    entry = ctx.registry.lookup(current.strip()) if isinstance(current, str) else None
    if entry is not None and entry.config and entry.kind == "detector":
        users.add(entry.config)
    return sorted(users - {own})


def new_slim_path(ctx: CheckContext) -> str:
    """`<model stem>_<mode>.yml` next to the shared slim config."""
    assert ctx.slim_path is not None
    stem = os.path.splitext(os.path.basename(ctx.config_path))[0]
    return os.path.join(os.path.dirname(ctx.slim_path), f"{stem}_{ctx.mode.lower()}.yml")


def new_slim_text(ctx: CheckContext, value: str) -> str:
    assert ctx.slim_path is not None
    base = os.path.basename(ctx.slim_path)
    return (f"_BASE_: [{format_string(base)}]\n"
            f"{ctx.weights_key}: {format_string(value)}\n")


def new_slim_fix(ctx: CheckContext, title: str, value: str) -> PlannedFix | None:
    """A new slim file for this model only, leaving the shared one as the other pairs need it.
    Unsafe (reviewed, never applied by --apply): the run's command line changes with it."""
    path = new_slim_path(ctx)
    if os.path.lexists(path):
        return None
    command = f"tools/train.py -c {ctx.config_path} --slim_config {path}"
    return PlannedFix(f"{title} in a new slim file {os.path.basename(path)} for this model "
                      f"(then run {command})", "unsafe",
                      (Change.create(path, new_slim_text(ctx, value)),),
                      value=value, slim_config=path,
                      reason="the run's command line changes: review it")


def weights_fix(ctx: CheckContext, title: str, safety: Safety, value: str, reason: str = "",
                others: Sequence[str] = ()) -> PlannedFix:
    """The fix setting the weights, with the reason for its safety; when `others` (pairs
    other than this run's) use the slim config it edits, the title says so."""
    note = ""
    if others:
        shown = ", ".join(others[:3]) + (f" (+{len(others) - 3} more)" if len(others) > 3 else "")
        note = (f"{os.path.basename(ctx.slim_path or '')} is also used with {shown}, "
                "which this change would point at these weights")
    return PlannedFix(title, safety, (weights_change(ctx, value),), value=value, reason=reason,
                      note=note)


# --- which weights -----------------------------------------------------------------------------

@functools.lru_cache(maxsize=256)
def _chain(path: str, root: str) -> frozenset[str]:
    """The `configs/...` keys of a config and every file of its `_BASE_` chain (none of which
    may lie outside `root`)."""
    try:
        files = resolve(path, root=root).files
    except (QatfixError, OSError):
        files = (path,)
    return frozenset(config_key(f) for f in files)


def circular(ctx: CheckContext, entry: Any) -> bool:
    """Were `entry`'s weights trained by this training config, or by a config derived from it
    (or one it derives from)? Then training from them starts from its own result."""
    if ctx.is_quant or ctx.role == "teacher" or not entry.config:
        return False

    own = config_key(ctx.config_path)
    if entry.config == own:
        return True
    root = os.path.realpath(ctx.run_root)
    if entry.config in _chain(ctx.config_path, root):
        return True
    theirs = os.path.join(ctx.run_root, entry.config)
    return os.path.isfile(theirs) and own in _chain(theirs, root)


def official_candidates(ctx: CheckContext, require_size: bool = False
                        ) -> list[tuple[Any, FixSafety]]:
    """Official weights of this network with their safety: exact matches first (legacy or not),
    then current weights of the same network, in the registry's rank order."""
    exact, others = [], []
    for candidate in candidates(ctx.identity, ctx.registry, limit=40, explain=False):
        entry = candidate.entry
        if not candidate.same_network or circular(ctx, entry):
            continue
        if require_size and not candidate.same_input_size:
            continue
        verdict = weights_fix_safety(ctx.mode, ctx.identity, entry, ctx.checkout_tree)
        is_exact = (candidate.same_input_size and candidate.same_num_classes
                    and candidate.same_dataset)
        if is_exact:
            exact.append((entry, verdict))
        elif not entry.legacy:
            others.append((entry, verdict))
    return exact + others


def candidate_fixes(ctx: CheckContext, *, limit: int = 3, require_size: bool = False
                    ) -> tuple[PlannedFix, ...]:
    """Planned fixes for the run's weights, best first (see the module docstring). Only the first
    fix may be safe, and only when no trained model of the user's own is there to choose."""
    own = own_trained_models(ctx)
    others = other_pairs(ctx) if weights_file(ctx) else []
    fixes = [weights_fix(ctx, f"Load your own trained float model {path}", "unsafe", path,
                         "check it is the float model of this config", others[:0] if i else others)
             for i, path in enumerate(own)]
    first = (f"Load your own trained float model {own[0]}", own[0]) if own else None
    taken = 0
    for entry, verdict in official_candidates(ctx, require_size):
        safe = verdict.safe and not fixes
        reason = verdict.reason
        if verdict.safe and not safe:
            reason = ("an exact match too, but your own trained model comes first" if own else
                      "an exact match too; only the first one is proposed as safe")
        fixes.append(weights_fix(ctx, f"Use {label(entry)}", "safe" if safe else "unsafe",
                                 entry.url, reason, [] if fixes else others))
        first = first or (f"Use {label(entry)}", entry.url)
        taken += 1
        if taken >= limit:
            break
    alone = new_slim_fix(ctx, *first) if others and first else None
    return tuple(fixes) + ((alone,) if alone else ())


def own_model_fixes(ctx: CheckContext, taken: Iterable[str | None] = ()) -> tuple[PlannedFix, ...]:
    """Fixes loading the run's own trained model(s), unless already offered."""
    seen = set(taken)
    others = other_pairs(ctx) if weights_file(ctx) else []
    return tuple(weights_fix(ctx, f"Load your own trained model {path}", "unsafe", path, "",
                             others)
                 for path in own_trained_models(ctx) if path not in seen)
