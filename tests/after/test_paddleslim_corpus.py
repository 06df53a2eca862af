"""Every config of PaddleSlim's auto-compression examples (../shared/paddleslim), named alone
as a user names it, in a fresh qatfix process: what qatfix says of each, judged by hand.

- OCR, classification and segmentation ACT configs (run by a run.py that imports ppocr,
  imagenet_reader or paddleseg): one info, QF960, saying the config belongs to that toolkit and
  what was not checked; never QF971 for the sections their run.py reads (Train, Eval,
  PostProcess, Metric), never QF950's run_det.py advice.
- detection ACT configs: the not-checked notes of models not exported yet (QF960, QF952), and
  YOLOv3's reader at 640 for a model trained and evaluated at 608 (QF951, a warning: true).
- the four RT-DETR configs read rtdetr_reader.yml, whose YAML is broken (EvalDataset's key is
  missing): a one-line error and exit 2, as ppdet's load_config also fails.
- reader and dataset files alone: QF002 (not checked).
"""
from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.after.helpers import qatfix
from tests.conftest import paddleslim_examples

#: judged by hand: file -> the codes (with severity) qatfix reports, or "exit 2" for a config
#: that cannot be read
DETECTION = {
    "picodet_s_qat_dis.yaml": ["QF952:info", "QF960:info"],
    "ppyoloe_l_qat_dis.yaml": ["QF952:info", "QF960:info"],
    "ppyoloe_plus_s_qat_dis.yaml": ["QF960:info"],
    "ppyoloe_s_qat_dis.yaml": ["QF952:info", "QF960:info"],
    "ssd_mbv1_voc_qat_dis.yaml": ["QF960:info"],
    "tinypose_qat_dis.yaml": ["QF960:info"],
    "yolov3_mbv1_qat_dis.yaml": ["QF951:warning", "QF952:info", "QF960:info"],
    "yolov8_s_qat_dis.yaml": ["QF960:info"],
    "rtdetr_hgnetv2_l_qat_dis.yaml": "exit 2",
    "rtdetr_hgnetv2_x_qat_dis.yaml": "exit 2",
    "rtdetr_r101vd_qat_dis.yaml": "exit 2",
    "rtdetr_r50vd_qat_dis.yaml": "exit 2",
    "rtdetr_reader.yml": "exit 2",
}
#: the figures of the judgement: 63 files = 5 unreadable (RT-DETR) + 10 readers alone (QF002)
#: + 8 detection ACT configs + 2 OCR + 26 classification + 12 segmentation ACT configs
FIGURES = {"QF002": 10, "QF951": 1, "QF952": 4, "QF960": 48, "unreadable": 5, "ocr": 2,
           "image_classification": 26, "semantic_segmentation": 12}
TOOLKITS = {"ocr": "PaddleOCR", "image_classification": "image classification",
            "semantic_segmentation": "PaddleSeg"}


def _configs() -> list[Path]:
    return sorted(p for p in paddleslim_examples().rglob("*") if p.suffix in (".yml", ".yaml"))


def _expected(path: Path) -> object:
    if path.parent.name == "configs" and path.parent.parent.name == "detection" \
            and path.name in DETECTION:
        return DETECTION[path.name]
    from qatfix.config.kind import kind_of

    if kind_of(str(path)) != "act":
        return ["QF002:info"]
    return ["QF960:info"]  # an ACT config of another toolkit


def test_every_paddleslim_config_as_judged() -> None:
    root = paddleslim_examples()
    configs = _configs()
    assert len(configs) == 63, len(configs)
    seen: dict[str, int] = {}
    for path in configs:
        done = qatfix("--format", "json", str(path.relative_to(root)), cwd=root)
        expected = _expected(path)
        if expected == "exit 2":
            # the unreadable reader is one error line and a QF000 finding in the report
            assert done.returncode == 2, (path, done.stdout)
            assert "rtdetr_reader.yml:10:3: YAML syntax error" in done.stderr, done.stderr
            codes = [f["code"] for f in json.loads(done.stdout)["findings"]]
            assert codes == ["QF000"], (path, done.stdout)
            seen["unreadable"] = seen.get("unreadable", 0) + 1
            continue
        found = json.loads(done.stdout)["findings"]
        got = sorted(f"{f['code']}:{f['severity']}" for f in found)
        assert got == expected, (path, [(f["code"], f["message"]) for f in found])
        toolkit = path.relative_to(root).parts[0]
        if toolkit in TOOLKITS and expected == ["QF960:info"]:
            message = found[0]["message"]
            assert TOOLKITS[toolkit] in message and "not PaddleDetection" in message, message
            seen[toolkit] = seen.get(toolkit, 0) + 1
        for finding in found:
            seen[finding["code"]] = seen.get(finding["code"], 0) + 1
    assert seen == FIGURES, seen


def test_the_ocr_config_keeps_its_sections_and_gets_no_detection_advice() -> None:
    root = paddleslim_examples() / "ocr"
    done = qatfix("--format", "json", "configs/ppocrv3_det_qat_dist.yaml", cwd=root)
    found = json.loads(done.stdout)["findings"]
    assert done.returncode == 0
    assert [f["code"] for f in found] == ["QF960"]
    message = found[0]["message"]
    for section in ("Eval", "Metric", "PostProcess", "Train"):
        assert section in message
    assert "run_det.py" not in message


@pytest.mark.parametrize("folder", sorted(TOOLKITS))
def test_a_broken_strategy_key_is_still_found_in_other_toolkits(folder: str,
                                                              tmp_path: Path) -> None:
    """What is checked for other toolkits is checked: a key QuantAware does not take."""
    source = paddleslim_examples() / folder
    copy = tmp_path / folder
    subprocess.run(["cp", "-r", str(source), str(copy)], check=True)
    config = next(p for p in sorted((copy / "configs").rglob("*.yaml"))
                  if "QuantAware:" in p.read_text())
    config.write_text(config.read_text().replace("QuantAware:", "QuantAware:\n  use_pacts: true",
                                                 1))
    done = qatfix("--format", "json", str(config.relative_to(copy)), cwd=copy)
    codes = [f["code"] for f in json.loads(done.stdout)["findings"]]
    assert "QF970" in codes and "QF971" not in codes, codes
