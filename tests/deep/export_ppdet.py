"""Export a model with a PaddleDetection checkout's own ppdet, as `tools/export_model.py` does
(Trainer(cfg, mode='test').export(), which writes infer_cfg.yml and calls paddle.jit.save).
Nothing of qatfix is imported; the weights are the model's initial values (no download).

    python export_ppdet.py ROOT CONFIG OUT_DIR ['{"exclude_nms": true}']

The optional last argument is a JSON object merged into the config like `-o` options.
"""
from __future__ import annotations

import json
import os
import sys


def main(root: str, config: str, out: str, options: str = "{}") -> None:
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
    trainer.export(out)
    print("exported", os.listdir(os.path.join(out, os.path.splitext(os.path.basename(config))[0])))


if __name__ == "__main__":
    main(*sys.argv[1:5])
