"""What the ACT rules look at of one ACT run (`qatfix.model.act_run.ActRun`), from the run and
the facts: the script beside the ACT config (post_quant.py beside a flat PTQ config) and the
model it compresses, with its program.
"""
from __future__ import annotations

import os
from dataclasses import replace
from typing import Optional

from qatfix.config.act_scripts import DETECTION
from qatfix.model.act_run import ActRun, ProgramReader
from qatfix.model.exported import ExportedModel
from qatfix.model.program import ProgramFacts
from qatfix.rules.facts import Facts


def script(run: ActRun, facts: Facts) -> Optional[str]:
    """The ACT script of the run folder (run_det.py or run.py; post_quant.py for a flat PTQ
    config), or None."""
    if run.flat:
        return facts.ptq_script(run.run_dir)
    return facts.act_script(run.run_dir)


def toolkit(run: ActRun, facts: Facts) -> str:
    """Whose model the run compresses: PaddleDetection, unless the script beside the config
    imports another toolkit (PaddleSlim's OCR, classification and segmentation examples)."""
    found = script(run, facts)
    imported = facts.script_facts(found)[0] if found else None
    return imported or DETECTION


def is_detection(run: ActRun, facts: Facts) -> bool:
    return toolkit(run, facts) == DETECTION


def script_sections(run: ActRun, facts: Facts) -> frozenset[str]:
    """Top-level keys of the ACT config that its script names (and so reads itself)."""
    found = script(run, facts)
    if not found:
        return frozenset()
    strings = facts.script_facts(found)[2]
    return frozenset(str(k) for k in run.act.data if str(k) in strings)


def exported(run: ActRun, facts: Facts) -> Optional[ExportedModel]:
    """The model to compress, from `model_dir/infer_cfg.yml` or the folder's name; None for
    another toolkit's model (not checked: QF960 says so)."""
    model_dir = run.model_dir
    if model_dir is None or not is_detection(run, facts):
        return None
    shown = str(run.global_config.get("model_dir")).strip()
    # a review reads nothing outside the repository: such a folder is known by its name only
    readable = run.root is None or facts.inside(run.root, model_dir)
    if readable and facts.is_file(os.path.join(model_dir, "infer_cfg.yml")):
        return facts.exported_from_infer_cfg(model_dir, shown, run.deep_program)

    found = facts.exported_from_registry(model_dir, run.act.config_path)
    if found is not None and readable and facts.is_dir(model_dir):
        found = replace(found, files=facts.list_dir(model_dir),
                        program=run.deep_program)
    return found


def program(run: ActRun, facts: Facts) -> Optional[ProgramFacts]:
    """The program in model_dir, whether or not infer_cfg.yml is beside it (a compressed
    model's folder holds only the program and its parameters): what `--deep` loaded, else
    model.json, else the operations of a paddle 2 model.pdmodel; None when there is none
    to read (or a review may not read the folder)."""
    model = exported(run, facts)
    if model is not None and model.program is not None:
        return model.program
    if run.deep_program is not None:
        return run.deep_program
    model_dir = run.model_dir
    if model_dir is None or not facts.is_dir(model_dir) or (
            run.root is not None and not facts.inside(run.root, model_dir)):
        return None
    named = run.global_config.get("model_filename")
    return facts.program_in(model_dir, named if isinstance(named, str) else "")


def model_dir_outside(run: ActRun, facts: Facts) -> bool:
    """model_dir exists but lies outside the repository a review confines reads to."""
    model_dir = run.model_dir
    return bool(model_dir and run.root is not None and not facts.inside(run.root, model_dir)
                and facts.is_dir(model_dir))


def program_read_from(run: ActRun, model: Optional[ExportedModel]) -> Optional[str]:
    """Where the program's facts were read, for messages: the file as model_dir spells it,
    and what read it (`models/x/model.json, loaded by paddle 3.3.1`)."""
    program = model.program if model else None
    if program is None:
        return None
    shown = str(run.global_config.get("model_dir") or "").strip()
    where = os.path.join(shown, os.path.basename(program.source)) if shown else program.source
    return f"{where}, loaded by {program.loaded_by}" if program.loaded_by else where


__all__ = ["ActRun", "ProgramReader", "exported", "is_detection", "model_dir_outside",
           "program", "program_read_from", "script", "script_sections", "toolkit"]
