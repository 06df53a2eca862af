"""Which configured pairs read a file through `_BASE_`: the text scan that spares resolving
every pair's chain must not lose a pair that reads the file through another slim config."""
from __future__ import annotations

from pathlib import Path

from qatfix.run.plan import _named_elsewhere, _Pairs


def _tree(root: Path) -> dict[str, Path]:
    files = {
        "model": root / "configs" / "det" / "model.yml",
        "shared": root / "configs" / "slim" / "shared_qat.yml",
        "own": root / "configs" / "slim" / "own_qat.yml",
        "alone": root / "configs" / "slim" / "alone_qat.yml",
    }
    files["model"].parent.mkdir(parents=True)
    files["shared"].parent.mkdir(parents=True)
    files["model"].write_text("architecture: YOLOv3\n", encoding="utf-8")
    files["shared"].write_text("slim: QAT\nepoch: 5\n", encoding="utf-8")
    files["own"].write_text("_BASE_: [shared_qat.yml]\npretrain_weights: w.pdparams\n",
                            encoding="utf-8")
    files["alone"].write_text("slim: QAT\n", encoding="utf-8")
    (root / ".qatfix.toml").write_text(
        'pairs = [["configs/det/model.yml", "configs/slim/own_qat.yml"],\n'
        '         ["configs/det/model.yml", "configs/slim/alone_qat.yml"]]\n', encoding="utf-8")
    return files


def test_a_file_another_config_names_is_found_through_its_chain(tmp_path: Path) -> None:
    files = _tree(tmp_path)
    assert _named_elsewhere(str(files["shared"]))
    pairs = _Pairs(str(files["model"]))
    reading = pairs.through_bases(str(files["shared"]), slim_only=True)
    assert reading == [(str(files["model"]), str(files["own"]))]


def test_a_file_no_other_config_names_is_read_by_its_own_pairs_only(tmp_path: Path) -> None:
    files = _tree(tmp_path)
    assert not _named_elsewhere(str(files["alone"]))
    pairs = _Pairs(str(files["model"]))
    assert pairs.through_bases(str(files["alone"]), slim_only=True) == \
        [(str(files["model"]), str(files["alone"]))]
    assert pairs.through_bases(str(files["model"])) == [
        (str(files["model"]), str(files["own"])), (str(files["model"]), str(files["alone"]))]
