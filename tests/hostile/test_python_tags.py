"""`!!python/...` tags are refused and nothing is constructed.

The payloads would create a marker file if any loader built them; the control test shows PyYAML's
unsafe loader does create it, so the marker staying absent means something.
"""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tests.hostile.helpers import (
    assert_unchanged, commands, error_line, run_cli, run_module, snapshot, write,
)


def payloads(marker: Path) -> dict[str, str]:
    touch = f"import pathlib; pathlib.Path({str(marker)!r}).touch()"
    return {
        "object_apply": f"epoch: 1\nx: !!python/object/apply:exec [{touch!r}]\n",
        "object_new": f"epoch: 1\nx: !!python/object/new:exec [{touch!r}]\n",
        "long_form": f"epoch: 1\nx: !<tag:yaml.org,2002:python/object/apply:exec> [{touch!r}]\n",
        "as_key": f"epoch: 1\n? !!python/object/apply:exec [{touch!r}]\n: 1\n",
        "in_base_list": f"_BASE_: [!!python/object/apply:exec [{touch!r}]]\nepoch: 1\n",
        "object": "epoch: 1\nx: !!python/object:pathlib.PurePosixPath {}\n",
        "name": "epoch: 1\nx: !!python/name:os.system\n",
        "module": "epoch: 1\nx: !!python/module:os\n",
    }


def test_the_payload_would_run_under_an_unsafe_loader(tmp_path: Path) -> None:
    marker = tmp_path / "constructed"
    yaml.unsafe_load(payloads(marker)["object_apply"])
    assert marker.exists()


@pytest.mark.parametrize("name", sorted(payloads(Path("m"))))
@pytest.mark.parametrize("command", ["check", "resolve", "apply", "set"])
def test_python_tags_are_refused_and_nothing_is_built(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, command: str) -> None:
    marker = tmp_path / "constructed"
    path = write(tmp_path / f"{name}.yml", payloads(marker)[name])
    before = snapshot(tmp_path)
    run = run_cli(capsys, *commands(str(path))[command])
    error_line(run, path, 2 if name != "in_base_list" else 1, r"Python object tag .*python/")
    assert not marker.exists()
    assert_unchanged(before, tmp_path)


def test_python_tags_in_an_option_are_refused(tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    marker = tmp_path / "constructed"
    path = write(tmp_path / "ok.yml", "epoch: 1\n")
    touch = f"import pathlib; pathlib.Path({str(marker)!r}).touch()"
    value = f"x=!!python/object/apply:exec [{touch!r}]"
    run = run_cli(capsys, "resolve", str(path), "-o", value)
    assert run.code == 2 and "Python object tag" in run.err
    assert len(run.err.strip().splitlines()) == 1
    assert not marker.exists()


def test_python_tags_in_a_fresh_process(tmp_path: Path) -> None:
    marker = tmp_path / "constructed"
    path = write(tmp_path / "evil.yml", payloads(marker)["object_apply"])
    run = run_module("check", str(path))
    error_line(run, path, 2, "Python object tag")
    assert not marker.exists()
