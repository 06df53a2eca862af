"""`qatfix inspect`: identity and load figure, counts, bytes by dtype, registry matches proven by
signature."""
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
    # the extra tensor makes it no official network
    assert text.startswith(f"{path}: float checkpoint of no network in the signature store: "
                           f"{len(state)} tensors, ")
    assert "    int64: 1 tensors, 8 bytes" in text
    assert text.splitlines()[-1] == f"  registry: none of {len(load_registry())} entries matches"


def test_missing_and_unreadable_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["inspect", str(tmp_path / "none.pdparams")]) == 2
    assert "weights file not found" in capsys.readouterr().err
    junk = tmp_path / "junk.pdparams"
    junk.write_bytes(b"not a pickle")
    assert main(["inspect", str(junk)]) == 2
    err = capsys.readouterr().err
    assert "not a paddle state dict" in err and len(err.strip().splitlines()) == 1


@pytest.mark.corpus
def test_official_file_is_recognised_by_signature(tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    from qatfix.registry import load_registry

    entry = load_registry().get_url("https://paddledet.bj.bcebos.com/models/picodet_s_320_coco.pdparams")
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
    # the file's own name first; picodet_s_416_coco trains the very same network
    assert matches[0] == {"name": "picodet_s_320_coco", "url": entry.url, "how": "signature",
                          "kind": "float", "slim_config": None}
    assert {m["name"] for m in matches} <= {"picodet_s_320_coco", "picodet_s_416_coco"}
    assert all(m["how"] == "signature" for m in matches)

    renamed = tmp_path / "picodet_s_320_coco_lcnet.pdparams"
    shutil.copy(path, renamed)
    assert main(["inspect", str(renamed)]) == 0
    assert "registry: picodet_s_320_coco_lcnet (https://paddledet.bj.bcebos.com/models/" \
           "picodet_s_320_coco_lcnet.pdparams) by file name, other signature" in \
           capsys.readouterr().out


@pytest.mark.corpus
def test_own_checkpoint_is_recognised_by_content(runtime: Any, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    """A training run's model_final.pdparams: no official file name, the config's exact network."""
    from qatfix.registry.signatures import signature_of

    config = "configs/picodet/picodet_s_320_coco_lcnet.yml"
    assert signature_of("develop", config) is not None, "the signature store lost " + config
    root = tree("develop")
    with ppdet_state(runtime):
        cfg = runtime.workspace.load_config(str(root / config))
        model = runtime.workspace.create(cfg.architecture)
    path = tmp_path / "output" / "picodet_s_320_coco_lcnet" / "model_final.pdparams"
    path.parent.mkdir(parents=True)
    runtime.paddle.save(model.state_dict(), str(path))

    assert main(["inspect", str(path)]) == 0
    text = capsys.readouterr().out
    assert text.splitlines()[0].startswith(f"{path}: float checkpoint of {config} (develop")
    assert text.splitlines()[0].endswith(": all 463 of that model's tensors load")
    assert "  state dict: 463 tensors, 1,249,528 values, " in text
    assert "registry: picodet_s_320_coco_lcnet (https://paddledet.bj.bcebos.com/models/" \
           "picodet_s_320_coco_lcnet.pdparams) by signature" in text

    assert main(["inspect", str(path), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["checkpoint_of"][0]["config"] == config
    assert data["kind"] == "float" and data["loads"] == {"loaded": 463, "total": 463}
    assert all(m["how"] == "signature" and m["kind"] == "float" for m in data["matches"])
    assert "picodet_s_416_coco_lcnet_quant" not in {m["name"] for m in data["matches"]}

    state = dict(model.state_dict())
    state.pop(next(iter(state)))  # one tensor short: no longer that network
    paddle_path = tmp_path / "partial.pdparams"
    runtime.paddle.save(state, str(paddle_path))
    assert main(["inspect", str(paddle_path), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["checkpoint_of"] == []
