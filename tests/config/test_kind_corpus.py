"""Telling model, slim, ACT and other files apart from their top-level keys agrees with a full resolve
on every YAML file of both PaddleDetection trees (configs/ and deploy/)."""
from __future__ import annotations

import os

import pytest

from qatfix.config.act_keys import is_act_config
from qatfix.config import resolve
from qatfix.run.discover import yaml_files
from qatfix.errors import QatfixError
from qatfix.config.kind import kind_of
from tests.conftest import tree


def _resolved_kind(path: str) -> str:
    try:
        data = resolve(path).data
    except QatfixError:
        return "unreadable"
    if "slim" in data and "architecture" not in data:
        return "slim"
    if "architecture" in data:
        return "model"
    return "act" if is_act_config(set(data)) else "other"


@pytest.mark.parametrize("name", ["develop", "release-2.6"])
def test_kind_of_agrees_with_resolve(name: str) -> None:
    root = tree(name)
    files = yaml_files(str(root / "configs")) + yaml_files(str(root / "deploy"))
    assert len(files) > 500
    wrong = [(os.path.relpath(f, root), kind_of(f), _resolved_kind(f)) for f in files
             if kind_of(f) != _resolved_kind(f)]
    assert wrong == []
    # every PaddleSlim auto-compression config of the tree is one, and nothing else is
    act = {os.path.relpath(f, root) for f in files if kind_of(f) == "act"}
    assert act and all(p.startswith("deploy/auto_compression/configs/") and "reader" not in p
                       for p in act), act
