"""CRLF line breaks and a UTF-8 BOM are ordinary input: everything works, and `--apply` and
`set` keep both, changing only the line they fix."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.hostile.helpers import EXAMPLE, EXAMPLE_CONFIG, EXAMPLE_SLIM, run_cli, snapshot

BOM = b"\xef\xbb\xbf"
FORMS = {"crlf": (False, True), "bom": (True, False), "bom_crlf": (True, True)}


def _convert(data: bytes, bom: bool, crlf: bool) -> bytes:
    if crlf:
        data = data.replace(b"\n", b"\r\n")
    return BOM + data if bom else data


@pytest.fixture
def plain_tree(tmp_path: Path) -> Path:
    tree = tmp_path / "plain"
    shutil.copytree(EXAMPLE, tree)
    return tree


def converted(plain: Path, form: str) -> Path:
    bom, crlf = FORMS[form]
    tree = plain.parent / form
    shutil.copytree(plain, tree)
    for path in tree.rglob("*.yml"):
        path.write_bytes(_convert(path.read_bytes(), bom, crlf))
    return tree


def _findings(capsys: pytest.CaptureFixture[str], tree: Path, monkeypatch: pytest.MonkeyPatch
              ) -> tuple[int, list[tuple[str, str, int, int]]]:
    monkeypatch.chdir(tree)
    run = run_cli(capsys, "check", "-c", EXAMPLE_CONFIG, "--slim_config", EXAMPLE_SLIM,
                  "--format", "json")
    assert run.err == ""
    found = json.loads(run.out)["findings"]
    return run.code, [(f["code"], f["location"]["path"], f["location"]["line"],
                       f["location"]["column"]) for f in found]


@pytest.mark.parametrize("form", sorted(FORMS))
def test_check_reads_them_like_plain_files(plain_tree: Path, capsys: pytest.CaptureFixture[str],
                                           monkeypatch: pytest.MonkeyPatch, form: str) -> None:
    tree = converted(plain_tree, form)
    plain = _findings(capsys, plain_tree, monkeypatch)
    assert plain[0] == 1 and any(code == "QF101" for code, *_ in plain[1])
    assert _findings(capsys, tree, monkeypatch) == plain


@pytest.mark.parametrize("form", sorted(FORMS))
def test_resolve_reads_them_like_plain_files(plain_tree: Path,
                                             capsys: pytest.CaptureFixture[str],
                                             monkeypatch: pytest.MonkeyPatch, form: str) -> None:
    tree = converted(plain_tree, form)
    outputs = []
    for root in (plain_tree, tree):
        monkeypatch.chdir(root)
        run = run_cli(capsys, "resolve", "-c", EXAMPLE_CONFIG, "--slim_config", EXAMPLE_SLIM,
                      "--format", "json")
        assert run.code == 0, run.err
        outputs.append(run.out)
    assert outputs[0] == outputs[1]


def _changed_lines(before: bytes, after: bytes) -> list[tuple[bytes, bytes]]:
    old, new = before.split(b"\n"), after.split(b"\n")
    assert len(old) == len(new)
    return [(a, b) for a, b in zip(old, new) if a != b]


@pytest.mark.parametrize("form", sorted(FORMS))
def test_apply_keeps_crlf_and_bom(plain_tree: Path, capsys: pytest.CaptureFixture[str],
                                  monkeypatch: pytest.MonkeyPatch, form: str) -> None:
    bom, crlf = FORMS[form]
    tree = converted(plain_tree, form)
    before = snapshot(tree)
    monkeypatch.chdir(tree)
    run = run_cli(capsys, "check", "-c", EXAMPLE_CONFIG, "--slim_config", EXAMPLE_SLIM,
                  "--apply")
    assert run.code == 0, run.err
    assert "Traceback" not in run.err and "applied 1 fix" in run.err
    after = snapshot(tree)
    slim = str(tree / EXAMPLE_SLIM)
    assert {p for p in after if after[p] != before[p]} == {slim}
    data = after[slim]
    assert data.startswith(BOM) == bom
    assert data.count(b"\r\n") == (data.count(b"\n") if crlf else 0)
    [(old, new)] = _changed_lines(before[slim], data)
    assert b"picodet_s_320_coco.pdparams" in old
    assert b"picodet_s_320_coco_lcnet.pdparams" in new
    assert new.endswith(b"\r") == crlf


@pytest.mark.parametrize("form", sorted(FORMS))
def test_set_keeps_crlf_and_bom(plain_tree: Path, capsys: pytest.CaptureFixture[str],
                                monkeypatch: pytest.MonkeyPatch, form: str) -> None:
    bom, crlf = FORMS[form]
    tree = converted(plain_tree, form)
    slim = tree / EXAMPLE_SLIM
    before = slim.read_bytes()
    run = run_cli(capsys, "set", str(slim), "TrainReader.batch_size", "32")
    assert run.code == 0, run.err
    data = slim.read_bytes()
    assert data.startswith(BOM) == bom
    assert data.count(b"\r\n") == (data.count(b"\n") if crlf else 0)
    [(old, new)] = _changed_lines(before, data)
    assert old.strip() == b"batch_size: 96" and new.strip() == b"batch_size: 32"
