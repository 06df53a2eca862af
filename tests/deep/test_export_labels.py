"""QF908 against ppdet's own export: a 4-class PicoDet exported by develop's ppdet writes the 80
COCO names into infer_cfg.yml when TestDataset's annotation file is missing, and the file's
names when it is there; qatfix says so before the export, from the pasted command."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import yaml

from tests.after.helpers import findings
from tests.conftest import require, tree

HERE = Path(__file__).resolve().parent


def _config(folder: Path, anno: Path) -> Path:
    path = folder / "picodet_4cls.yml"
    base = tree("develop") / "configs" / "picodet" / "picodet_s_320_coco_lcnet.yml"
    path.write_text(f"_BASE_: ['{base}']\nnum_classes: 4\nTestDataset:\n  !ImageFolder\n"
                    f"    anno_path: {anno}\n", encoding="utf-8")
    return path


def _export(config: Path, out: Path) -> list[str]:
    done = subprocess.run([sys.executable, str(HERE / "export_ppdet.py"), str(tree("develop")),
                           str(config), str(out)], capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]
    infer_cfg = yaml.safe_load((out / config.stem / "infer_cfg.yml").read_text())
    labels: list[str] = infer_cfg["label_list"]
    return labels


def test_missing_annotations_write_coco_labels(tmp_path: Path) -> None:
    require("paddle")
    missing = _config(tmp_path, tmp_path / "no_such" / "val.json")
    labels = _export(missing, tmp_path / "out_missing")
    assert len(labels) == 80 and labels[0] == "person"  # ppdet's own result
    code, found = findings("python", "tools/export_model.py", "-c", str(missing),
                           cwd=tree("develop"))
    hits = [f for f in found if f["code"] == "QF908"]
    assert len(hits) == 1 and "80 COCO names" in hits[0]["message"] and code == 1
    assert "4 classes" in hits[0]["message"]


def test_an_annotation_file_with_the_model_classes(tmp_path: Path) -> None:
    require("paddle")
    require("pycocotools")
    anno = tmp_path / "val.json"
    names = ["cat", "dog", "car", "bus"]
    anno.write_text(json.dumps({"images": [], "annotations": [], "categories": [
        {"id": i + 1, "name": n} for i, n in enumerate(names)]}))
    config = _config(tmp_path, anno)
    assert _export(config, tmp_path / "out") == names  # ppdet's own result
    code, found = findings("python", "tools/export_model.py", "-c", str(config),
                           cwd=tree("develop"))
    assert "QF908" not in {f["code"] for f in found}
    # checked: the export's weights (not trained here) are the one finding
    assert code == 1 and [f["code"] for f in found] == ["QF103"]
    # five names for four classes
    anno.write_text(json.dumps({"images": [], "annotations": [], "categories": [
        {"id": i + 1, "name": n} for i, n in enumerate(names + ["truck"])]}))
    _, found = findings("python", "tools/export_model.py", "-c", str(config),
                        cwd=tree("develop"))
    hit = [f for f in found if f["code"] == "QF908"]
    assert len(hit) == 1 and "names 5 categories" in hit[0]["message"]
