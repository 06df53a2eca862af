from __future__ import annotations

from qatfix.findings import Finding, Location
from qatfix.report import github
from tests.report import samples

GOLDEN = (
    "::warning file=configs/picodet/picodet_s_320_coco_lcnet.yml,line=5,col=1,title=QF410::"
    "epoch is set twice%0Afix (safe): set epoch to 120 and add snapshot_epoch\n"
    "::error file=configs/slim/quant/picodet_s_quant.yml,line=1,col=19,title=QF101::"
    "pretrain_weights is the ESNet PicoDet-S-320 model; this config builds LCNet"
    "%0Afix (safe): set pretrain_weights to picodet_s_320_coco_lcnet.pdparams"
    "%0Aalternative (unsafe): set pretrain_weights to picodet_s_416_coco_lcnet.pdparams"
    "%0Anote: configs/picodet/picodet_s_320_coco_lcnet.yml:4:10\n"
    "::warning file=configs/slim/quant/picodet_s_quant.yml,line=3,col=1,title=QF205::"
    "quant_config: 100%25 of layers, weight: abs_max%0Aactivation: moving_average_abs_max"
    "%0Afix (unsafe): spell quant_config out as a block\n"
    "::notice file=configs/中文 dir/模型.yml,line=2,col=10,title=QF300::name 模型 is not used by ppdet\n"
    "::error file=empty.yml,title=QF001::file is empty\n"
)


def test_golden_commands() -> None:
    assert github.render(samples.all_findings()) == GOLDEN


def test_no_findings_no_output() -> None:
    assert github.render([]) == ""


def test_escaping_follows_the_toolkit() -> None:
    assert github.escape_data("50%\r\nnext: a, b") == "50%25%0D%0Anext: a, b"
    assert github.escape_property("a: b, 100%\n") == "a%3A b%2C 100%25%0A"
    # '%' first, so an escape already in the text is not decoded by the runner
    assert github.escape_data("%0A") == "%250A"


def test_properties_are_escaped_and_a_command_stays_on_one_line() -> None:
    finding = Finding("QF9", "warning", "line one\nline two", Location("odd:name,1.yml", 2, 0))
    cmd = github.command(finding)
    assert cmd == "::warning file=odd%3Aname%2C1.yml,line=2,title=QF9::line one%0Aline two"
    assert "\n" not in cmd
