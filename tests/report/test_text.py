from __future__ import annotations

from qatfix.findings import Finding, Fix, Location
from qatfix.report import text
from tests.report import samples

#: the concise report: one line a finding with its proposed fix, grouped by file
GOLDEN = """\
configs/picodet/picodet_s_320_coco_lcnet.yml
  5:1: warning QF410 epoch is set twice
    fix (safe): set epoch to 120 and add snapshot_epoch
configs/slim/quant/picodet_s_quant.yml
  1:19: error QF101 pretrain_weights is the ESNet PicoDet-S-320 model; this config builds LCNet
    fix (safe): set pretrain_weights to picodet_s_320_coco_lcnet.pdparams (-v: 1 other fix)
  3:1: warning QF205 quant_config: 100% of layers, weight: abs_max
    fix (unsafe): spell quant_config out as a block
configs/中文 dir/模型.yml
  2:10: info QF300 name 模型 is not used by ppdet
empty.yml
  -: error QF001 file is empty
2 errors, 2 warnings, 1 info; 2 fixable with --apply, 1 more with --interactive
"""

#: `-v`: every message line, every fix with its alternatives and the related places
VERBOSE = """\
configs/picodet/picodet_s_320_coco_lcnet.yml
  5:1: warning QF410 epoch is set twice
    fix (safe): set epoch to 120 and add snapshot_epoch
configs/slim/quant/picodet_s_quant.yml
  1:19: error QF101 pretrain_weights is the ESNet PicoDet-S-320 model; this config builds LCNet
    fix (safe): set pretrain_weights to picodet_s_320_coco_lcnet.pdparams
    alternative (unsafe): set pretrain_weights to picodet_s_416_coco_lcnet.pdparams
    note: configs/picodet/picodet_s_320_coco_lcnet.yml:4:10
  3:1: warning QF205 quant_config: 100% of layers, weight: abs_max
    activation: moving_average_abs_max
    fix (unsafe): spell quant_config out as a block
configs/中文 dir/模型.yml
  2:10: info QF300 name 模型 is not used by ppdet
empty.yml
  -: error QF001 file is empty
2 errors, 2 warnings, 1 info; 2 fixable with --apply, 1 more with --interactive
"""


def test_golden_report_sorted_by_place() -> None:
    assert text.render(samples.all_findings()) == GOLDEN
    assert text.render(samples.all_findings(), verbose=True) == VERBOSE


def test_one_file_is_not_grouped() -> None:
    lines = text.render([samples.weights_mismatch()]).splitlines()
    assert lines[0].startswith(f"{samples.SLIM}:1:19: error QF101 ")


def test_lines_wrap_between_words_and_never_cut_a_path() -> None:
    long_path = "configs/" + "very_long_folder_name/" * 4 + "config.yml"
    finding = Finding("QF103", "warning", f"pretrain_weights {long_path} does not exist",
                      Location("a.yml", 3, 1))
    lines = text.render([finding], width=40).splitlines()
    assert all(len(line) <= 40 for line in lines if long_path not in line)
    assert any(line.strip() == long_path for line in lines)
    assert " ".join(line.strip() for line in lines[:-1]) == \
        f"a.yml:3:1: warning QF103 pretrain_weights {long_path} does not exist"


def test_repeated_infos_fold_into_one_line_unless_verbose() -> None:
    fact = "official weights of another class count: the class layers train from scratch"
    repeated = [Finding("QF104", "info", f"weights of config {n}", Location(f"c{n}.yml", 2, 1),
                        fact=fact) for n in range(4)]
    other = Finding("QF201", "warning", "sizes differ", Location("d.yml", 1, 1))
    concise = text.render([*repeated, other]).splitlines()
    assert f"4 configs: info QF104 {fact} (-v lists them)" in concise
    assert not any("weights of config" in line for line in concise)
    assert concise[-1].startswith("0 errors, 1 warning, 4 infos (QF104 4, QF201 1)")
    verbose = text.render([*repeated, other], verbose=True)
    assert all(f"weights of config {n}" in verbose for n in range(4))


def test_nothing_to_report_is_all_clear() -> None:
    assert text.render([]) == "all clear\n"


def test_summary_counts_and_plurals() -> None:
    one_info = Finding("QF300", "info", "m", Location("a.yml", 1, 1))
    assert text.render([one_info]).splitlines()[-1] == "0 errors, 0 warnings, 1 info"
    unsafe_only = samples.quant_block()
    assert text.render([unsafe_only]).splitlines()[-1] == (
        "0 errors, 1 warning, 0 infos; 1 fixable with --interactive")
    assert text.render([samples.weights_mismatch()] * 2).splitlines()[-1] == (
        "2 errors, 0 warnings, 0 infos; 2 fixable with --apply")


def test_multiline_fix_title_stays_indented() -> None:
    finding = Finding("QF1", "warning", "", Location("a.yml", 2, 3),
                      fix=Fix("first\nsecond", "safe", ()))
    assert text.finding_lines(finding) == [
        "a.yml:2:3: warning QF1 ",
        "    fix (safe): first",
        "        second",
    ]


def test_color_wraps_parts_in_ansi_and_strips_to_plain() -> None:
    import re

    coloured = text.render(samples.all_findings(), color=True)
    assert "\x1b[1;31merror\x1b[0m" in coloured
    assert "\x1b[1;33mwarning\x1b[0m" in coloured
    assert "\x1b[1;36minfo\x1b[0m" in coloured
    assert "\x1b[32mfix (safe):\x1b[0m" in coloured
    assert "\x1b[33mfix (unsafe):\x1b[0m" in coloured
    assert re.sub(r"\x1b\[[0-9;]*m", "", coloured) == GOLDEN
    wrapped = text.render(samples.all_findings(), color=True, width=60)
    plain = re.sub(r"\x1b\[[0-9;]*m", "", wrapped)
    assert max(len(line) for line in plain.splitlines()) <= 60


def test_no_escape_codes_without_color() -> None:
    assert "\x1b" not in text.render(samples.all_findings())
    assert text.render([], color=True) == "\x1b[1;32mall clear\x1b[0m\n"
