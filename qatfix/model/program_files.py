"""The program and parameters files of an ACT run's exported model, as `--deep` hands them to
paddle.

run_det.py opens `Global.model_dir` with `Global.model_filename` and `Global.params_filename`
(paddleslim.common.load_inference_model, then paddle.static.load_inference_model). When the
program file the config names is not in the folder but the one paddle wrote is (QF961 then says
so and proposes its name), that one is read, so the other rules judge the model the fix points
at. A folder with nothing to load is a DeepCheckError whose `todo` says how to get one.
"""
from __future__ import annotations

from dataclasses import dataclass
import os
from typing import TYPE_CHECKING

from qatfix.errors import DeepCheckError

if TYPE_CHECKING:
    from qatfix.model.act_run import ActRun

#: what `paddle.jit.save` writes for the program: paddle 3 (PIR) and earlier releases
PROGRAM_FILES = ("model.json", "model.pdmodel")
#: what `paddle.jit.save` writes for the parameters
PARAMS_FILE = "model.pdiparams"

EXPORT_FIRST = ("export the model first (tools/export_model.py writes model.json or "
                "model.pdmodel and model.pdiparams), or set Global.model_dir to the folder that "
                "holds them")


@dataclass(frozen=True)
class ProgramFiles:
    """The two files paddle.static.load_inference_model reads."""

    #: the program (model.json, PIR, or a model.pdmodel protobuf)
    model: str
    #: the parameters (model.pdiparams)
    params: str
    #: the program file as model_dir spells it, for messages
    shown: str


def _named(folder: str, value: object, fallbacks: tuple[str, ...]) -> str | None:
    """The file `value` names in `folder` when it is there, else the first fallback that is."""
    names = ([value] if isinstance(value, str) and value.strip() else []) + list(fallbacks)
    for name in names:
        if os.path.isfile(os.path.join(folder, name.strip())):
            return os.path.join(folder, name.strip())
    return None


def program_files(run: "ActRun") -> ProgramFiles:
    """The files of `run`'s exported model; DeepCheckError (with `todo`) when there are none."""
    glob = run.global_config
    shown = glob.get("model_dir")
    folder = run.model_dir
    if folder is None:
        raise DeepCheckError("Global.model_dir is not set: there is no exported program for "
                             "paddle to load", todo=EXPORT_FIRST)
    where = f"model_dir {str(shown).strip()} (relative to {run.run_dir})"
    if not os.path.isdir(folder):
        raise DeepCheckError(f"{where} does not exist: there is no exported program for paddle "
                             "to load", todo=EXPORT_FIRST)
    model = _named(folder, glob.get("model_filename"), PROGRAM_FILES)
    if model is None:
        named = glob.get("model_filename")
        names = ", ".join(dict.fromkeys(([str(named)] if named else []) + list(PROGRAM_FILES)))
        raise DeepCheckError(f"{where} holds no program file ({names}): there is nothing for "
                             "paddle to load", todo=EXPORT_FIRST)
    params = _named(folder, glob.get("params_filename"), (PARAMS_FILE,))
    if params is None:
        named = glob.get("params_filename") or PARAMS_FILE
        raise DeepCheckError(f"{where} holds the program {os.path.basename(model)} but no "
                             f"parameters file {named}: paddle.static.load_inference_model "
                             "cannot load it", todo=EXPORT_FIRST)
    return ProgramFiles(model=model, params=params,
                        shown=os.path.join(str(shown).strip(), os.path.basename(model)))
