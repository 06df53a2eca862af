"""Applying whole-line edits and writing files: atomic, refusing stale or unwritable targets."""
from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

import pytest

from qatfix.edit.apply import apply_text_edits, apply_to_texts, read_source, write_all
from qatfix.edit.primitives import delete_key, insert_item, insert_key, set_value
from qatfix.errors import EditError
from qatfix.findings import TextEdit
from tests.conftest import run_unprivileged

TEXT = "_BASE_: [\n  'a.yml',\n]\nweights: w\nepoch: 1\n"


def _edits(text: str, path: str = "f.yml") -> list[TextEdit]:
    return [*set_value(text, ("epoch",), 2).text_edits(path),
            *insert_key(text, ("pretrain_weights",), "p").text_edits(path),
            *delete_key(text, ("weights",)).text_edits(path)]


def test_text_edits_are_whole_lines_and_reproduce_the_splice() -> None:
    change = set_value(TEXT, ("epoch",), 2)
    (edit,) = change.text_edits("f.yml")
    assert edit == TextEdit("f.yml", 5, 5, "epoch: 1\n", "epoch: 2\n")
    assert apply_text_edits(TEXT, [edit]) == change.new_text


def test_insertion_edit_is_an_empty_range() -> None:
    (edit,) = insert_key(TEXT, ("pretrain_weights",), "p").text_edits("f.yml")
    assert (edit.start_line, edit.end_line, edit.old_text) == (6, 5, "")
    assert edit.new_text == "pretrain_weights: p\n"


def test_edits_from_several_primitives_combine() -> None:
    new = apply_text_edits(TEXT, _edits(TEXT))
    assert new == "_BASE_: [\n  'a.yml',\n]\nepoch: 2\npretrain_weights: p\n"


def test_second_apply_changes_nothing() -> None:
    edits = _edits(TEXT)
    once = apply_text_edits(TEXT, edits)
    assert apply_text_edits(once, edits) == once


def test_stale_and_overlapping_edits_are_refused() -> None:
    edits = _edits(TEXT)
    with pytest.raises(EditError, match="changed since this fix was computed"):
        apply_text_edits(TEXT.replace("epoch: 1", "epoch: 5"), edits)
    clash = [TextEdit("f.yml", 4, 5, "weights: w\nepoch: 1\n", "x: 1\n"),
             TextEdit("f.yml", 5, 5, "epoch: 1\n", "epoch: 3\n")]
    with pytest.raises(EditError, match="overlapping edits"):
        apply_text_edits(TEXT, clash)
    two_inserts = [TextEdit("f.yml", 6, 5, "", "a: 1\n"), TextEdit("f.yml", 6, 5, "", "b: 1\n")]
    with pytest.raises(EditError, match="overlapping"):
        apply_text_edits(TEXT, two_inserts)


def test_identical_edits_from_two_findings_apply_once() -> None:
    edit = set_value(TEXT, ("epoch",), 2).text_edits("f.yml")[0]
    assert apply_text_edits(TEXT, [edit, edit]) == TEXT.replace("epoch: 1", "epoch: 2")


def test_apply_to_texts_in_memory(tmp_path: Path) -> None:
    texts = {"a.yml": TEXT, "b.yml": "x: 1\n"}
    result = apply_to_texts(texts, {"a.yml": _edits(TEXT, "a.yml")})
    assert set(result) == {"a.yml"} and "epoch: 2" in result["a.yml"]
    with pytest.raises(EditError, match="not read"):
        apply_to_texts(texts, {"c.yml": []})


def _file(tmp_path: Path, text: str, mode: int = 0o640) -> Path:
    path = tmp_path / "model.yml"
    path.write_bytes(text.encode("utf-8"))
    path.chmod(mode)
    return path


def test_atomic_write_keeps_mode_bom_and_crlf(tmp_path: Path) -> None:
    path = _file(tmp_path, "\ufeffepoch: 1\r\nweights: w", 0o604)
    source = read_source(str(path))
    new = set_value(source.text, ("epoch",), 2).new_text
    assert write_all({source.path: source}, {source.path: new}) == [source.path]
    assert path.read_bytes() == "\ufeffepoch: 2\r\nweights: w".encode("utf-8")
    assert stat.S_IMODE(path.stat().st_mode) == 0o604
    assert [p.name for p in tmp_path.iterdir()] == ["model.yml"]  # no temporary file left


def test_write_through_a_symlink_keeps_the_link(tmp_path: Path) -> None:
    path = _file(tmp_path, "epoch: 1\n")
    link = tmp_path / "link.yml"
    link.symlink_to(path.name)
    source = read_source(str(link))
    write_all({source.path: source}, {source.path: "epoch: 2\n"})
    assert link.is_symlink() and path.read_text() == "epoch: 2\n"


def test_file_changed_since_read_is_not_written(tmp_path: Path) -> None:
    path = _file(tmp_path, "epoch: 1\n")
    source = read_source(str(path))
    path.write_text("epoch: 5\n")
    with pytest.raises(EditError, match="changed since it was read"):
        write_all({source.path: source}, {source.path: "epoch: 2\n"})
    assert path.read_text() == "epoch: 5\n"


def test_read_only_target_is_refused_and_nothing_is_written(tmp_path: Path) -> None:
    writable = tmp_path / "a.yml"
    writable.write_text("x: 1\n")
    locked = _file(tmp_path, "epoch: 1\n", 0o444)
    sources = {str(p): read_source(str(p)) for p in (writable, locked)}
    with pytest.raises(EditError, match="not writable; nothing written"):
        write_all(sources, {str(writable): "x: 2\n", str(locked): "epoch: 2\n"})
    assert writable.read_text() == "x: 1\n" and locked.read_text() == "epoch: 1\n"


def test_unchanged_text_is_not_rewritten(tmp_path: Path) -> None:
    path = _file(tmp_path, "epoch: 1\n")
    before = path.stat().st_mtime_ns
    source = read_source(str(path))
    assert write_all({source.path: source}, {source.path: source.text}) == []
    assert path.stat().st_mtime_ns == before


def test_unreadable_inputs_are_edit_errors(tmp_path: Path) -> None:
    with pytest.raises(EditError, match="no such file"):
        read_source(str(tmp_path / "missing.yml"))
    bad = tmp_path / "latin1.yml"
    bad.write_bytes(b"a: \xe9\n")
    with pytest.raises(EditError, match="not UTF-8"):
        read_source(str(bad))
    with pytest.raises(EditError, match="is a directory"):
        read_source(str(tmp_path))


def test_unwritable_folder_is_refused(tmp_path: Path) -> None:
    """Run in a child that permission bits stop (as `nobody` when the tests run as root)."""
    path = _file(tmp_path, "epoch: 1\n")
    probe = ("import sys\n"
             "from qatfix.edit.apply import read_source, write_all\n"
             "from qatfix.errors import EditError\n"
             "source = read_source(sys.argv[1])\n"
             "try:\n"
             "    write_all({source.path: source}, {source.path: 'epoch: 2\\n'})\n"
             "except EditError as exc:\n"
             "    print('EditError:', exc)\n")
    tmp_path.chmod(0o555)
    try:
        done = run_unprivileged([sys.executable, "-c", probe, str(path)], tmp_path)
    finally:
        tmp_path.chmod(0o755)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("EditError:") and "not writable" in done.stdout, done.stdout
    assert path.read_bytes() == b"epoch: 1\n"
    assert [p.name for p in tmp_path.iterdir()] == [path.name]


def test_inserting_a_copy_of_the_next_line_applies_once() -> None:
    text = "l:\n- 1\n- 2\n"
    change = insert_item(text, ("l",), 0, 1)
    edits = change.text_edits("f.yml")
    once = apply_text_edits(text, edits)
    assert once == change.new_text == "l:\n- 1\n- 1\n- 2\n"
    assert apply_text_edits(once, edits) == once
