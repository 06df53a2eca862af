"""One ACT run: the ACT config, its reader config, the exported model, and where paths start.

The scripts run from `deploy/auto_compression` and open every path relative to it: the reader
(`--config` on develop's run_det.py, `Global.reader_config` for release-2.6's run.py) and
`Global.model_dir`. A flat post-training quantization config of PaddleSlim
(`post_quant.py --config_path X.yaml`, `qatfix.config.act_keys`) holds those keys at its top
level and is its own reader (EvalReader, TrainDataset): post_quant.py and eval.py read no other. A pasted command runs from the current folder; an ACT config named as a file
(alone, or with a reader config beside it) is taken to run from the folder above its `configs/`
folder, as the READMEs do.
"""
from __future__ import annotations

import functools
import os
from typing import Any, Callable, Optional

from qatfix.model.exported import ExportedModel, from_infer_cfg, from_registry
from qatfix.model.program import ProgramFacts, read_json, read_pdmodel
from qatfix.config import Resolved, resolve
from qatfix.errors import ConfigError
from qatfix.config.repo_paths import find_run_root
from qatfix.config.repo_paths import inside_root
from qatfix.registry import load_registry
from dataclasses import replace
from qatfix.config.act_keys import PTQ_SCRIPT, is_flat_ptq_config
from qatfix.config.act_scripts import DETECTION, run_script, script_facts


#: reads the exported program of a run with paddle (`--deep`); raises DeepCheckError
ProgramReader = Callable[["ActRun"], ProgramFacts]


class ActRun:
    """What the ACT rules look at, computed once per run."""

    def __init__(self, act: Resolved, reader_arg: Optional[str], run_dir: str,
                 pasted: bool, read_program: Optional[ProgramReader] = None, *,
                 reader_given: Optional[str] = None, root: Optional[str] = None,
                 command_script: str = "") -> None:
        self.act = act
        #: the script a pasted command runs, as typed (`eval.py`,
        #: `deploy/auto_compression/eval.py`), "" when not pasted or not told
        self.command_script = command_script
        #: the reader given as `--config` (run_det.py), spelled from the run folder, or None
        self.reader_arg = reader_arg
        #: the reader as it was handed to qatfix (from the current folder): what re-checks pass
        self.reader_given = reader_given if reader_given is not None else reader_arg
        self.run_dir = run_dir
        #: the run comes from a pasted command line (`python run_det.py ...`)
        self.pasted = pasted
        #: no file outside this folder is read (review mode), or None
        self.root = root
        self.reader: Optional[Resolved] = None
        path = self.reader_path
        if path is not None and self.reader_inline:
            self.reader = act  # a flat PTQ config reads its own EvalReader and datasets
        elif path is not None:
            where = "--config" if reader_arg else self.key_text("reader_config")
            if not os.path.isfile(path):
                raise ConfigError(f"the reader config ({where}) {self.reader_shown} does not exist "
                                  f"(relative to {run_dir}); the ACT script stops there",
                                  path=act.config_path)
            if root is not None and not _inside(root, path):
                raise ConfigError(f"the reader config ({where}) {self.reader_shown} lies outside "
                                  "the repository; a review reads no file there",
                                  path=act.config_path)
            self.reader = resolve(path, root=root)
        #: the exported program as paddle loads it (`--deep`), read once, before any rule looks
        self.deep_program: Optional[ProgramFacts] = read_program(self) if read_program else None

    @functools.cached_property
    def flat(self) -> bool:
        """A flat PaddleSlim post-training quantization config: the model's keys and the reader
        at its top level (`post_quant.py --config_path`), no `Global` section."""
        return is_flat_ptq_config(set(self.act.data))

    def key(self, name: str) -> tuple[str, ...]:
        """Where the config holds a run setting (`model_dir`, `input_list`, ...): under
        `Global`, or at the top level of a flat PTQ config."""
        return (name,) if self.flat else ("Global", name)

    def key_text(self, name: str) -> str:
        """The setting as messages name it: `Global.model_dir`, or `model_dir` when flat."""
        return name if self.flat else f"Global.{name}"

    @property
    def script_name(self) -> str:
        """The script that runs the config, for messages: the pasted one, post_quant.py for a
        flat PTQ config, else run_det.py."""
        if self.command_script:
            return os.path.basename(self.command_script)
        return PTQ_SCRIPT if self.flat else "run_det.py"

    @property
    def global_config(self) -> dict[str, Any]:
        """The run settings: the `Global` section, or a flat PTQ config's top level."""
        value = self.act.data if self.flat else self.act.get("Global")
        return value if isinstance(value, dict) else {}

    @property
    def reader_inline(self) -> bool:
        """The reader is the config itself (a flat PTQ config: its script reads no other)."""
        return self.flat

    @property
    def reader_shown(self) -> Optional[str]:
        """The reader as the command or the config spells it (a flat PTQ config that is its own
        reader: its path from the run folder)."""
        if self.reader_inline:
            return os.path.relpath(self.act.config_path, self.run_dir)
        if self.reader_arg:
            return self.reader_arg
        value = self.act.get(self.key("reader_config"))
        return value if isinstance(value, str) and value else None

    @property
    def reader_from_config(self) -> bool:
        """The reader is `Global.reader_config` (run.py), not `--config` (run_det.py) nor the
        config itself."""
        return not self.reader_arg and not self.reader_inline and self.reader_shown is not None

    @property
    def reader_path(self) -> Optional[str]:
        if self.reader_inline:
            return self.act.config_path
        shown = self.reader_shown
        return self.path(shown) if shown else None

    def path(self, value: str) -> str:
        value = os.path.expanduser(value)
        return value if os.path.isabs(value) else os.path.normpath(os.path.join(self.run_dir,
                                                                                value))

    @property
    def model_dir(self) -> Optional[str]:
        value = self.global_config.get("model_dir")
        return self.path(value.strip()) if isinstance(value, str) and value.strip() else None

    @functools.cached_property
    def script(self) -> Optional[str]:
        """The ACT script of the run folder (run_det.py or run.py; post_quant.py for a flat PTQ
        config), or None."""
        if self.flat:
            found = os.path.join(self.run_dir, PTQ_SCRIPT)
            return found if os.path.isfile(found) else None
        return run_script(self.run_dir)

    @functools.cached_property
    def toolkit(self) -> str:
        """Whose model the run compresses: PaddleDetection, unless the script beside the config
        imports another toolkit (PaddleSlim's OCR, classification and segmentation examples)."""

        found = script_facts(self.script)[0] if self.script else None
        return found or DETECTION

    @property
    def is_detection(self) -> bool:
        return self.toolkit == DETECTION

    @functools.cached_property
    def script_sections(self) -> frozenset[str]:
        """Top-level keys of the ACT config that its script names (and so reads itself)."""

        if not self.script:
            return frozenset()
        strings = script_facts(self.script)[2]
        return frozenset(str(k) for k in self.act.data if str(k) in strings)

    @functools.cached_property
    def exported(self) -> Optional[ExportedModel]:
        """The model to compress, from `model_dir/infer_cfg.yml` or the folder's name; None
        for another toolkit's model (not checked: QF960 says so)."""
        model_dir = self.model_dir
        if model_dir is None or not self.is_detection:
            return None
        shown = str(self.global_config.get("model_dir")).strip()
        # a review reads nothing outside the repository: such a folder is known by its name only
        readable = self.root is None or _inside(self.root, model_dir)
        if readable and os.path.isfile(os.path.join(model_dir, "infer_cfg.yml")):
            return from_infer_cfg(model_dir, shown, self.deep_program)

        found = from_registry(model_dir, self.act.config_path, load_registry())
        if found is not None and readable and os.path.isdir(model_dir):
            found = replace(found, files=tuple(sorted(os.listdir(model_dir))),
                            program=self.deep_program)
        return found

    @functools.cached_property
    def program(self) -> Optional[ProgramFacts]:
        """The program in model_dir, whether or not infer_cfg.yml is beside it (a compressed
        model's folder holds only the program and its parameters): what `--deep` loaded, else
        model.json, else the operations of a paddle 2 model.pdmodel; None when there is none
        to read (or a review may not read the folder)."""
        exported = self.exported
        if exported is not None and exported.program is not None:
            return exported.program
        if self.deep_program is not None:
            return self.deep_program
        model_dir = self.model_dir
        if model_dir is None or not os.path.isdir(model_dir) or (
                self.root is not None and not _inside(self.root, model_dir)):
            return None
        named = self.global_config.get("model_filename")
        for name in (named if isinstance(named, str) else "", "model.json", "model.pdmodel"):
            path = os.path.join(model_dir, name)
            if name and os.path.isfile(path):
                return read_json(path) if name.endswith(".json") else read_pdmodel(path)
        return None

    @property
    def model_dir_outside(self) -> bool:
        """model_dir exists but lies outside the repository a review confines reads to."""
        model_dir = self.model_dir
        return bool(model_dir and self.root is not None and not _inside(self.root, model_dir)
                    and os.path.isdir(model_dir))

    @property
    def program_read_from(self) -> Optional[str]:
        """Where the program's facts were read, for messages: the file as model_dir spells it,
        and what read it (`models/x/model.json, loaded by paddle 3.3.1`)."""
        program = self.exported.program if self.exported else None
        if program is None:
            return None
        shown = str(self.global_config.get("model_dir") or "").strip()
        where = os.path.join(shown, os.path.basename(program.source)) if shown else program.source
        return f"{where}, loaded by {program.loaded_by}" if program.loaded_by else where

    def command(self, reader: str) -> str:
        """The run_det.py command with another reader (paths as the user wrote them); a flat
        PTQ config's post_quant.py command."""
        act = os.path.relpath(self.act.config_path, self.run_dir)
        if self.flat:
            return f"python {PTQ_SCRIPT} --config_path {act}"
        return f"python run_det.py --config {reader} --act_config_path {act}"


def _inside(root: str, path: str) -> bool:
    return inside_root(root, path)


def act_run(config: str, reader: Optional[str], pasted: bool,
            read_program: Optional[ProgramReader] = None, *,
            root: Optional[str] = None, command_script: str = "") -> ActRun:
    """The ACT run of `config` with the `--config` reader of run_det.py, if given (a path from
    the current folder), its program read by `read_program` when given (`--deep`). A pasted
    command runs here, so the reader is kept as typed; a named ACT config runs from the folder
    above its `configs/`, so the reader is spelled from there, as the command that runs it would
    spell it. `root` confines every file read (review)."""

    act = resolve(config, root=root)
    run_dir = os.getcwd() if pasted else find_run_root(config)
    shown = reader
    if reader and not pasted:
        shown = os.path.relpath(os.path.abspath(os.path.expanduser(reader)), run_dir)
    return ActRun(act, shown, run_dir, pasted, read_program, reader_given=reader, root=root,
                  command_script=command_script)
