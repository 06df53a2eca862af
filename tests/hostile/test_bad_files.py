"""Malformed, empty, non-mapping, binary and badly encoded files, through every command.

Each must give exit code 2 and one error line naming the file (and the line where the problem
has one), and leave every byte alone.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.hostile.helpers import assert_out, assert_unchanged, commands, error_line, run_cli, snapshot, write


@dataclass(frozen=True)
class Bad:
    name: str
    content: bytes
    pattern: str
    line: int | None = None
    #: False when `qatfix set` can legitimately edit it (an empty file becomes a mapping)
    bad_for_set: bool = True


BAD = [
    Bad("unclosed_flow", b"epoch: [1, 2\nsnapshot_epoch: 3\n", "YAML syntax error", 2),
    Bad("bad_indent", b"TrainReader:\n  batch_size: 1\n shuffle: true\n", "YAML syntax error", 3),
    Bad("tab_indent", b"TrainReader:\n\tbatch_size: 1\n", "YAML syntax error", 2),
    Bad("unclosed_quote", b'epoch: "12\nx: 1\n', "YAML syntax error"),
    Bad("stray_colon", b"epoch: 1\n: : :\n- 2\n", "YAML syntax error"),
    Bad("empty", b"", "empty", None, bad_for_set=False),
    Bad("comments_only", b"# nothing here\n\n", "empty", None, bad_for_set=False),
    Bad("list", b"- epoch: 1\n- epoch: 2\n", "a list"),
    Bad("scalar", b"just some words\n", "single value|scalar"),
    Bad("binary", bytes(range(256)) * 8, "binary|UTF-8"),
    Bad("invalid_utf8", b"epoch: 1\nname: caf\xe9\n", "UTF-8", 2),
    Bad("utf16", "epoch: 1\n".encode("utf-16"), "UTF-8", 1),
    Bad("two_documents", b"epoch: 1\n---\nepoch: 2\n", "more than one YAML document", 2),
    Bad("undefined_alias", b"epoch: 1\nx: *nowhere\n", "names no anchor", 2),
    Bad("mapping_key", b"? [a, b]\n: 1\nepoch: 2\n", "key must be a scalar", 1),
    Bad("bad_binary_tag", b"epoch: 1\nblob: !!binary 'abc'\n", "base64", 2),
    Bad("non_ascii_binary", "epoch: 1\nblob: !!binary 'é'\n".encode(), "base64", 2),
    Bad("bad_int_tag", b"epoch: !!int twelve\n", r"!!int", 1),
    Bad("bad_timestamp", b"epoch: 1\nwhen: !!timestamp 2020-13-45\n", "timestamp", 2),
    Bad("merge_scalar", b"a: &x 1\nb:\n  <<: *x\n", "merge key", 3),
]


CASES = [pytest.param(bad, command, id=f"{command}-{bad.name}")
         for command in ("check", "resolve", "apply", "set") for bad in BAD
         if command != "set" or bad.bad_for_set]


@pytest.mark.parametrize(("bad", "command"), CASES)
def test_bad_file_is_one_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                     bad: Bad, command: str) -> None:
    path = write(tmp_path / "configs" / f"{bad.name}.yml", bad.content)
    before = snapshot(tmp_path)
    run = run_cli(capsys, *commands(str(path))[command])
    # `set` reports where its own reader stopped; the line is checked for the readers of configs
    line = bad.line if command != "set" else None
    error_line(run, path, line, bad.pattern)
    assert_out(run, commands(str(path))[command][0])
    assert_unchanged(before, tmp_path)


def test_a_folder_of_bad_files_reports_each_and_checks_the_rest(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "configs"
    for bad in BAD:
        write(folder / f"{bad.name}.yml", bad.content)
    write(folder / "good.yml", "architecture: YOLOv3\nepoch: 12\nuse_gpu: true\n")
    before = snapshot(tmp_path)
    run = run_cli(capsys, "check", str(folder))
    assert run.code == 2
    assert "Traceback" not in run.err
    # each unreadable config is a QF000 finding of the report, counted in its summary ...
    lines = run.out.splitlines()
    for bad in BAD:
        # grouped by file: the path on its line, the finding under it
        [at] = [i for i, ln in enumerate(lines) if ln.endswith(f"/{bad.name}.yml")]
        assert " error QF000 " in lines[at + 1] and lines[at + 1].startswith("  ")
    assert run.out.rstrip().endswith(f"{len(BAD)} not checked")
    assert "good.yml" not in run.out
    # ... and stderr says once why the exit code is 2
    [error] = [ln for ln in run.err.splitlines() if ln.strip()]
    assert error == f"qatfix: error: {len(BAD)} config(s) could not be read (QF000)"
    assert_unchanged(before, tmp_path)


@pytest.mark.parametrize("side", ["config", "slim_config"])
def test_a_config_that_is_no_yaml_file_is_qf000_as_ppdet_asserts(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], side: str) -> None:
    """ppdet's load_config asserts a .yml/.yaml name: such a file, on either side of a run, is
    reported unread in the report and on one error line, never a traceback."""
    model = write(tmp_path / "configs" / "model.yml", b"architecture: YOLOv3\nepoch: 1\n")
    other = write(tmp_path / "configs" / f"{side}.txt",
                  b"slim: QAT\n" if side == "slim_config" else b"architecture: YOLOv3\n")
    argv = (["-c", str(other)] if side == "config"
            else ["-c", str(model), "--slim_config", str(other)])
    before = snapshot(tmp_path)
    run = run_cli(capsys, "--format", "json", *argv)
    error_line(run, other, None, r"only \.yml and \.yaml files are configs")
    report = json.loads(run.out)
    assert [(f["code"], f["location"]["path"]) for f in report["findings"]] == \
        [("QF000", str(other))]
    assert report["summary"]["unchecked"] == 1 and report["summary"]["errors"] == 1
    assert_unchanged(before, tmp_path)
