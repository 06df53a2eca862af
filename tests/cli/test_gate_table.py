"""The decision table of the gate (`qatfix/run/gate.py`), seen through the CLI in every format.

The bundled example reports QF101 (error) on line 1 of its slim config and QF501 (info) on line
2. Each row chooses codes (`--select`, `--ignore`, overlapping prefixes: the longer match wins,
an ignore as long as the select wins) or adds suppression comments to lines, and states which
codes, at which lines, every format shows and the exit code. What was not checked (QF000, QF002,
QF003) is shown whatever the selection or the comments say.
"""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest

from qatfix.cli.main import main

MODEL = "configs/picodet/picodet_s_320_coco_lcnet.yml"
SLIM = "configs/slim/quant/picodet_s_quant.yml"
FORMATS = ("text", "json", "sarif", "github", "rdjson")
BOTH = {("QF101", 1), ("QF501", 2)}
ONLY_101 = {("QF101", 1)}
ONLY_501 = {("QF501", 2)}

_TEXT = re.compile(r"^(?P<path>\S+?):(?P<line>\d+):\d+: (?:error|warning|info) (?P<code>QF\d{3}) ",
                   re.MULTILINE)
_GITHUB = re.compile(r"^::(?:error|warning|notice) file=(?P<path>[^,:]+)(?:,line=(?P<line>\d+))?"
                     r"[^:]*?,title=(?P<code>QF\d{3})::", re.MULTILINE)


_GROUPED = re.compile(r"^\s+(?:(?P<line>\d+):\d+|-): (?:error|warning|info) (?P<code>QF\d{3}) ")


def _text_findings(out: str) -> set[tuple[str, str, int]]:
    """The text report's findings: `path:line:col: severity CODE` lines, or a file's path on a
    line of its own followed by its indented `line:col: severity CODE` lines (several files)."""
    found: set[tuple[str, str, int]] = set()
    group = ""
    for text in out.splitlines():
        if (m := _TEXT.match(text)) is not None:
            found.add((m["path"], m["code"], int(m["line"])))
        elif (m := re.match(r"^([^\s:]+): (?:error|warning|info) (QF\d{3}) ", text)) is not None:
            found.add((m[1], m[2], 0))
        elif (m := _GROUPED.match(text)) is not None and group:
            found.add((group, m["code"], int(m["line"] or 0)))
        elif text and not text[0].isspace() and " " not in text:
            group = text
    return found


def shown(fmt: str, out: str) -> set[tuple[str, str, int]]:
    """(path, code, line) of every finding in one format's output (line 0: none given)."""
    if fmt == "text":
        return _text_findings(out)
    if fmt == "github":
        return {(m["path"], m["code"], int(m["line"] or 0)) for m in _GITHUB.finditer(out)}
    data = json.loads(out)
    if fmt == "json":
        return {(f["location"]["path"], f["code"], f["location"]["line"])
                for f in data["findings"]}
    if fmt == "sarif":
        found = set()
        for result in data["runs"][0]["results"]:
            where = result["locations"][0]["physicalLocation"]
            found.add((where["artifactLocation"]["uri"], result["ruleId"],
                       where.get("region", {}).get("startLine", 0)))
        return found
    assert fmt == "rdjson"
    return {(d["location"]["path"], d["code"]["value"],
             d["location"].get("range", {}).get("start", {}).get("line", 0))
            for d in data["diagnostics"]}


def run(capsys: pytest.CaptureFixture[str], fmt: str, *argv: str) -> tuple[int, str]:
    capsys.readouterr()
    code = main(["--format", fmt, *argv])
    return code, capsys.readouterr().out


def comment(root: Path, line: int, text: str) -> None:
    """Append a comment to line `line` (1-based) of the example's slim config."""
    path = root / SLIM
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[line - 1] = lines[line - 1].rstrip("\n") + f"  {text}\n"
    path.write_text("".join(lines), encoding="utf-8")


#: (select, ignore, what is shown): overlapping and nested prefixes
SELECTIONS = [
    ("", "", BOTH),
    ("QF101", "", ONLY_101),
    ("QF1", "", ONLY_101),
    ("QF5,QF101", "", BOTH),
    ("", "QF1", ONLY_501),
    ("", "QF101,QF501", set()),
    ("QF101", "QF1", ONLY_101),
    ("QF10", "QF1", ONLY_101),
    ("QF1", "QF101", set()),
    ("QF1", "QF10", set()),
    ("QF1", "QF1", set()),
    ("QF101", "QF101", set()),
    ("QF101", "QF1,QF10", ONLY_101),
    ("QF1,QF101", "QF10", ONLY_101),
    ("QF", "QF1", ONLY_501),
    ("QF101,QF5", "QF", BOTH),
    ("QF5", "QF501", set()),
    ("QF2", "", set()),
]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("select, ignore, expected", SELECTIONS)
def test_select_and_ignore_overlaps(example: Path, capsys: pytest.CaptureFixture[str], fmt: str,
                                    select: str, ignore: str,
                                    expected: set[tuple[str, int]]) -> None:
    argv = ["-c", MODEL, "--slim_config", SLIM]
    argv += ["--select", select] if select else []
    argv += ["--ignore", ignore] if ignore else []
    code, out = run(capsys, fmt, *argv)
    assert shown(fmt, out) == {(SLIM, c, line) for c, line in expected}, out
    assert code == (1 if ("QF101", 1) in expected else 0)


#: (comments added as (line, text), what is shown): a comment silences its own line only
COMMENTS = [
    ([(1, "# qatfix: ignore[QF101]")], ONLY_501),
    ([(1, "# qatfix: ignore[qf101]")], ONLY_501),
    ([(2, "# qatfix: ignore[QF101]")], BOTH),
    ([(1, "# qatfix: ignore[QF501]")], BOTH),
    ([(2, "# qatfix: ignore[QF501]")], ONLY_101),
    ([(2, "# qatfix: ignore")], ONLY_101),
    ([(1, "# qatfix: ignore")], ONLY_501),
    ([(3, "# qatfix: ignore")], BOTH),
    ([(1, "# qatfix: ignore[QF1]")], BOTH),
    ([(1, "# qatfix: ignore[QF501, QF101]")], ONLY_501),
    ([(1, "# qatfix: ignore[QF102]"), (2, "# qatfix: ignore[QF101]")], BOTH),
    ([(1, "# qatfix: ignore[QF101]"), (2, "# qatfix: ignore[QF501]")], set()),
]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("comments, expected", COMMENTS)
def test_suppression_comments_silence_their_own_line_and_codes(
        example: Path, capsys: pytest.CaptureFixture[str], fmt: str,
        comments: list[tuple[int, str]], expected: set[tuple[str, int]]) -> None:
    for line, text in comments:
        comment(example, line, text)
    code, out = run(capsys, fmt, "-c", MODEL, "--slim_config", SLIM)
    assert shown(fmt, out) == {(SLIM, c, line) for c, line in expected}, out
    assert code == (1 if ("QF101", 1) in expected else 0)


UNCHECKED_GATES = [
    ("QF101", ""), ("", "QF0"), ("", "QF000,QF002,QF003"), ("QF5", "QF"), ("QF1", "QF0,QF00"),
]


@pytest.fixture
def unchecked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder holding a config that cannot be read (QF000) and a foreign YAML file (QF002),
    each with suppression comments on every line."""
    root = tmp_path / "unchecked"
    (root / "configs").mkdir(parents=True)
    (root / "configs" / "broken.yml").write_text(
        "architecture: YOLOv3  # qatfix: ignore\nsizes: [1, 2  # qatfix: ignore[QF000]\n"
        "  3]]  # qatfix: ignore\nepoch: 1  # qatfix: ignore[QF000]\n", encoding="utf-8")
    (root / "configs" / "foreign.yml").write_text(
        "# qatfix: ignore\nmodel: other  # qatfix: ignore[QF002]\n", encoding="utf-8")
    monkeypatch.chdir(root)
    return root


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("select, ignore", UNCHECKED_GATES)
def test_what_was_not_read_or_understood_is_never_hidden(
        unchecked: Path, capsys: pytest.CaptureFixture[str], fmt: str, select: str,
        ignore: str) -> None:
    argv = ["configs/"] + (["--select", select] if select else []) + \
        (["--ignore", ignore] if ignore else [])
    code, out = run(capsys, fmt, *argv)
    found = shown(fmt, out)
    assert {(path, c) for path, c, _ in found} == {("configs/broken.yml", "QF000"),
                                                   ("configs/foreign.yml", "QF002")}, out
    [(_, _, line)] = [f for f in found if f[1] == "QF000"]
    assert "qatfix: ignore" in (unchecked / "configs" / "broken.yml").read_text(
        encoding="utf-8").splitlines()[line - 1]
    assert code == 2


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("select, ignore", UNCHECKED_GATES)
def test_a_deep_check_that_could_not_run_is_never_hidden(
        example: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
        fmt: str, select: str, ignore: str) -> None:
    """QF003 (here: paddle cannot be imported), whatever the selection and the comments."""
    monkeypatch.setitem(sys.modules, "paddle", None)
    comment(example, 1, "# qatfix: ignore")
    argv = ["-c", MODEL, "--slim_config", SLIM, "--deep", "--offline"] + \
        (["--select", select] if select else []) + (["--ignore", ignore] if ignore else [])
    code, out = run(capsys, fmt, *argv)
    assert (SLIM, "QF003") in {(path, c) for path, c, _ in shown(fmt, out)}, out
    assert code == 2
