"""Which registry tree a checkout's ppdet is, read off its setup.py."""
from __future__ import annotations

from pathlib import Path

import pytest

from qatfix.registry.checkout import checkout_tree, declared_version, tree_of_version
from tests.conftest import tree


@pytest.mark.parametrize(("text", "version"), [
    ('PPDET_VERSION = "2.6.0"\n', "2.6.0"),
    ("x = 1\nPPDET_VERSION='2.5.1'", "2.5.1"),
    ('print(PPDET_VERSION)\nPPDET_VERSION = "0.0.0"\n', "0.0.0"),
    ("print(PPDET_VERSION)\n", None),
    ('PPDET_VERSION = ""\n', None),
    ("", None),
])
def test_declared_version(text: str, version: str | None) -> None:
    assert declared_version(text) == version


def test_versions_map_to_the_registry_trees() -> None:
    assert tree_of_version("0.0.0") == "develop"
    assert tree_of_version("2.6.0") == tree_of_version("2.6.1") == "release-2.6"
    assert tree_of_version("2.4.0") is None


def test_the_shared_checkouts() -> None:
    assert checkout_tree(str(tree("develop"))) == "develop"
    assert checkout_tree(str(tree("release-2.6"))) == "release-2.6"


def test_a_folder_that_is_no_checkout(tmp_path: Path) -> None:
    assert checkout_tree(str(tmp_path)) is None
    (tmp_path / "setup.py").write_text('PPDET_VERSION = "2.6.0"\n', encoding="utf-8")
    assert checkout_tree(str(tmp_path)) is None  # no ppdet/ beside it
