"""`qatfix inspect`: counts, bytes by dtype, registry matches proven by signature."""
from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from qatfix.cli.main import main
from qatfix.registry import load_registry
from tests.conftest import tree
from tests.deep.conftest import checkout_runtime, ppdet_state

pytestmark = pytest.mark.paddle


def test_counts_and_bytes_by_dtype(runtime: Any, lcnet: Any, tmp_path: Path,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    state = dict(lcnet.state())
    state["extra.step"] = runtime.paddle.to_tensor([3], dtype="int64")
    path = tmp_path / "mixed.pdparams"
    runtime.paddle.save(state, str(path))

    assert main(["inspect", str(path), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    floats = [v for k, v in state.items() if k != "extra.step"]
    assert data["tensors"] == len(state)
    assert data["values"] == sum(int(v.numel()) for v in state.values())
    assert data["by_dtype"] == {
        "float32": {"tensors": len(floats), "bytes": sum(int(v.numel()) * 4 for v in floats)},
        "int64": {"tensors": 1, "bytes": 8}}
    assert data["file_bytes"] == path.stat().st_size
    assert data["matches"] == []
    assert data["registry_entries"] == len(load_registry()) > 400

    assert main(["inspect", str(path)]) == 0
    text = capsys.readouterr().out
    assert text.startswith(f"{path}: {len(state)} parameters, ")
    assert "  int64: 1 tensors, 8 bytes" in text
    assert text.splitlines()[-1] == f"registry: none of {len(load_registry())} entries matches"


def test_missing_and_unreadable_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["inspect", str(tmp_path / "none.pdparams")]) == 2
    assert "weights file not found" in capsys.readouterr().err
    junk = tmp_path / "junk.pdparams"
    junk.write_bytes(b"not a pickle")
    assert main(["inspect", str(junk)]) == 2
    err = capsys.readouterr().err
    assert "paddle cannot load the weights" in err and len(err.strip().splitlines()) == 1


@pytest.mark.corpus
def test_official_file_is_recognised_by_signature(tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    from qatfix.registry import find_by_url

    entry = find_by_url("https://paddledet.bj.bcebos.com/models/picodet_s_320_coco.pdparams")
    assert entry is not None and entry.model, "the registry lost the model sections of " \
        "picodet_s_320_coco"
    root = tree("develop")
    runtime = checkout_runtime(root)
    with ppdet_state(runtime):
        cfg = runtime.workspace.load_config(
            str(root / "configs/picodet/legacy_model/picodet_s_320_coco.yml"))
        model = runtime.workspace.create(cfg.architecture)
    path = tmp_path / "picodet_s_320_coco.pdparams"
    runtime.paddle.save(model.state_dict(), str(path))

    assert main(["inspect", str(path), "--format", "json"]) == 0
    matches = json.loads(capsys.readouterr().out)["matches"]
    assert matches == [{"name": "picodet_s_320_coco", "url": entry.url, "how": "signature"}]

    renamed = tmp_path / "picodet_s_320_coco_lcnet.pdparams"
    shutil.copy(path, renamed)
    assert main(["inspect", str(renamed)]) == 0
    assert "registry: picodet_s_320_coco_lcnet (https://paddledet.bj.bcebos.com/models/" \
           "picodet_s_320_coco_lcnet.pdparams) by file name, other signature" in \
           capsys.readouterr().out
