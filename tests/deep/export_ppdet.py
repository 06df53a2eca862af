"""Export a model with a PaddleDetection checkout's own ppdet, as `tools/export_model.py` does
(Trainer(cfg, mode='test').export(), which writes infer_cfg.yml and calls paddle.jit.save).
Nothing of qatfix is imported; the weights are the model's initial values (no download).

    python export_ppdet.py ROOT CONFIG OUT_DIR ['{"exclude_nms": true}'] [fake]

The optional fourth argument is a JSON object merged into the config like `-o` options. With
`fake`, every Conv2D is quantized with paddle.quantization's QAT (FakeQuanterWithAbsMaxObserver
on weights and activations) before the export: the program then holds
fake_quantize_dequantize_moving_average_abs_max operations, as an export of PaddleSlim's QAT
with onnx_format false does (ppdet's own QAT export does not run on paddle 3.3.1: PaddleSlim's
quantized layers append old-IR operations).
"""
from __future__ import annotations

import json
import os
import sys


def main(root: str, config: str, out: str, options: str = "{}", quantize: str = "") -> None:
    sys.path.insert(0, root)
    os.chdir(root)  # ppdet reads dataset annotation paths relative to the checkout
    import paddle
    from ppdet.core.workspace import load_config, merge_config
    from ppdet.engine import Trainer

    cfg = load_config(config)
    merge_config({"use_gpu": False, "pretrain_weights": None, "weights": None,
                  **json.loads(options)})
    paddle.set_device("cpu")
    trainer = Trainer(cfg, mode="test")
    if quantize == "fake":
        from paddle.nn import Conv2D
        from paddle.quantization import QAT, QuantConfig
        from paddle.quantization.quanters import FakeQuanterWithAbsMaxObserver

        quanter = FakeQuanterWithAbsMaxObserver(moving_rate=0.9)
        quant = QuantConfig(activation=None, weight=None)
        quant.add_type_config(Conv2D, activation=quanter, weight=quanter)
        trainer.model = QAT(quant).quantize(trainer.model, inplace=True)
        trainer.model.eval()
    trainer.export(out)
    print("exported", os.listdir(os.path.join(out, os.path.splitext(os.path.basename(config))[0])))


if __name__ == "__main__":
    main(*sys.argv[1:6])
