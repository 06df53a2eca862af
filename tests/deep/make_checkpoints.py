"""Real checkpoints for the after-training tests, written with paddle, ppdet and PaddleSlim.

    python make_checkpoints.py ROOT OUT   # ROOT: a PaddleDetection tree (release-2.6)
    python make_checkpoints.py ROOT OUT --onnx-format false

OUT gets `float.pdparams` (PicoDet-S-320 LCNet as ppdet builds it), `qat.pdparams` (the same
model after ppdet's QAT slim, i.e. paddleslim's quantization wrappers) and `pruned.pdparams`
(PP-YOLO MobileNetV3 after ppdet's FPGM Pruner, when PaddleSlim's pruner runs on the installed
paddle: PaddleSlim 2.6.0's FLOPs counter fails on paddle 3). With `--onnx-format`, OUT gets
only `qat_onnx_<value>.pdparams`, the QAT model quantized with that onnx_format (a process of its
own: a second QAT build in one process quantizes more layers). Nothing of qatfix is imported.
"""
from __future__ import annotations

import os
import sys


def main(root: str, out: str) -> None:
    sys.path.insert(0, root)
    import paddle
    from ppdet.core.workspace import create, load_config

    cfg = load_config(f"{root}/configs/picodet/picodet_s_320_coco_lcnet.yml")
    paddle.save(create(cfg.architecture).state_dict(), f"{out}/float.pdparams")
    load_config(f"{root}/configs/slim/quant/picodet_s_416_lcnet_quant.yml")
    qat = create(cfg.slim)(create(cfg.architecture))
    paddle.save(qat.state_dict(), f"{out}/qat.pdparams")

    cfg = load_config(f"{root}/configs/ppyolo/ppyolo_mbv3_large_coco.yml")
    load_config(f"{root}/configs/slim/prune/ppyolo_mbv3_large_prune_fpgm.yml")
    try:
        pruned = create(cfg.slim)(create(cfg.architecture))
    except Exception as exc:  # PaddleSlim's dygraph pruner on a paddle it does not support
        print(f"pruned.pdparams not written: {type(exc).__name__}: {exc}")
    else:
        paddle.save(pruned.state_dict(), f"{out}/pruned.pdparams")
    print("written", out)


def make(root: "os.PathLike[str] | str", out: "os.PathLike[str] | str", *options: str) -> None:
    """Run this script in a fresh python (the tests' way in), and fail with its stderr."""
    import subprocess

    done = subprocess.run([sys.executable, __file__, str(root), str(out), *options],
                          capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]


def qat_with_onnx_format(root: str, out: str, value: str) -> None:
    sys.path.insert(0, root)
    import paddle
    from ppdet.core.workspace import create, load_config, merge_config

    cfg = load_config(f"{root}/configs/picodet/picodet_s_320_coco_lcnet.yml")
    load_config(f"{root}/configs/slim/quant/picodet_s_416_lcnet_quant.yml")
    merge_config({"QAT": {"quant_config": {"onnx_format": value == "true"}}})
    qat = create(cfg.slim)(create(cfg.architecture))
    paddle.save(qat.state_dict(), f"{out}/qat_onnx_{value}.pdparams")
    print("written", out)


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[3] == "--onnx-format":
        qat_with_onnx_format(sys.argv[1], sys.argv[2], sys.argv[4])
    else:
        main(sys.argv[1], sys.argv[2])
