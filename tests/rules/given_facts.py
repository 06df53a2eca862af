"""Facts a test states by hand (`qatfix.rules.facts.Facts`): files, folders, YAML texts, the
installed PaddleSlim, URL answers and ACT scripts, with nothing read from the machine. Only the
registry is qatfix's own shipped data. Asking for a fact the test did not state answers as an
empty machine would (no file, no folder, nothing installed), and is recorded in `asked`."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping, Optional

from qatfix.config import Document, Resolved
from qatfix.config.loader import parse_text
from qatfix.errors import ConfigError
from qatfix.model.checkpoint import Checkpoint
from qatfix.model.environment import Environment, ModelWriter, Package
from qatfix.model.exported import ExportedModel
from qatfix.model.identity import ModelIdentity
from qatfix.model.labels import LabelSource
from qatfix.model.paddleslim_strategy import StrategyKeys
from qatfix.model.program import ProgramFacts
from qatfix.model.quant_format import InstalledDefault
from qatfix.registry import load_registry
from qatfix.registry.checkpoints import WeightsCheckpoint
from qatfix.registry.config_keys import KnownKeys, known_keys
from qatfix.registry.index import Registry
from qatfix.registry.records import WeightEntry
from qatfix.registry.url_status import UrlStatus
from qatfix.rules.facts import Facts, ScriptFacts

_MISSING = Package("paddle", None, "not installed")


@dataclass(frozen=True)
class GivenFacts:
    #: files that exist (exact paths, as the rules form them)
    files: frozenset[str] = frozenset()
    #: folders that exist, with the names in each
    folders: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    #: YAML texts of files a rule reads on their own (also files that exist)
    texts: Mapping[str, str] = field(default_factory=dict)
    #: kinds of files (`slim`, `act`, `other`, ...), "other" when not stated
    kinds: Mapping[str, str] = field(default_factory=dict)
    paddleslim: Optional[str] = None
    #: the installed PaddleSlim's onnx_format default for `dygraph` and `act`
    onnx_defaults: Mapping[str, InstalledDefault] = field(default_factory=dict)
    strategy: StrategyKeys = StrategyKeys({}, "no PaddleSlim")
    urls: Mapping[str, UrlStatus] = field(default_factory=dict)
    #: local checkpoints by the weights value that names them
    checkpoints: Mapping[str, Checkpoint] = field(default_factory=dict)
    #: ACT run folder -> its script; script -> what it imports and names
    act_scripts: Mapping[str, str] = field(default_factory=dict)
    scripts: Mapping[str, ScriptFacts] = field(default_factory=dict)
    #: model_dir -> the exported model its infer_cfg.yml describes
    infer_cfgs: Mapping[str, ExportedModel] = field(default_factory=dict)
    #: PTQ run folder -> its post_quant.py; model_dir -> the program read from it
    ptq_scripts: Mapping[str, str] = field(default_factory=dict)
    programs: Mapping[str, ProgramFacts] = field(default_factory=dict)
    tree: Optional[str] = None
    #: what the rules asked for, in order
    asked: list[tuple[str, str]] = field(default_factory=list, compare=False)

    def _ask(self, fact: str, about: str) -> None:
        self.asked.append((fact, about))

    def is_file(self, path: str) -> bool:
        self._ask("is_file", path)
        return path in self.files or path in self.texts

    def is_dir(self, path: str) -> bool:
        self._ask("is_dir", path)
        return path in self.folders

    def lexists(self, path: str) -> bool:
        self._ask("lexists", path)
        return path in self.files or path in self.texts or path in self.folders

    def real_path(self, path: str) -> str:
        return path

    def same_file(self, a: str, b: str) -> bool:
        return a == b

    def inside(self, root: str, path: str) -> bool:
        return path == root or path.startswith(root.rstrip("/") + "/")

    def list_dir(self, path: str) -> Optional[tuple[str, ...]]:
        self._ask("list_dir", path)
        found = self.folders.get(path)
        return tuple(sorted(found)) if found is not None else None

    def yaml_files(self, folder: str) -> tuple[str, ...]:
        prefix = folder.rstrip("/") + "/"
        return tuple(sorted(p for p in {*self.files, *self.texts} if p.startswith(prefix)
                            and p.endswith((".yml", ".yaml"))))

    def document(self, path: str) -> Document:
        self._ask("document", path)
        if path not in self.texts:
            raise ConfigError("no such file", path=path)
        return parse_text(self.texts[path], path)

    def resolve(self, path: str, root: Optional[str] = None) -> Resolved:
        self._ask("resolve", path)
        raise ConfigError("not stated", path=path)

    def config_files(self, path: str, root: str) -> tuple[str, ...]:
        return (path,)

    def kind_of(self, path: str) -> str:
        return self.kinds.get(path, "other")

    def label_source(self, config: dict[str, object], run_root: str) -> Optional[LabelSource]:
        return None

    def count_categories(self, path: str) -> Optional[int]:
        return None

    def project_pairs(self, config_path: str) -> tuple[tuple[str, str], ...]:
        return ()

    def checkout_tree(self, run_root: str) -> Optional[str]:
        return self.tree

    def unknown_release(self, run_root: str) -> Optional[str]:
        return None

    def checkout_defines(self, run_root: str, name: str) -> bool:
        return False

    def known_keys(self, run_root: str) -> KnownKeys:
        return known_keys()

    def registry(self) -> Registry:
        return load_registry()

    def paddleslim_version(self) -> Optional[str]:
        self._ask("paddleslim_version", "")
        return self.paddleslim

    def onnx_format_default(self, kind: str) -> Optional[InstalledDefault]:
        self._ask("onnx_format_default", kind)
        return self.onnx_defaults.get(kind)

    def strategy_keys(self) -> StrategyKeys:
        return self.strategy

    def environment(self, run_root: str) -> Environment:
        return Environment(_MISSING, _MISSING, _MISSING, _MISSING)

    def model_writer(self, model_dir: str) -> Optional[ModelWriter]:
        return None

    def url_status(self, url: str, online: bool) -> Optional[UrlStatus]:
        self._ask("url_status", url)
        return self.urls.get(url)

    def weights_checkpoint(self, value: str, entry: Optional[WeightEntry], run_root: str,
                           identity: ModelIdentity) -> Optional[WeightsCheckpoint]:
        return None

    def local_checkpoint(self, value: str, run_root: str) -> Optional[Checkpoint]:
        self._ask("local_checkpoint", value)
        return self.checkpoints.get(value)

    def act_script(self, run_dir: str) -> Optional[str]:
        return self.act_scripts.get(run_dir)

    def script_facts(self, script: str) -> ScriptFacts:
        return self.scripts.get(script, (None, "", frozenset()))

    def ptq_script(self, run_dir: str) -> Optional[str]:
        return self.ptq_scripts.get(run_dir)

    def exported_from_infer_cfg(self, model_dir: str, shown: str,
                                program: Optional[ProgramFacts]) -> ExportedModel:
        self._ask("exported_from_infer_cfg", model_dir)
        return self.infer_cfgs[model_dir]

    def exported_from_registry(self, model_dir: str, anchor: str) -> Optional[ExportedModel]:
        from qatfix.model.exported import from_registry

        self._ask("exported_from_registry", model_dir)
        return from_registry(model_dir, anchor, self.registry())

    def program_in(self, model_dir: str, model_filename: str) -> Optional[ProgramFacts]:
        self._ask("program_in", model_dir)
        return self.programs.get(model_dir)

