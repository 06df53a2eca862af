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
from qatfix.rules.base import Change, PlannedFix, RenameKey, SetKey
from qatfix.rules.context import CheckContext
from qatfix.rules.quant.dead_keys import misspelt_weights_key
from qatfix.errors import QatfixError
from qatfix.config.pairs import project_root, read_pairs
from qatfix.registry import config_key
from qatfix.config.yaml11 import format_string
from qatfix.config.run_texts import resolve
from qatfix.registry import candidates
from qatfix.registry.loading import official_loading
from qatfix.rules.commands import command_line, shown_path
from qatfix.registry.records import WeightEntry


def label(entry: WeightEntry) -> str:
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


def weights_changes(ctx: CheckContext, value: str) -> tuple[SetKey | RenameKey, ...]:
    """Set the weights key; where a file of the run holds it misspelt (`pretrain_weight:`, which
    ppdet ignores; in the slim config for QAT/PTQ), give that key the value and rename it in
    place instead of adding a second key."""
    path = weights_file(ctx)
    misspelt = misspelt_weights_key(ctx, path or None)
    if misspelt is None:
        return (Change.set((ctx.weights_key,), value, path=path, stale_comment=True),)
    key, where = misspelt
    return (Change.set((key,), value, path=where, stale_comment=True),
            Change.rename((key,), ctx.weights_key, path=where))


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


def new_slim_fix(ctx: CheckContext, title: str, value: str, safety: Safety = "unsafe",
                 reason: str = "") -> PlannedFix | None:
    """A new slim file for this model only, leaving the shared one as the other pairs need it:
    no other run reads it, so it is as safe as its weights are; the run's command line changes
    to name it. When that file is already there and loads `value`, the fix is to run with it."""
    path = new_slim_path(ctx)
    command = command_line(ctx.step, ctx.mode, ctx.config_path, path)
    if os.path.lexists(path):
        if _loads_value(ctx, path, value):
            return PlannedFix(f"Run with {shown_path(path)}, which already loads "
                              f"{title.removeprefix('Use ')} for this model: {command}",
                              safety, (), value=value, slim_config=path,
                              reason=reason or "no file changes; the command line does")
        return None
    because = (f"{reason}; a new file only this run reads" if reason
               else "the run's command line changes: review it")
    return PlannedFix(f"{title} in a new slim file {os.path.basename(path)}",
                      safety, (Change.create(path, new_slim_text(ctx, value)),),
                      value=value, slim_config=path, reason=because, command=command)


def _loads_value(ctx: CheckContext, path: str, value: str) -> bool:
    """Does the slim config at `path` set the run's weights to `value` (and keep the run's
    slim mode)?"""
    try:
        own = resolve(path, root=os.path.realpath(ctx.run_root))
    except (QatfixError, OSError):
        return False
    current = own.get(ctx.weights_key)
    return (isinstance(current, str) and current.strip() == value
            and str(own.get("slim") or "") == ctx.mode)


def official_slim_fixes(ctx: CheckContext) -> tuple[PlannedFix, ...]:
    """When the slim config was written for another model and the model zoo documents a slim
    config of the same kind (`slim:`) for this one: run with that config instead (the command
    changes, no file does)."""
    if not ctx.slim_path or ctx.role != "model" or ctx.slim_own is None:
        return ()
    own = config_key(ctx.config_path)
    slim_key = config_key(ctx.slim_path)
    users = set(ctx.registry.models_paired_with(ctx.slim_path))
    current = ctx.slim_own.get(ctx.weights_key)
    entry = ctx.registry.lookup(current.strip()) if isinstance(current, str) else None
    if entry is not None and entry.kind == "detector" and entry.config:
        users.add(entry.config)
    if not users or own in users:
        return ()
    found: list[PlannedFix] = []
    for slim in sorted({e.slim_config for e in ctx.registry.get_config(own)
                        if e.config == own and e.slim_config and e.slim_config != slim_key}):
        path = os.path.join(ctx.run_root, slim)
        if not os.path.isfile(path):
            continue
        try:
            mode = resolve(path, root=os.path.realpath(ctx.run_root)).get("slim")
        except (QatfixError, OSError):
            continue
        if str(mode) != ctx.mode:
            continue
        written_for = " or ".join(sorted(users)[:2])
        found.append(PlannedFix(
            f"Run with {shown_path(path)}, the model zoo's {ctx.mode} config for this model "
            f"({os.path.basename(ctx.slim_path)} was written for {written_for}): "
            f"{command_line(ctx.step, ctx.mode, ctx.config_path, path)}",
            "safe" if not found else "unsafe", (), slim_config=path,
            reason=(f"the {ctx.mode} recipe the model zoo documents for "
                    f"{os.path.basename(ctx.config_path)}; no file changes, the command line does")
            if not found else "another documented config; only the first one is proposed as safe"))
    return tuple(found)


def weights_fix(ctx: CheckContext, title: str, safety: Safety, value: str, reason: str = "",
                others: Sequence[str] = ()) -> PlannedFix:
    """The fix setting the weights, with the reason for its safety; when `others` (pairs
    other than this run's) use the slim config it edits, the title says so."""
    note = ""
    if others:
        shown = ", ".join(others[:3]) + (f" (+{len(others) - 3} more)" if len(others) > 3 else "")
        note = (f"{os.path.basename(ctx.slim_path or '')} is also used with {shown}, "
                "which this change would point at these weights")
    return PlannedFix(title, safety, weights_changes(ctx, value), value=value, reason=reason,
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


def circular(ctx: CheckContext, entry: WeightEntry) -> bool:
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


#: how well a candidate loads, best first: every tensor, all but the class layers, unknown, part
_LOAD_RANK = {"fits": 0, "classes": 1, None: 2, "other": 3}


def load_figure(ctx: CheckContext, entry: Any) -> tuple[str | None, str]:
    """How `entry` loads into this model by the signatures: the verdict (`fits`, `classes`,
    `other`, or None when no signature tells) and, when only part loads, the figure."""
    loading = official_loading(ctx.identity, entry, ctx.checkout_tree)
    if loading is None:
        return None, ""
    verdict = loading.verdict
    if verdict != "other" or loading.loaded is None:
        return verdict, ""
    return verdict, f"{loading.loaded} of {loading.total} tensors load"


def official_candidates(ctx: CheckContext, require_size: bool = False
                        ) -> list[tuple[Any, FixSafety, str]]:
    """Official weights of this network with their safety and, when they load only in part,
    the figure: those whose signature loads fully into the model first (then all but the class
    layers, then unknown, then in part); exact matches (legacy or not) before current weights
    of the same network, in the registry's rank order."""
    found: list[tuple[tuple[int, bool, int], Any, FixSafety, str]] = []
    for candidate in candidates(ctx.identity, ctx.registry, limit=40, explain=False):
        entry = candidate.entry
        if not candidate.same_network or circular(ctx, entry):
            continue
        if require_size and not candidate.same_input_size:
            continue
        is_exact = (candidate.same_input_size and candidate.same_num_classes
                    and candidate.same_dataset)
        if not is_exact and entry.legacy:
            continue
        verdict = weights_fix_safety(ctx.mode, ctx.identity, entry, ctx.checkout_tree)
        loads, figure = load_figure(ctx, entry)
        found.append(((_LOAD_RANK[loads], not is_exact, len(found)), entry, verdict, figure))
    found.sort(key=lambda item: item[0])
    return [(entry, verdict, figure) for _, entry, verdict, figure in found]


def candidate_fixes(ctx: CheckContext, *, limit: int = 3, require_size: bool = False
                    ) -> tuple[PlannedFix, ...]:
    """Planned fixes for the run's weights, best first (see the module docstring). Only the first
    fix may be safe, and only when no trained model of the user's own is there to choose."""
    own = own_trained_models(ctx)
    others = other_pairs(ctx) if weights_file(ctx) else []
    fixes = [weights_fix(ctx, f"Load your own trained float model {path}", "unsafe", path,
                         "check it is the float model of this config", others[:0] if i else others)
             for i, path in enumerate(own)]
    first: tuple[str, str, Safety, str] | None = (
        (f"Load your own trained float model {own[0]}", own[0], "unsafe", "") if own else None)
    taken = 0
    for entry, verdict, figure in official_candidates(ctx, require_size):
        safe = verdict.safe and not fixes
        reason = verdict.reason
        if verdict.safe and not safe:
            reason = ("an exact match too, but your own trained model comes first" if own else
                      "an exact match too; only the first one is proposed as safe")
        fixes.append(weights_fix(ctx, f"Use {label(entry)}" + (f": {figure}" if figure else ""),
                                 "safe" if safe else "unsafe",
                                 entry.url, reason, [] if fixes else others))
        first = first or (f"Use {label(entry)}", entry.url, "safe" if safe else "unsafe",
                          verdict.reason)
        taken += 1
        if taken >= limit:
            break
    alone = new_slim_fix(ctx, *first) if others and first else None
    return official_slim_fixes(ctx) + tuple(fixes) + ((alone,) if alone else ())


def own_model_fixes(ctx: CheckContext, taken: Iterable[str | None] = ()) -> tuple[PlannedFix, ...]:
    """Fixes loading the run's own trained model(s), unless already offered."""
    seen = set(taken)
    others = other_pairs(ctx) if weights_file(ctx) else []
    return tuple(weights_fix(ctx, f"Load your own trained model {path}", "unsafe", path, "",
                             others)
                 for path in own_trained_models(ctx) if path not in seen)
