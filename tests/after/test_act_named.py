"""An ACT config named with a reader config (`qatfix ACT READER`, either order) is the ACT run
with that reader: the result equals the pasted run_det.py command's. Fresh processes, on the
shared develop and release-2.6 trees."""
from __future__ import annotations

import pytest

from tests.after.act_trees import ACT
from tests.after.helpers import NOT_EXPORTED, checked, clean, codes, findings, qatfix
from tests.conftest import tree

PICODET_320 = "configs/picodet_s_320_lcnet_qat_dis.yaml"
PICODET_416 = "configs/picodet_s_qat_dis.yaml"
READER_416 = "configs/picodet_416_reader.yml"
READER_320 = "configs/picodet_320_reader.yml"


def _pasted(reader: str, act: str) -> list[str]:
    return ["python", "run_det.py", "--config", reader, "--act_config_path", act]


@pytest.mark.parametrize("reader", [READER_416, READER_320])
@pytest.mark.parametrize("order", ["act first", "reader first"])
def test_act_and_reader_named_are_the_pasted_run_det_command(reader: str, order: str) -> None:
    run_dir = tree("develop") / ACT
    named = [PICODET_320, reader] if order == "act first" else [reader, PICODET_320]
    done = qatfix(*named, cwd=run_dir)
    pasted = qatfix(*_pasted(reader, PICODET_320), cwd=run_dir)
    assert (done.returncode, done.stdout, done.stderr) == \
        (pasted.returncode, pasted.stdout, pasted.stderr)
    assert findings(*named, cwd=run_dir) == findings(*_pasted(reader, PICODET_320), cwd=run_dir)
    if reader == READER_320:  # clear, but for the note that the model is not exported yet
        assert done.returncode == 0 and NOT_EXPORTED in done.stdout
        assert done.stdout.endswith("0 errors, 0 warnings, 1 info\n")
        return
    assert done.returncode == 1
    lines = done.stdout.splitlines()
    assert lines[0] == READER_416  # grouped by file
    assert lines[1].startswith("  19:1: error QF951 ")
    assert lines[2].startswith("  23:1: error QF952 ")
    assert lines[1].endswith(f"; run with --config {READER_320}")
    assert (f"run instead: python run_det.py --config {READER_320} --act_config_path "
            f"{PICODET_320}") in findings(*named, cwd=run_dir)[1][0]["message"]
    assert "QF002" not in done.stdout and "QF950" not in done.stdout


def test_named_from_the_tree_root_the_run_starts_in_deploy_auto_compression() -> None:
    root = tree("develop")
    code, found = findings(str(ACT / PICODET_320), str(ACT / READER_416), cwd=root)
    assert code == 1 and codes(checked(found)) == ["QF951", "QF952"]
    assert found[0]["location"]["path"] == str(ACT / READER_416)
    # the command to run is spelled from deploy/auto_compression, where run_det.py runs
    assert (f"run instead: python run_det.py --config {READER_320} --act_config_path "
            f"{PICODET_320}") in found[0]["message"]


def test_one_reader_with_several_act_configs_is_the_reader_of_each() -> None:
    run_dir = tree("develop") / ACT
    done = qatfix(PICODET_320, PICODET_416, READER_416, cwd=run_dir)
    assert done.returncode == 1, done.stderr
    code, found = findings(PICODET_320, PICODET_416, READER_416, cwd=run_dir)
    # the 416 model takes the 416 reader; the 320 model does not: each run says so
    assert codes(checked(found)) == ["QF951", "QF952"]
    assert "from: run_det.py --config configs/picodet_416_reader.yml --act_config_path " \
           "configs/picodet_s_320_lcnet_qat_dis.yaml" in done.stdout
    assert not [line for line in done.stdout.splitlines()  # its file header aside
                if "picodet_s_qat_dis.yaml" in line and NOT_EXPORTED not in line
                and line != "configs/picodet_s_qat_dis.yaml"]
    # PP-YOLOE+ s/m/l/x share one reader (develop's README family)
    family = sorted(p.name for p in (run_dir / "configs").glob("ppyoloe_plus_*qat*"))
    assert len(family) == 6
    assert clean(findings(*(f"configs/{n}" for n in family), "configs/ppyoloe_plus_reader.yml",
                          cwd=run_dir))


def test_several_readers_are_not_matched_up_by_guessing() -> None:
    run_dir = tree("develop") / ACT
    code, found = findings(PICODET_320, PICODET_416, READER_416, READER_320, cwd=run_dir)
    assert code == 0
    assert codes(checked(found)) == ["QF002", "QF002", "QF950", "QF950"]
    unchecked = [f for f in found if f["code"] == "QF002"]
    assert {f["location"]["path"] for f in unchecked} == {READER_416, READER_320}
    assert all("does not guess which reader goes with which ACT config" in f["message"]
               for f in unchecked)


def test_release26_reader_config_is_what_run_py_uses_and_qatfix_says_so() -> None:
    run_dir = tree("release-2.6") / ACT
    act = "configs/picodet_s_qat_dis.yaml"  # Global.reader_config: ./configs/picodet_reader.yml
    # the reader it names: one run, as run.py runs it
    assert clean(findings(act, "configs/picodet_reader.yml", cwd=run_dir))
    assert clean(findings("configs/picodet_reader.yml", act, cwd=run_dir))
    # another reader: the run is checked with Global.reader_config, and the named one is not used
    for named in ([act, "configs/ppyoloe_reader.yml"], ["configs/ppyoloe_reader.yml", act]):
        done = qatfix(*named, cwd=run_dir)
        assert done.returncode == 0, done.stderr
        code, found = findings(*named, cwd=run_dir)
        assert codes(checked(found)) == ["QF002"]
        (note,) = checked(found)
        assert note["location"]["path"] == "configs/ppyoloe_reader.yml"
        assert "run.py reads Global.reader_config (./configs/picodet_reader.yml)" in \
            note["message"]
        assert "set `reader_config: configs/ppyoloe_reader.yml` under Global" in note["message"]
        assert "1 not checked" in done.stdout


def test_develop_run_det_takes_the_named_reader_over_global_reader_config() -> None:
    """develop's rtdetr_r50vd config sets Global.reader_config, which run_det.py never reads:
    the named reader is the run's, as with --config."""
    run_dir = tree("develop") / ACT
    act = "configs/rtdetr_r50vd_qat_dis.yaml"
    named = findings(act, "configs/picodet_416_reader.yml", cwd=run_dir)
    assert named == findings(*_pasted("configs/picodet_416_reader.yml", act), cwd=run_dir)
    assert "QF951" in codes(named[1])
