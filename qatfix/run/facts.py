"""The facts the rules ask about (`qatfix.rules.facts.Facts`), read from this machine.

Each fact is computed when a rule asks for it, never before: a check pays only for what its
rules look at (the seed check lists no folder, asks no URL and reads no exported model). Files
are probed on every question, since a context can outlive a change on disk (the interactive
review checks paths the user types while it runs); what costs more is cached where it is read
(parsed YAML by its modification time, the installed packages once a process, URL answers on
disk) or here for the run (an ACT run's exported model). The readers of checkpoints, exported models, installed environments and URLs are
imported when first asked for, as the default run never needs them.
"""
from __future__ import annotations

import functools
import os
from typing import TYPE_CHECKING, Callable, Optional, TypeVar, cast

from qatfix.config import Document, Resolved, load_document, resolve
from qatfix.config.act_keys import PTQ_SCRIPT
from qatfix.config.kind import kind_of
from qatfix.config.loader import DISK, Texts
from qatfix.config.repo_paths import inside_root
from qatfix.config.pairs import project_root, read_pairs
from qatfix.errors import QatfixError
from qatfix.model import installed_paddleslim
from qatfix.model.environment import Environment, ModelWriter, environment, model_writer
from qatfix.model.labels import LabelSource, count_categories, label_source
from qatfix.model.quant_format import InstalledDefault, installed_default
from qatfix.registry import load_registry
from qatfix.registry.checkout import checkout_defines, checkout_tree, unknown_release
from qatfix.registry.config_keys import KnownKeys, known_keys_for
from qatfix.registry.index import Registry
from qatfix.rules.facts import Facts, ScriptFacts

if TYPE_CHECKING:
    from qatfix.model.checkpoint import Checkpoint
    from qatfix.model.exported import ExportedModel
    from qatfix.model.identity import ModelIdentity
    from qatfix.model.paddleslim_strategy import StrategyKeys
    from qatfix.model.program import ProgramFacts
    from qatfix.registry.checkpoints import WeightsCheckpoint
    from qatfix.registry.records import WeightEntry
    from qatfix.registry.url_status import UrlStatus

T = TypeVar("T")


class MachineFacts:
    """`Facts` read from the file system, the installed packages and (when asked) the network,
    each computed once; configs are read with `texts` standing in for files (fixes being
    verified before they are written)."""

    def __init__(self, texts: Texts = DISK) -> None:
        self._texts = texts
        self._known: dict[tuple[object, ...], object] = {}

    def _once(self, key: tuple[object, ...], compute: Callable[[], T]) -> T:
        if key not in self._known:
            self._known[key] = compute()
        return cast(T, self._known[key])

    # --- files and folders ---------------------------------------------------------------------

    def is_file(self, path: str) -> bool:
        return os.path.isfile(path)

    def is_dir(self, path: str) -> bool:
        return os.path.isdir(path)

    def lexists(self, path: str) -> bool:
        return os.path.lexists(path)

    def real_path(self, path: str) -> str:
        return os.path.realpath(path)

    def same_file(self, a: str, b: str) -> bool:
        try:
            return os.path.samefile(a, b)
        except OSError:
            return False

    def inside(self, root: str, path: str) -> bool:
        return inside_root(root, path)

    def list_dir(self, path: str) -> Optional[tuple[str, ...]]:
        try:
            return tuple(sorted(os.listdir(path)))
        except OSError:
            return None

    def yaml_files(self, folder: str) -> tuple[str, ...]:
        paths: list[str] = []
        for here, _, names in os.walk(folder):
            paths.extend(os.path.join(here, name) for name in sorted(names)
                         if name.endswith((".yml", ".yaml")))
        return tuple(paths)

    def document(self, path: str) -> Document:
        return load_document(path, self._texts)

    def resolve(self, path: str, root: Optional[str] = None) -> Resolved:
        return resolve(path, root=root, texts=self._texts)

    def config_files(self, path: str, root: str) -> tuple[str, ...]:
        if self._texts:
            try:
                return resolve(path, root=root, texts=self._texts).files
            except (QatfixError, OSError):
                return (path,)
        return _config_files(path, root)

    def kind_of(self, path: str) -> str:
        return kind_of(path, self._texts)

    def label_source(self, config: dict[str, object], run_root: str) -> Optional[LabelSource]:
        return label_source(config, run_root)

    def count_categories(self, path: str) -> Optional[int]:
        return count_categories(path)

    # --- the project and its checkout ----------------------------------------------------------

    def project_pairs(self, config_path: str) -> tuple[tuple[str, str], ...]:
        root = project_root(os.path.dirname(os.path.abspath(config_path)))
        if root is None:
            return ()
        try:
            found = read_pairs(root)
        except QatfixError:  # a broken settings file is reported where the run reads it
            return ()
        return tuple((os.path.join(root, p.config), os.path.join(root, p.slim)) for p in found)

    def checkout_tree(self, run_root: str) -> Optional[str]:
        return checkout_tree(run_root)

    def unknown_release(self, run_root: str) -> Optional[str]:
        return unknown_release(run_root)

    def checkout_defines(self, run_root: str, name: str) -> bool:
        return checkout_defines(run_root, name)

    def known_keys(self, run_root: str) -> KnownKeys:
        return known_keys_for(os.path.abspath(run_root))

    def registry(self) -> Registry:
        return load_registry()

    # --- installed packages --------------------------------------------------------------------

    def paddleslim_version(self) -> Optional[str]:
        return installed_paddleslim.version()

    def onnx_format_default(self, kind: str) -> Optional[InstalledDefault]:
        return installed_default(kind)

    def strategy_keys(self) -> StrategyKeys:
        from qatfix.model.paddleslim_strategy import strategy_keys  # ACT runs only

        return strategy_keys()

    def environment(self, run_root: str) -> Environment:
        return environment(run_root)

    def model_writer(self, model_dir: str) -> Optional[ModelWriter]:
        return model_writer(model_dir)

    # --- weights -------------------------------------------------------------------------------

    def url_status(self, url: str, online: bool) -> Optional[UrlStatus]:
        from qatfix.registry.url_status import url_status  # an unknown URL only: HTTP

        return url_status(url, online=online)

    def weights_checkpoint(self, value: str, entry: Optional[WeightEntry], run_root: str,
                           identity: ModelIdentity) -> Optional[WeightsCheckpoint]:
        # the boundary of the after-training steps: a training check never imports it
        from qatfix.registry.checkpoints import weights_checkpoint

        return weights_checkpoint(value, entry, run_root, identity)

    def local_checkpoint(self, value: str, run_root: str) -> Optional[Checkpoint]:
        from qatfix.registry.checkpoints import local_weights  # local weights only

        path = local_weights(value, run_root)
        if path is None:
            return None
        from qatfix.model.checkpoint import read_checkpoint

        return read_checkpoint(path)

    # --- PaddleSlim auto-compression -----------------------------------------------------------

    def act_script(self, run_dir: str) -> Optional[str]:
        from qatfix.config.act_scripts import run_script  # ACT runs only

        return run_script(run_dir)

    def script_facts(self, script: str) -> ScriptFacts:
        from qatfix.config.act_scripts import script_facts  # ACT runs only

        return script_facts(script)

    def ptq_script(self, run_dir: str) -> Optional[str]:
        found = os.path.join(run_dir, PTQ_SCRIPT)
        return found if os.path.isfile(found) else None

    def exported_from_infer_cfg(self, model_dir: str, shown: str,
                                program: Optional[ProgramFacts]) -> ExportedModel:
        from qatfix.model.exported import from_infer_cfg  # ACT runs only

        # one read per run's program (the object itself is kept, so its id is not reused)
        key = ("infer_cfg", model_dir, shown, id(program))
        held = self._once(key, lambda: (program, from_infer_cfg(model_dir, shown, program,
                                                                self._texts)))
        return held[1]

    def exported_from_registry(self, model_dir: str, anchor: str) -> Optional[ExportedModel]:
        from qatfix.model.exported import from_registry  # ACT runs only

        return from_registry(model_dir, anchor, self.registry(), self._texts)

    def program_in(self, model_dir: str, model_filename: str) -> Optional[ProgramFacts]:
        from qatfix.model.program import read_json, read_pdmodel  # ACT runs only

        def read() -> Optional[ProgramFacts]:
            for name in (model_filename, "model.json", "model.pdmodel"):
                path = os.path.join(model_dir, name)
                if name and os.path.isfile(path):
                    return read_json(path) if name.endswith(".json") else read_pdmodel(path)
            return None

        # read once per run, as the exported model beside it
        return self._once(("program", model_dir, model_filename), read)


@functools.lru_cache(maxsize=256)
def _config_files(path: str, root: str) -> tuple[str, ...]:
    """`MachineFacts.config_files`, kept for the process: the chains of the official configs
    that weights were trained with are asked again for every run of a folder."""
    try:
        return resolve(path, root=root).files
    except (QatfixError, OSError):
        return (path,)


def machine_facts(texts: Texts = DISK) -> Facts:
    """Facts of this machine for one run, each computed when a rule first asks, its configs
    read with `texts` standing in for files."""
    return MachineFacts(texts)
