"""A registry built from the small fixture trees `fixtures/new` (wins) and `fixtures/old`."""
from __future__ import annotations

from pathlib import Path

import pytest

from qatfix.registry.builder.assemble import BuildResult, build_registry
from qatfix.registry.index import Registry
from qatfix.registry.loader import parse_registry

FIXTURES = Path(__file__).resolve().parent / "fixtures"
ROOTS = (FIXTURES / "new", FIXTURES / "old")
TREE_INFO = {"new": {"branch": "develop", "commit": "0" * 40, "date": "2024-01-02"}}


@pytest.fixture(scope="session")
def fixture_build() -> BuildResult:
    return build_registry(ROOTS, tree_info=TREE_INFO, num_params={
        "new:configs/picodet/picodet_s_320_coco_lcnet.yml": 1206064})


@pytest.fixture(scope="session")
def fixture_registry(fixture_build: BuildResult) -> Registry:
    return parse_registry(fixture_build.text, "fixture")
