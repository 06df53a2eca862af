"""One ACT run: the ACT config, its reader config, and where paths start (`act_run` reads
them; what the rules then ask about the run is in `qatfix.rules.act_run`).

The scripts run from `deploy/auto_compression` and open every path relative to it: the reader
(`--config` on develop's run_det.py, `Global.reader_config` for release-2.6's run.py) and
`Global.model_dir`. A flat post-training quantization config of PaddleSlim
(`post_quant.py --config_path X.yaml`, `qatfix.config.act_keys`) holds those keys at its top
level and is its own reader (EvalReader, TrainDataset): post_quant.py and eval.py read no other.
A pasted command runs from the current folder; an ACT config named as a file
(alone, or with a reader config beside it) is taken to run from the folder above its `configs/`
folder, as the READMEs do.
"""
from __future__ import annotations

import functools
import os
from typing import Any, Callable, Optional

from qatfix.config import Resolved, resolve
from qatfix.config.act_keys import PTQ_SCRIPT, is_flat_ptq_config
from qatfix.config.loader import DISK, Texts
from qatfix.config.repo_paths import find_run_root, inside_root
from qatfix.errors import ConfigError
from qatfix.model.program import ProgramFacts


#: reads the exported program of a run with paddle (`--deep`); raises DeepCheckError
ProgramReader = Callable[["ActRun"], ProgramFacts]


class ActRun:
    """One ACT run as its script sets it up: the ACT config, the reader config it loads, where
    paths start and, under `--deep`, the exported program paddle loaded. What else the ACT rules
    look at (the script beside the config, the exported model's files) they ask
    `qatfix.rules.facts.Facts` for (`qatfix.rules.act_run`)."""

    def __init__(self, act: Resolved, reader_arg: Optional[str], run_dir: str,
                 pasted: bool, *, reader: Optional[Resolved] = None,
                 deep_program: Optional[ProgramFacts] = None,
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
        #: the reader config resolved (`reader_path`), or None without one
        self.reader = reader
        #: the exported program as paddle loads it (`--deep`), read once, before any rule looks
        self.deep_program = deep_program

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

    def command(self, reader: str) -> str:
        """The run_det.py command with another reader (paths as the user wrote them); a flat
        PTQ config's post_quant.py command."""
        act = os.path.relpath(self.act.config_path, self.run_dir)
        if self.flat:
            return f"python {PTQ_SCRIPT} --config_path {act}"
        return f"python run_det.py --config {reader} --act_config_path {act}"


def act_run(config: str, reader: Optional[str], pasted: bool,
            read_program: Optional[ProgramReader] = None, *,
            root: Optional[str] = None, texts: Texts = DISK,
            command_script: str = "") -> ActRun:
    """The ACT run of `config` with the `--config` reader of run_det.py, if given (a path from
    the current folder), its program read by `read_program` when given (`--deep`). A pasted
    command runs here, so the reader is kept as typed; a named ACT config runs from the folder
    above its `configs/`, so the reader is spelled from there, as the command that runs it would
    spell it. `root` confines every file read (review); `texts` stand in for files (fixes being
    verified); `command_script` is the script a pasted command runs, as typed."""

    act = resolve(config, root=root, texts=texts)
    run_dir = os.getcwd() if pasted else find_run_root(config)
    shown = reader
    if reader and not pasted:
        shown = os.path.relpath(os.path.abspath(os.path.expanduser(reader)), run_dir)
    run = ActRun(act, shown, run_dir, pasted, reader_given=reader, root=root,
                 command_script=command_script)
    path = run.reader_path
    if path is not None and run.reader_inline:
        run.reader = act  # a flat PTQ config reads its own EvalReader and datasets
    elif path is not None:
        where = "--config" if run.reader_arg else run.key_text("reader_config")
        if not os.path.isfile(path):
            raise ConfigError(f"the reader config ({where}) {run.reader_shown} does not exist "
                              f"(relative to {run_dir}); the ACT script stops there",
                              path=act.config_path)
        if root is not None and not inside_root(root, path):
            raise ConfigError(f"the reader config ({where}) {run.reader_shown} lies outside "
                              "the repository; a review reads no file there",
                              path=act.config_path)
        run.reader = resolve(path, root=root, texts=texts)
    if read_program is not None:
        run.deep_program = read_program(run)
    return run
