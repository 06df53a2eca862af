"""Which registry tree a checkout's ppdet is, read off its setup.py, its ppdet/version.py or
its source."""
from __future__ import annotations

from pathlib import Path

import pytest

from qatfix.registry.checkout import (
    checkout_release, checkout_tree, declared_version, installed_version, tree_of_version,
    unknown_release,
)
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


@pytest.mark.parametrize(("text", "version"), [
    ("# THIS FILE IS GENERATED FROM PADDLEPADDLE SETUP.PY\n#\nfull_version    = '2.6.0'\n"
     "commit          = 'abc'\n", "2.6.0"),
    ('full_version = "2.5.1"\n', "2.5.1"),
    ("commit = 'abc'\n", None),
])
def test_installed_version(text: str, version: str | None) -> None:
    assert installed_version(text) == version


def _package(root: Path, source: Path | None = None) -> Path:
    """root/ppdet: links to `source`'s files, or an empty package."""
    package = root / "ppdet"
    package.mkdir(parents=True)
    if source is None:
        (package / "__init__.py").write_text("", encoding="utf-8")
    else:
        for item in source.iterdir():
            (package / item.name).symlink_to(item)
    return package


def test_the_version_ppdet_reports_and_the_declared_one(tmp_path: Path) -> None:
    package = _package(tmp_path / "a")
    (package / "version.py").write_text("full_version = '2.6.0'\n", encoding="utf-8")
    assert checkout_release(str(tmp_path / "a")) == ("release-2.6", None)
    (tmp_path / "a" / "setup.py").write_text('PPDET_VERSION = "2.6.0"\n', encoding="utf-8")
    checkout_release.cache_clear()
    assert checkout_release(str(tmp_path / "a")) == ("release-2.6", None)
    (tmp_path / "a" / "setup.py").write_text('PPDET_VERSION = "0.0.0"\n', encoding="utf-8")
    checkout_release.cache_clear()
    assert checkout_release(str(tmp_path / "a")) == \
        (None, "declares version 0.0.0 in setup.py and 2.6.0 in ppdet/version.py")
    (package / "version.py").write_text("full_version = '2.5.0'\n", encoding="utf-8")
    (tmp_path / "a" / "setup.py").unlink()
    checkout_release.cache_clear()
    assert unknown_release(str(tmp_path / "a")) == "declares version 2.5.0"


@pytest.mark.corpus
def test_a_checkout_without_a_version_by_its_source(tmp_path: Path) -> None:
    for name in ("develop", "release-2.6"):
        root = tmp_path / name
        _package(root, tree(name) / "ppdet")
        (root / "tools").symlink_to(tree(name) / "tools")
        assert checkout_release(str(root)) == (name, None)
    # a source of neither, declaring nothing
    root = tmp_path / "fork"
    _package(root, tree("develop") / "ppdet")
    assert checkout_release(str(root))[1] == ("declares no version (no setup.py or "
                                              "ppdet/version.py) and its source is neither "
                                              "shipped tree's")
    # an empty folder named ppdet is no checkout to judge
    (tmp_path / "empty" / "ppdet").mkdir(parents=True)
    assert checkout_release(str(tmp_path / "empty")) == (None, None)
