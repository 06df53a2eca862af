"""What a rule may know of the world outside the configs it judges, asked through one object.

Rules read no file, list no folder, ask no network and probe no installed package: they ask
`Facts` (on `CheckContext.facts`), which `qatfix.run.facts` builds for each run, computing every
fact the first time a rule asks for it. A test hands a rule facts of its own making (no tree, no
filesystem) by implementing this protocol.

Paths are as the rules form them (the run folder joined with a config's value): the facts
answer for exactly that spelling.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Optional, Protocol

if TYPE_CHECKING:
    from qatfix.config import Document, Resolved
    from qatfix.model.checkpoint import Checkpoint
    from qatfix.model.environment import Environment, ModelWriter
    from qatfix.model.exported import ExportedModel
    from qatfix.model.identity import ModelIdentity
    from qatfix.model.labels import LabelSource
    from qatfix.model.paddleslim_strategy import StrategyKeys
    from qatfix.model.program import ProgramFacts
    from qatfix.model.quant_format import InstalledDefault
    from qatfix.registry.checkpoints import WeightsCheckpoint
    from qatfix.registry.config_keys import KnownKeys
    from qatfix.registry.index import Registry
    from qatfix.registry.records import WeightEntry
    from qatfix.registry.url_status import UrlStatus

#: (toolkit the script imports or None, the module it imports the ACT from, the strings it
#: names): what `qatfix.config.act_scripts.script_facts` reads of an ACT script
ScriptFacts = tuple[Optional[str], str, frozenset[str]]


class Facts(Protocol):
    """Everything outside the judged configs a rule may ask about (see the module)."""

    # --- files and folders of the checkout -----------------------------------------------------

    def is_file(self, path: str) -> bool:
        """`path` is a file (symbolic links followed)."""
        ...

    def is_dir(self, path: str) -> bool:
        """`path` is a folder (symbolic links followed)."""
        ...

    def lexists(self, path: str) -> bool:
        """Something is at `path`, a broken symbolic link included."""
        ...

    def real_path(self, path: str) -> str:
        """`path` with symbolic links resolved (a config's root, for `resolve`)."""
        ...

    def same_file(self, a: str, b: str) -> bool:
        """`a` and `b` are one file; False when either is missing."""
        ...

    def inside(self, root: str, path: str) -> bool:
        """`path`, with symbolic links resolved, lies inside the folder `root`."""
        ...

    def list_dir(self, path: str) -> Optional[tuple[str, ...]]:
        """The names in folder `path`, sorted; None when it cannot be listed."""
        ...

    def yaml_files(self, folder: str) -> tuple[str, ...]:
        """Every `.yml`/`.yaml` file under `folder`, at any depth, as paths joined onto it, in
        sorted order of folder then name; empty when there is no such folder."""
        ...

    def document(self, path: str) -> Document:
        """One YAML file parsed on its own (no `_BASE_`); raises QatfixError when it cannot."""
        ...

    def resolve(self, path: str, root: Optional[str] = None) -> Resolved:
        """A config resolved as ppdet reads it, reading no file outside `root` when given;
        raises QatfixError (or OSError) when it cannot."""
        ...

    def config_files(self, path: str, root: str) -> tuple[str, ...]:
        """The files a config reads, its `_BASE_` chain in merge order and itself (none outside
        `root`); `(path,)` when it cannot be resolved."""
        ...

    def kind_of(self, path: str) -> str:
        """What the file is (`model`, `slim`, `act`, `other`, ...: `qatfix.config.kind`)."""
        ...

    def label_source(self, config: dict[str, object], run_root: str) -> Optional[LabelSource]:
        """The label file the config's TestDataset names, whether it is there and how many
        classes it lists (`qatfix.model.labels`)."""
        ...

    def count_categories(self, path: str) -> Optional[int]:
        """The class names a label file lists; None when it cannot be read."""
        ...

    # --- the project and its checkout ----------------------------------------------------------

    def project_pairs(self, config_path: str) -> tuple[tuple[str, str], ...]:
        """(model, slim) pairs of the settings (`.qatfix.toml` / `[tool.qatfix]`) of the project
        `config_path` lies in, as absolute paths; empty without settings or when they cannot
        be read (reported where the run reads them)."""
        ...

    def checkout_tree(self, run_root: str) -> Optional[str]:
        """The registry tree whose ppdet the checkout at `run_root` runs, or None."""
        ...

    def unknown_release(self, run_root: str) -> Optional[str]:
        """The ppdet version the checkout at `run_root` declares when the registry has no tree
        of it; None when it is no checkout or a known release."""
        ...

    def checkout_defines(self, run_root: str, name: str) -> bool:
        """The checkout's own `ppdet/` source defines the component `name`."""
        ...

    def known_keys(self, run_root: str) -> KnownKeys:
        """The config keys ppdet reads, for the checkout at `run_root`."""
        ...

    def registry(self) -> Registry:
        """The official weights, recipes and networks."""
        ...

    # --- installed packages --------------------------------------------------------------------

    def paddleslim_version(self) -> Optional[str]:
        """The installed PaddleSlim's version, or None when it is not installed."""
        ...

    def onnx_format_default(self, kind: str) -> Optional[InstalledDefault]:
        """The installed PaddleSlim's `onnx_format` default for ppdet's QAT (`dygraph`) or ACT
        (`act`); None when it is not installed or its source does not say."""
        ...

    def strategy_keys(self) -> StrategyKeys:
        """The ACT strategy sections and keys the installed PaddleSlim reads."""
        ...

    def environment(self, run_root: str) -> Environment:
        """The packages a run at `run_root` uses (paddle, PaddleSlim, ppdet, paddle2onnx)."""
        ...

    def model_writer(self, model_dir: str) -> Optional[ModelWriter]:
        """The paddle that wrote the exported program in `model_dir`, when it can be told."""
        ...

    # --- weights -------------------------------------------------------------------------------

    def url_status(self, url: str, online: bool) -> Optional[UrlStatus]:
        """Whether an unknown weights URL is there (asked only `online`, else from the cache)."""
        ...

    def weights_checkpoint(self, value: str, entry: Optional[WeightEntry], run_root: str,
                           identity: ModelIdentity) -> Optional[WeightsCheckpoint]:
        """What a `weights` value holds: a local file read for its tensor names, else the
        registry's entry; None when nothing is known of it."""
        ...

    def local_checkpoint(self, value: str, run_root: str) -> Optional[Checkpoint]:
        """The local `.pdparams` file a weights value names, read (without paddle) for its
        tensors; None for a URL or a file that is not there. Raises QatfixError for a file the
        restricted reader refuses."""
        ...

    # --- PaddleSlim auto-compression -----------------------------------------------------------

    def act_script(self, run_dir: str) -> Optional[str]:
        """The ACT script (run_det.py, run.py) of the run folder, or None."""
        ...

    def script_facts(self, script: str) -> ScriptFacts:
        """What an ACT script imports and names (see ScriptFacts)."""
        ...

    def ptq_script(self, run_dir: str) -> Optional[str]:
        """PaddleSlim's post-training quantization script (post_quant.py) of the run folder,
        which runs a flat PTQ config, or None."""
        ...

    def exported_from_infer_cfg(self, model_dir: str, shown: str,
                                program: Optional[ProgramFacts]) -> ExportedModel:
        """The exported model `model_dir/infer_cfg.yml` describes, with its program's facts."""
        ...

    def exported_from_registry(self, model_dir: str, anchor: str) -> Optional[ExportedModel]:
        """The official model a model folder is named after (its config read from the
        PaddleDetection tree holding `anchor`), or None when the name is not one."""
        ...

    def program_in(self, model_dir: str, model_filename: str) -> Optional[ProgramFacts]:
        """The program in folder `model_dir` read without paddle: `model_filename` when given
        and there, else model.json, else a paddle 2 model.pdmodel (its operations); None when
        there is none to read."""
        ...

