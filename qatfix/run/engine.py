"""Turn a ppdet command line into findings: resolve, pick the contexts, run rules.

Every finding then passes `qatfix.run.gate` (selection, inline suppression, de-duplication, order),
the same gate `--deep` findings pass, so rules stay pure functions that only say what is wrong.
"""
from __future__ import annotations

import os
from dataclasses import replace
from typing import TYPE_CHECKING, Iterable, Optional, Sequence

from qatfix.config import Resolved, resolve
from qatfix.config.kind import is_slim_only
from qatfix.config.resolve import LOADED_BEFORE_FINAL_OPTIONS
from qatfix.errors import QatfixError, UsageError
from qatfix.findings import Finding, Fix
from qatfix.run.gate import Gate, order, unique
from qatfix.rules import engine_rules
from qatfix.rules.base import Issue, PlannedFix, Rule
from qatfix.config.repo_paths import find_run_root
from qatfix.rules.context import CheckContext
from qatfix.rules.facts import Facts
from qatfix.run.facts import machine_facts
from qatfix.edit.plan import realise_fix
from qatfix.config import ConfigMap
from qatfix.config.kind import kind_of
from qatfix.config.loader import DISK, Texts
from qatfix.config.kind import DISTILL_MODES, Step
from qatfix.config.deploy_scripts import split_pasted
from qatfix.run.plan import Run
from qatfix.run.request import CheckRequest

if TYPE_CHECKING:
    from qatfix.config.script_flags import ParsedCommand
    from qatfix.model.act_run import ProgramReader


def slim_mode(slim_own: Resolved | None) -> str:
    """The `slim:` value of a slim config resolved on its own, or "train" without one."""
    value = slim_own.get("slim") if slim_own is not None else None
    return str(value) if value else "train"


def contexts(config: str, slim: str | None = None, options: Sequence[str] = (), *,
             root: str | None = None, online: bool = False,
             dropped_options: Sequence[Sequence[str]] = (), step: Step = "train",
             reader: str | None = None, read_program: Optional[ProgramReader] = None,
             pasted: Sequence[str] = (), facts: Facts | None = None,
             texts: Texts = DISK) -> list[CheckContext]:
    """The configs to check for one run. For distillation the `-c` config is the student and the
    slim config describes the teacher: each is checked against its own weights. `step` is the
    ppdet script the run is for (`train`, `eval`, `export`, `infer`, `post_quant`, or `act`
    for PaddleSlim auto-compression, with `reader` the `--config` of run_det.py, and
    `read_program` what reads its exported program under `--deep`; or `deploy` for a pasted
    command that runs an exported model, `pasted` that command from its interpreter on).
    `texts` stand in for files (fixes being verified before they are written). The contexts
    share `facts` (this machine's read with those texts, computed as the rules ask, unless
    given)."""
    facts = facts if facts is not None else machine_facts(texts)
    if step == "deploy":
        return [_deploy_context(config, pasted, online=online, facts=facts)]
    if is_act_run(config, slim, options, step, texts):
        return [_act_context(config, reader, pasted=step == "act", online=online,
                             read_program=read_program, root=root, facts=facts, texts=texts,
                             script=split_pasted(pasted)[1] if pasted else "")]
    slim_own = resolve(slim, root=root, texts=texts) if slim else None
    if slim_own is not None and not slim_own.get("slim"):
        hint = " (it sets `architecture`: did you mean -c?)" if slim_own.get("architecture") else ""
        raise UsageError(f"given as --slim_config but it has no `slim:` key{hint}; ppdet's "
                         "build_slim_model stops with KeyError: 'slim'", path=slim)
    mode = slim_mode(slim_own)
    run_root = find_run_root(config)
    dropped = tuple(tuple(g) for g in dropped_options)
    if mode == "Distill" and slim_own is not None and step != "train":
        # build_slim_model returns the config unchanged outside training: the -c model alone
        alone = resolve(config, None, options, root=root, dropped_options=dropped, texts=texts)
        return [CheckContext(alone, "train", "model", run_root, online, None, slim_own,
                             step=step, facts=facts)]
    if mode in DISTILL_MODES and slim_own is not None:
        student = resolve(config, None, options, root=root, dropped_options=dropped,
                          texts=texts)
        merged = resolve(config, slim, options, root=root, dropped_options=dropped,
                         texts=texts) if step == "train" else None
        return [CheckContext(student, "train", "student", run_root, online, step=step,
                             trained_with=merged, facts=facts),
                CheckContext(slim_own, "train", "teacher", run_root, online, step=step,
                             facts=facts)]
    if slim and options and mode in LOADED_BEFORE_FINAL_OPTIONS and step == "train":
        at_load = resolve(config, slim, options, root=root, options_after_slim=False,
                          dropped_options=dropped, texts=texts)
        final = resolve(config, slim, options, root=root, texts=texts)
        found = [CheckContext(at_load, mode, "model", run_root, online, final, slim_own,
                              step=step, facts=facts)]
    else:
        resolved = resolve(config, slim, options, root=root, dropped_options=dropped,
                           texts=texts)
        found = [CheckContext(resolved, mode, "model", run_root, online, None, slim_own,
                              step=step, facts=facts)]
    if slim is None:
        found.extend(_documented_pair(found[0], options, root, texts))
    if pasted:
        command = _tools_command(pasted)
        if command is not None:
            found = [replace(ctx, command=command) for ctx in found]
    return found


def _tools_command(pasted: Sequence[str]) -> ParsedCommand | None:
    """A pasted ppdet tools command as its script's parser reads it, or None when the script is
    not where the command says (its flags are then passed over, as before)."""
    from qatfix.config.script_flags import parse_command, read_parser

    launcher, script, tokens = split_pasted(pasted)
    parser = read_parser(os.path.expanduser(script)) if os.path.isfile(script) else None
    return parse_command(parser, tokens, pasted) if parser is not None else None


def _deploy_context(script: str, pasted: Sequence[str], *, online: bool,
                    facts: Facts) -> CheckContext:
    """A pasted inference, evaluation or conversion command, checked by the QF98 rules
    (`qatfix.model.deployment`)."""
    from qatfix.model.deployment import deploy_run

    launcher, name, tokens = split_pasted(pasted)
    run = deploy_run(launcher, name, tokens)
    empty = Resolved(config_path=script, slim_path=None, options=(), data=ConfigMap())
    return CheckContext(empty, "deploy", "model", os.getcwd(), online, step="deploy",
                        deploy=run, facts=facts)


def is_act_run(config: str, slim: str | None, options: Sequence[str], step: Step,
               texts: Texts = DISK) -> bool:
    """The run is PaddleSlim auto-compression: a pasted ACT script, or an ACT config alone."""
    return step == "act" or (slim is None and not options and kind_of(config, texts) == "act")


def _act_context(config: str, reader: str | None, *, pasted: bool, online: bool,
                 read_program: Optional[ProgramReader] = None,
                 root: str | None = None, facts: Facts, texts: Texts = DISK,
                 script: str = "") -> CheckContext:
    """An ACT config is checked as the run of its script (`qatfix.act`), by the QF9 rules;
    `script` is the one a pasted command runs, when it was passed on (PaddleSlim's PTQ
    `post_quant.py` and `eval.py`)."""
    from qatfix.model.act_run import act_run

    run = act_run(config, reader, pasted, read_program, root=root, texts=texts,
                  command_script=script)
    return CheckContext(run.act, "act", "model", run.run_dir, online, step="act", act=run,
                        facts=facts)


def _documented_pair(ctx: CheckContext, options: Sequence[str], root: str | None,
                     texts: Texts) -> list[CheckContext]:
    """A slim config given alone: also check it with the model config the READMEs pair it with."""
    if not is_slim_only(ctx.resolved.data):
        return []
    for model in ctx.registry.models_paired_with(ctx.config_path):
        path = os.path.join(ctx.run_root, model)
        if os.path.isfile(path):
            return contexts(path, ctx.config_path, options, root=root, online=ctx.online,
                            facts=ctx.facts, texts=texts)
    return []


def selected_rules(select: Iterable[str] = (), ignore: Iterable[str] = (),
                   static_only: bool = False) -> list[Rule]:
    """The engine's rules chosen by code prefix (`QF1` selects QF101..QF199), minus the ignored
    ones. `static_only` runs keep the "online" rules, which then read only cached answers."""
    gate = Gate.of(select, ignore)
    return [rule for rule in engine_rules() if gate.wants(rule.code)]


def _realise(fix: PlannedFix, ctx: CheckContext, texts: Texts) -> Fix | None:
    try:
        return realise_fix(fix, ctx, texts)
    except QatfixError:
        return None


def to_finding(rule: Rule, issue: Issue, ctx: CheckContext, texts: Texts = DISK) -> Finding:
    """The finding of one issue, its planned fixes made into text edits of the files as `texts`
    has them."""
    fixes = [f for f in (_realise(p, ctx, texts) for p in issue.fixes) if f is not None]
    return Finding(
        code=rule.code,
        severity=issue.severity or rule.severity,
        message=issue.message,
        location=issue.location,
        related=issue.related,
        fix=fixes[0] if fixes else None,
        alternatives=tuple(fixes[1:]),
        config=ctx.config_path,
        data=issue.data,
        slim=ctx.slim_path or "",
        reader=(ctx.act.reader_given or "") if ctx.act is not None else "",
        headline=issue.headline,
        fact=issue.fact,
    )


def run_rules(ctx: CheckContext, rules: Sequence[Rule], gate: Gate = Gate(),
              texts: Texts = DISK) -> list[Finding]:
    """The findings `rules` make for one config, through the gate. An ACT run is checked by the
    ACT rules alone: the ppdet-config rules say nothing true about it. `texts` stand in for files
    (the context and the facts its rules ask were made with them too)."""
    rules = [rule for rule in rules if ctx.step in rule.applies_to]
    found = [to_finding(rule, issue, ctx, texts) for rule in rules for issue in rule.check(ctx)]
    return gate.admit(found, ctx.resolved.documents, texts)


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    """Each finding once, in the one order (`qatfix.run.gate.order`)."""
    return order(unique(findings))


def check(run: Run, request: CheckRequest = CheckRequest(), *,
          read_program: Optional[ProgramReader] = None, texts: Texts = DISK) -> list[Finding]:
    """All findings for one run (`tools/train.py -c CONFIG [--slim_config SLIM]`, or an ACT
    config with its reader) as `request` asks: its `-o` options, the ppdet script (`step`), the
    GPUs the command line trains on, the rules chosen, the checkout files must lie in (`root`)
    and whether only static checks run. `read_program` reads an ACT run's exported program
    (`--deep`; the static run reads model.json itself); `texts` stand in for files: fixes being
    verified before they are written."""
    gate = Gate.of(request.select, request.ignore)
    rules = selected_rules(request.select, request.ignore, request.static_only)
    findings: list[Finding] = []
    for ctx in contexts(run.config, run.slim, request.options, root=request.root,
                        online=request.online and not request.static_only,
                        dropped_options=request.dropped_options, step=request.step,
                        reader=run.reader, read_program=read_program, pasted=request.pasted,
                        texts=texts):
        if request.gpus is not None:
            ctx = replace(ctx, gpus=request.gpus)
        findings.extend(run_rules(ctx, rules, gate, texts))
    return sort_findings(findings)


__all__ = ["check", "contexts", "is_act_run", "selected_rules", "slim_mode", "sort_findings"]
