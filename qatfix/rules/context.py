"""Everything a rule may look at: the effective config, the run's mode, and where it runs."""
from __future__ import annotations

from dataclasses import dataclass, field
import functools
import os
from typing import TYPE_CHECKING, Literal

from qatfix.config import Resolved
from qatfix.config.kind import QUANT_MODES, Step
from qatfix.config.nodes import KeyPath, Origin
from qatfix.config.resolve import weights_key
from qatfix.findings import Location
from qatfix.model import identify
from qatfix.model.key_spelling import Misspelling, misspellings
from qatfix.registry.config_keys import known_keys
from qatfix.registry.loading import model_at_classes, official_loading
from qatfix.registry.networks import parameter_differences
from qatfix.registry.urls import is_url
from qatfix.rules.facts import Facts

if TYPE_CHECKING:
    from qatfix.config.script_flags import ParsedCommand
    from qatfix.model.checkpoint import Checkpoint
    from qatfix.model.compare import SectionDifference
    from qatfix.model.deployment import DeployRun
    from qatfix.model.identity import ModelIdentity
    from qatfix.registry.checkpoints import WeightsCheckpoint
    from qatfix.registry.index import Registry
    from qatfix.registry.loading import ModelAtClasses, OfficialLoading
    from qatfix.registry.records import WeightEntry
    from qatfix.rules.act_run import ActRun

#: how ppdet's tools/train.py uses the config, from the slim config's `slim:` value
#: (any value a user's slim config holds: ppdet's build_slim_model branches on Distill, OFA,
#: DistillPrune, PTQ and UnstructuredPruner and creates any other (QAT, Pruner, PrunerQAT) by its
#: registered name; "train" without a slim config)
Mode = str
Role = Literal["model", "student", "teacher"]


@dataclass(frozen=True)
class CheckContext:
    """One config as the rules see it: resolved, with the run's slim mode and role."""

    resolved: Resolved
    mode: Mode
    role: Role
    #: the folder tools/train.py would run from (holds `configs/`), for relative weight paths
    run_root: str
    online: bool = False
    #: for runs whose weights are loaded before train.py merges `-o` the second time (QAT, PTQ,
    #: prune, OFA): the final config; `resolved` is then the config at load time
    final: Resolved | None = None
    #: the slim config resolved on its own (what its file and bases say, before any merge)
    slim_own: Resolved | None = None
    #: the ppdet script of the run: `train`, or a step that loads the trained `weights`
    #: (`eval`, `export`, `infer`, `post_quant`)
    step: Step = "train"
    #: for a distillation student: the config train.py trains with, the student's chain with the
    #: slim (teacher) config's whole chain merged over it and `-o` again (DistillModel calls
    #: `load_config(slim_config)` on ppdet's one global config after building the student)
    trained_with: Resolved | None = None
    #: how many GPUs the pasted command trains on (`paddle.distributed.launch --gpus`), or None
    gpus: int | None = None
    #: for a PaddleSlim auto-compression run (`step` "act"): what the ACT rules look at
    act: ActRun | None = None
    #: for a pasted command that runs an exported model (`step` "deploy"): what it runs
    deploy: DeployRun | None = None
    #: a pasted ppdet tools command as its script's parser reads it, when the script was found
    command: ParsedCommand | None = None
    #: what the rules know of the world outside the configs (files, installed packages, the
    #: network), each fact computed when a rule first asks
    facts: Facts = field(kw_only=True)

    @property
    def config_path(self) -> str:
        return self.resolved.config_path

    @property
    def slim_path(self) -> str | None:
        return self.resolved.slim_path

    @property
    def weights_key(self) -> str:
        """The key ppdet loads weights from (`weights` for PTQ and OFA, and for every step but
        training: tools/eval.py, export_model.py, infer.py and post_quant.py load `weights`)."""
        return weights_key(self.mode) if self.step == "train" else "weights"

    @property
    def is_quant(self) -> bool:
        return self.mode in QUANT_MODES

    def get(self, key_path: KeyPath | str, default: object = None) -> object:
        return self.resolved.get(key_path, default)

    def origin(self, key_path: KeyPath | str) -> Origin | None:
        return self.resolved.origin(key_path)

    def location(self, key_path: KeyPath | str) -> Location:
        origin = self.resolved.origin(key_path)
        if origin is None or not origin.line:
            return Location(origin.path if origin else self.config_path, 0, 0)
        return Location(origin.path, origin.line, origin.column)

    @functools.cached_property
    def registry(self) -> Registry:
        return self.facts.registry()

    @functools.cached_property
    def identity(self) -> ModelIdentity:
        """The model this config builds (architecture, sections, sizes, classes)."""
        return identify(self.resolved.plain(), self.config_path)

    @functools.cached_property
    def weights_entry(self) -> WeightEntry | None:
        """The registry entry of the weights this run loads, or None when unknown."""
        value = self.get(self.weights_key)
        if not isinstance(value, str) or not value.strip():
            return None
        return self.registry.lookup(value.strip())

    @functools.cached_property
    def weights_checkpoint(self) -> "WeightsCheckpoint | None":
        """What the `weights` a step loads holds (a local file read once, for its tensor names
        only; official weights from the registry); None when nothing is known of it."""
        value = self.get("weights")
        if not isinstance(value, str) or not value.strip():
            return None
        return self.facts.weights_checkpoint(value.strip(), self.weights_entry, self.run_root,
                                             self.identity)

    @functools.cached_property
    def weights_differences(self) -> tuple[SectionDifference, ...] | None:
        """How the loaded weights' network differs from this model's (empty: the same network),
        leaving out settings the ppdet builds show to change no tensor; None when the registry
        has no model sections for them."""
        entry = self.weights_entry
        if entry is None or entry.model is None:
            return None

        return parameter_differences(entry.model, self.identity.model)

    @functools.cached_property
    def official_loading(self) -> OfficialLoading | None:
        """What ppdet loads of the weights into this model, from committed ppdet-built
        signatures (an `OfficialLoading`); None when either side has no signature."""
        entry = self.weights_entry
        if entry is None or self.identity.architecture is None:
            return None

        return official_loading(self.identity, entry, self.checkout_tree)

    @functools.cached_property
    def local_checkpoint(self) -> "tuple[str, Checkpoint] | None":
        """(value, what it holds) of the local `.pdparams` the run's weights key names (read
        once, for its tensor names and shapes only); None for a URL, a registry name, a file
        that is not there, or no value."""
        value = self.get(self.weights_key)
        if not isinstance(value, str) or not value.strip() or is_url(value.strip()):
            return None
        checkpoint = self.facts.local_checkpoint(value.strip(), self.run_root)
        return None if checkpoint is None else (value.strip(), checkpoint)

    @functools.cached_property
    def misspellings(self) -> tuple[Misspelling, ...]:
        """The misspelt keys of the run's final config (its files and `-o`), worked out once for
        the rules that ask (QF406, QF101's note): judged with the shipped facts, and any found
        judged again with what the checkout's own ppdet reads (a fork's components, another
        release), read only then."""
        data = (self.final or self.resolved).data
        known = known_keys()
        found = tuple(misspellings(data, known.top, known.sections, known.open))
        if found:
            known = self.facts.known_keys(self.run_root)
            found = tuple(misspellings(data, known.top, known.sections, known.open))
        return found

    @functools.cached_property
    def model_at_classes(self) -> ModelAtClasses | None:
        """The state dict this model builds at its class count (from the official signature
        standing for it and the class facts of ppdet's builds, with which tensors follow the
        class count); None when no committed signature stands for the model."""
        if self.identity.architecture is None:
            return None
        return model_at_classes(self.identity, self.checkout_tree)

    @property
    def checkout_tree(self) -> str | None:
        """The registry tree whose ppdet this checkout runs (`develop`, `release-2.6`), or
        None: the model's signature is taken from it."""

        return self.facts.checkout_tree(self.run_root)

    def checkout_defines(self, name: str) -> bool:
        """Whether the checkout's own `ppdet/` source defines the component `name`."""

        return self.facts.checkout_defines(self.run_root, name)

    def run_path(self, path: str) -> str:
        """A path from the config as train.py would open it (relative to the run folder)."""
        path = os.path.expanduser(path)
        return path if os.path.isabs(path) else os.path.join(self.run_root, path)
