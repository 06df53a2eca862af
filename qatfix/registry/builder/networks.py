"""Derive `registry/networks.json` from the trees and the committed signatures.

Each official config that has a signature is resolved with qatfix's own resolver (exactly as
ppdet reads it), and its model sections, class count and `pretrain_weights` are recorded. No
paddle is needed.
"""
from __future__ import annotations

from dataclasses import dataclass
import json
from pathlib import Path
from typing import Any, Callable, Mapping, Optional

from qatfix.config import resolve
from qatfix.errors import QatfixError
from qatfix.model import compare_models, identify
from qatfix.registry.builder.files import write_atomically
from qatfix.registry.networks import SCHEMA_VERSION, network_digest, sections_digest
from qatfix.registry.urls import canonical_url, is_url
from qatfix.registry.networks import clear_cache, dump_networks, networks_path
from qatfix.registry.signatures import signature_index


@dataclass(frozen=True)
class ConfigFacts:
    """What the networks index records of one official config, as its resolver reads it."""

    model_json: str
    architecture: str
    classes: Optional[int]
    pretrain_weights: Optional[str]


def build_networks(facts_by_config: Mapping[tuple[str, str], ConfigFacts]) -> dict[str, Any]:
    """The networks index from (tree, config) -> the facts of that config."""
    configs: dict[str, dict[str, Any]] = {}
    networks: dict[str, list[str]] = {}
    without_classes: dict[str, list[str]] = {}
    for (tree, config), facts in sorted(facts_by_config.items()):
        reference = f"{tree}:{config}"
        configs[reference] = {"architecture": facts.architecture, "classes": facts.classes,
                              "pretrain_weights": facts.pretrain_weights}
        networks.setdefault(sections_digest(facts.model_json), []).append(reference)
        without_classes.setdefault(network_digest(json.loads(facts.model_json)),
                                   []).append(reference)
    return {"schema_version": SCHEMA_VERSION, "configs": configs,
            "networks": dict(sorted(networks.items())),
            "without_classes": dict(sorted(without_classes.items()))}


def _start_weights(value: Any) -> Optional[str]:
    if not isinstance(value, str) or not value.strip():
        return None
    value = value.strip()
    return canonical_url(value) if is_url(value) else value


def config_facts(path: Path) -> ConfigFacts:
    """The facts of one config file, resolved as ppdet resolves it."""
    resolved = resolve(str(path))
    plain = resolved.plain()
    identity = identify(plain, str(path))
    return ConfigFacts(identity.model_json, identity.architecture or "", identity.num_classes,
                       _start_weights(plain.get("pretrain_weights")))


def derive_networks(roots: Mapping[str, Path], signatures: Mapping[tuple[str, str], str],
                    progress: Callable[[int, int, str], None] | None = None) -> dict[str, Any]:
    """The networks index for the configs of `signatures` ((tree, config) -> signature id)."""
    pairs = sorted(signatures)
    facts: dict[tuple[str, str], ConfigFacts] = {}
    for number, (tree, config) in enumerate(pairs, 1):
        if tree not in roots:
            continue
        try:
            facts[(tree, config)] = config_facts(roots[tree] / config)
        except QatfixError:
            continue
        if progress is not None:
            progress(number, len(pairs), f"{tree}:{config}")
    index = build_networks(facts)
    index["settings"] = setting_effects(facts, signatures)
    return index


def _slots(sections: Mapping[str, Any]) -> set[str]:
    architecture = sections.get("architecture")
    slots = sections.get(architecture, {}) if isinstance(architecture, str) else {}
    return {"architecture", *(slots if isinstance(slots, Mapping) else ())}


def setting_effects(facts: Mapping[tuple[str, str], ConfigFacts],
                    signatures: Mapping[tuple[str, str], str]) -> dict[str, str]:
    """Which model settings change the state dict, as the builds show it.

    Two configs of one tree and architecture whose signatures are equal prove every setting they
    differ in `neutral` (anchors, NMS, activations); two that differ in exactly one setting and
    have different signatures prove it `changes` parameters (`use_alpha`, depth). A setting with
    evidence both ways (a depth that happens to match) counts as `changes`.
    """
    groups: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for (tree, config), fact in facts.items():
        groups.setdefault((tree, fact.architecture), []).append((tree, config))
    neutral: set[str] = set()
    changes: set[str] = set()
    parsed = {key: json.loads(fact.model_json) for key, fact in facts.items()}
    for members in groups.values():
        for number, first in enumerate(members):
            for second in members[number + 1:]:
                paths = {d.where for d in compare_models(parsed[first], parsed[second])}
                if not paths:
                    continue
                if signatures[first] == signatures[second]:
                    # a slot ("head") names no setting: its class changed, which only says that
                    # these two classes build the same tensors
                    neutral.update(paths - _slots(parsed[first]) - _slots(parsed[second]))
                elif len(paths) == 1:
                    changes.update(paths)
    effects = {path: "neutral" for path in neutral - changes}
    effects.update({path: "changes" for path in changes})
    return dict(sorted(effects.items()))


def committed_signature_ids() -> dict[tuple[str, str], str]:
    """(tree, config) -> signature id of every config the committed store could build."""

    found = {}
    for key, entry in signature_index().configs.items():
        if "signature" in entry:
            tree, _, config = key.partition(":")
            found[(tree, config)] = str(entry["signature"])
    return found


def rederive_networks(roots: Mapping[str, Path], *, write: bool = True) -> bool:
    """Rederive networks.json from `roots` and the committed store; True when it changed."""

    ids = {key: ident for key, ident in committed_signature_ids().items() if key[0] in roots}
    text = dump_networks(derive_networks(roots, ids))
    path = networks_path()
    try:
        changed = path.read_text(encoding="utf-8") != text
    except FileNotFoundError:
        changed = True
    if changed and write:
        write_atomically(path, text)
        clear_cache()
    return changed
