"""action.yml and .pre-commit-hooks.yaml: shape, safety of the scripts, entries that parse."""
from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from qatfix.cli.main import build_parser

ROOT = Path(__file__).resolve().parents[2]


def load(name: str):  # type: ignore[no-untyped-def]
    return YAML(typ="safe").load((ROOT / name).read_text(encoding="utf-8"))


def test_action_is_a_composite_that_installs_itself_and_runs_review():
    action = load("action.yml")
    assert set(action["inputs"]) >= {"fail-on", "python-version", "args"}
    assert action["inputs"]["fail-on"]["default"] == "never"
    steps = action["runs"]["steps"]
    assert action["runs"]["using"] == "composite"
    assert steps[0]["uses"].startswith("actions/setup-python@")
    assert steps[0]["with"]["python-version"] == "${{ inputs.python-version }}"
    assert 'pip install' in steps[1]["run"] and '"$GITHUB_ACTION_PATH"' in steps[1]["run"]
    assert "qatfix review --fail-on" in steps[2]["run"]
    for step in steps[1:]:
        assert step["shell"] == "bash"
        # expressions in `run:` would be pasted into the script (script injection)
        assert "${{" not in step["run"]


def test_hooks():
    hooks = {h["id"]: h for h in load(".pre-commit-hooks.yaml")}
    assert set(hooks) == {"qatfix", "qatfix-fix"}
    for hook in hooks.values():
        assert hook["language"] == "python"
        files, exclude = re.compile(hook["files"]), re.compile(hook["exclude"])
        assert files.search("configs/a.yml") and files.search("configs/slim/quant/b.yaml")
        assert not files.search("a.yml.bak") and not files.search("notes.md")
        # other YAML of a repository is no config: it is not handed to qatfix at all
        assert not files.search(".pre-commit-config.yaml")
        assert not files.search(".github/workflows/ci.yml")
        # under deploy/ only the ACT configs and their readers are handed over
        assert not exclude.search("deploy/auto_compression/configs/picodet_s_qat_dis.yaml")
        assert exclude.search("deploy/third_engine/demo/configs/picodet.yml")
    assert "--apply" in hooks["qatfix-fix"]["entry"]
    assert "--apply" not in hooks["qatfix"]["entry"]


@pytest.mark.parametrize("hook", ["qatfix", "qatfix-fix"])
def test_hook_entries_parse_with_file_names_appended(hook: str):
    entry = {h["id"]: h for h in load(".pre-commit-hooks.yaml")}[hook]["entry"]
    argv = shlex.split(entry)[1:] + ["configs/a.yml", "configs/b.yaml"]
    args = build_parser(argv[0]).parse_args(argv)
    assert args.command == "check"
    assert args.apply is (hook == "qatfix-fix")
    assert args.paths == ["configs/a.yml", "configs/b.yaml"]
