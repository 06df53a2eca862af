"""Every mode that builds runs from named files passes the ACT reader on: `--diff`, `--apply`,
`--interactive` (in a real pty) and the pre-commit hook report what the plain check reports for
the same run, and re-check each fix as that run. On copies of the shared trees."""
from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from tests.after.act_trees import ACT, act_checkout, edit
from tests.after.helpers import codes, findings, qatfix
from tests.conftest import REPO, require

ACT_CONFIG = "configs/picodet_s_320_lcnet_qat_dis.yaml"
READER_416 = "configs/picodet_416_reader.yml"
PASTED = ["python", "run_det.py", "--config", READER_416, "--act_config_path", ACT_CONFIG]


@pytest.fixture
def develop(tmp_path: Path) -> Path:
    """develop's deploy/auto_compression, with the 320 ACT config's QuantAware section under
    its PaddleSlim 2.3 name (QF971, a safe fix)."""
    run_dir = act_checkout("develop", tmp_path) / ACT
    edit(run_dir / ACT_CONFIG, "\nQuantAware:", "\nQuantization:")
    return run_dir


def test_diff_of_the_named_run_is_the_pasted_runs(develop: Path) -> None:
    named = qatfix(ACT_CONFIG, READER_416, "--diff", cwd=develop)
    reverse = qatfix(READER_416, ACT_CONFIG, "--diff", cwd=develop)
    pasted = qatfix("--diff", *PASTED, cwd=develop)
    assert named.returncode == reverse.returncode == pasted.returncode == 1
    assert named.stdout == reverse.stdout == pasted.stdout
    assert "-Quantization:\n+QuantAware:\n" in named.stdout
    assert named.stderr == pasted.stderr == ""


def test_apply_of_the_named_run_reports_what_remains_of_that_run(develop: Path,
                                                                 tmp_path: Path) -> None:
    pasted_copy = act_checkout("develop", tmp_path / "second") / ACT
    edit(pasted_copy / ACT_CONFIG, "\nQuantAware:", "\nQuantization:")
    named = qatfix(ACT_CONFIG, READER_416, "--apply", cwd=develop)
    pasted = qatfix("--apply", *PASTED, cwd=pasted_copy)
    assert named.returncode == pasted.returncode == 1  # the reader's errors remain
    assert named.stdout == pasted.stdout
    assert named.stderr == pasted.stderr
    assert f"fixed {ACT_CONFIG}" in named.stderr and "applied 1 fix" in named.stderr
    # grouped by file: `  line:col: severity CODE ...` under each path
    remaining = [line.split()[2] for line in named.stdout.splitlines()
                 if re.match(r"^  \d+:\d+: ", line)]
    # the reader's, not QF950 "reader not checked"; and the note that the model is not exported
    assert remaining == ["QF951", "QF952", "QF960"]
    assert (develop / ACT_CONFIG).read_text() == (pasted_copy / ACT_CONFIG).read_text()
    assert "\nQuantAware:" in (develop / ACT_CONFIG).read_text()
    assert findings(ACT_CONFIG, READER_416, cwd=develop) == findings(*PASTED, cwd=develop)


def test_a_fix_is_re_checked_as_the_run_it_came_from(develop: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Re-checking a finding's run (what verification does before and after each fix) gives
    the run's findings again: the reader it was named with, not "reader not checked"."""
    from qatfix.run.collect import collect
    from qatfix.run.fixes import recheck, verify
    from qatfix.run.request import CheckRequest

    monkeypatch.chdir(develop)
    found = list(collect(CheckRequest(paths=(ACT_CONFIG, READER_416))).findings)
    assert [f.code for f in found] == ["QF951", "QF952", "QF960", "QF971"]
    assert {f.reader for f in found} == {READER_416}
    again = recheck(found[0].config, None, (), {}, reader=found[0].reader)
    assert again == found
    texts, verdicts = verify(found, None, (), unsafe=False)
    assert [(v.finding.code, v.accepted) for v in verdicts] == [("QF971", True)]
    (text,) = texts.values()
    assert "\nQuantAware:" in text


class _Pty:
    """`python -m qatfix ARGS` in a pseudo-terminal."""

    def __init__(self, cwd: Path, *args: str) -> None:
        pexpect = require("pexpect")
        env = dict(os.environ, NO_COLOR="1", TERM="xterm", PROMPT_TOOLKIT_NO_CPR="1",
                   COLUMNS="200", LINES="50", PYTHONPATH=str(REPO))
        env.pop("FORCE_COLOR", None)
        self.pexpect = pexpect
        self.child = pexpect.spawn(sys.executable, ["-m", "qatfix", *args], cwd=str(cwd),
                                   env=env, dimensions=(50, 200), encoding="utf-8", timeout=60)
        self.output = ""

    def expect(self, text: str) -> None:
        self.child.expect_exact(text)
        self.output += (self.child.before or "") + text

    def finish(self) -> int:
        self.child.expect(self.pexpect.EOF)
        self.output += self.child.before or ""
        self.child.close()
        return int(self.child.exitstatus if self.child.exitstatus is not None else 128)


@pytest.mark.parametrize("form", ["named", "pasted"])
def test_interactive_review_of_the_act_run_keeps_its_reader(develop: Path, form: str) -> None:
    from qatfix.interactive.menus import ACTION_QUESTION

    args = [ACT_CONFIG, READER_416, "--interactive"] if form == "named" else \
        ["--interactive", *PASTED]
    term = _Pty(develop, *args)
    term.expect("[1/1]")  # QF971 is the one fixable finding; the reader's have no fix
    term.expect("+QuantAware:")
    term.expect(ACTION_QUESTION)
    term.child.send("\r")  # apply
    assert term.finish() == 1
    assert f"wrote {ACT_CONFIG}" in term.output
    recheck = term.output.split("re-check:", 1)[1]
    assert " error QF951 " in recheck and " error QF952 " in recheck
    assert "QF950" not in term.output and "QF971" not in recheck
    assert "\nQuantAware:" in (develop / ACT_CONFIG).read_text()
    assert codes(findings(*PASTED, cwd=develop)[1]) == ["QF951", "QF952", "QF960"]


def _hook_entry() -> list[str]:
    hooks = YAML(typ="safe").load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    hook = {h["id"]: h for h in hooks}["qatfix"]
    files, exclude = re.compile(hook["files"]), re.compile(hook["exclude"])
    for path in (ACT / ACT_CONFIG, ACT / READER_416):
        assert files.search(path.as_posix()) and not exclude.search(path.as_posix())
    entry = hook["entry"].split()
    assert entry[0] == "qatfix"
    return entry[1:]


def test_pre_commit_hook_checks_a_changed_act_config_with_the_reader_changed_with_it(
        develop: Path) -> None:
    root = develop.parent.parent
    changed = [str(ACT / ACT_CONFIG), str(ACT / READER_416)]
    done = qatfix(*_hook_entry(), *changed, cwd=root)
    assert done.returncode == 1
    named = qatfix(*changed, cwd=root)
    assert done.stdout == named.stdout
    code, found = findings(*changed, cwd=root)
    assert codes(found) == ["QF951", "QF952", "QF960", "QF971"]
    # only the ACT config changed: the reader is not known, and that is said (QF950, an info)
    alone = qatfix(*_hook_entry(), "--format", "json", changed[0], cwd=root)
    assert alone.returncode == 1
    assert codes(json.loads(alone.stdout)["findings"]) == ["QF950", "QF960", "QF971"]
