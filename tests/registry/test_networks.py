"""The networks index: derived from the trees and the committed signatures, and used by lookups."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from qatfix.config import resolve
from qatfix.model import identify
from qatfix.registry.builder.networks import committed_signature_ids, derive_networks
from qatfix.registry.networks import dump_networks, networks_path, official_networks
from tests.conftest import trees


@pytest.mark.corpus
def test_committed_index_is_the_derivation_of_the_trees() -> None:
    roots = trees()
    derived = dump_networks(derive_networks(roots, committed_signature_ids()))
    assert derived == networks_path().read_text(encoding="utf-8")


def test_every_indexed_config_has_a_signature() -> None:
    index = json.loads(networks_path().read_text(encoding="utf-8"))
    ids = committed_signature_ids()
    referenced = {tuple(r.split(":", 1)) for refs in index["networks"].values() for r in refs}
    assert referenced and referenced <= set(ids)
    assert set(index["configs"]) == {f"{t}:{c}" for t, c in referenced}


def test_settings_that_change_no_tensor_are_told_by_builds_not_by_name() -> None:
    settings = json.loads(networks_path().read_text(encoding="utf-8"))["settings"]
    assert settings.get("CSPResNet.use_alpha") == "changes"
    assert set(settings.values()) <= {"neutral", "changes"}


@pytest.mark.corpus
def test_an_official_config_finds_itself(develop: Path) -> None:
    config = "configs/picodet/picodet_s_320_coco_lcnet.yml"
    identity = identify(resolve(str(develop / config)).plain(), config)
    found = official_networks(identity.model_json, prefer_tree="develop")
    assert found and found[0].same_classes
    assert ("develop", config) in {(n.tree, n.config) for n in found if n.same_classes}
