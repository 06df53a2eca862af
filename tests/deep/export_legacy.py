"""Write a legacy inference model (a ProgramDesc protobuf `model.pdmodel` and `model.pdiparams`)
with paddle itself: `paddle.jit.save` of a small dygraph layer, which paddle 3.3.1 writes in the
old format when `FLAGS_enable_pir_api=0` is set before paddle is imported. The layer takes
`image` [-1, 3, 320, 320] and `scale_factor` [-1, 2], as a PicoDet export does, and gives two
outputs of rank 2. Nothing of qatfix is imported.

    FLAGS_enable_pir_api=0 python export_legacy.py OUT_DIR
"""
from __future__ import annotations

import os
import sys

#: the inputs the layer is saved with: name -> shape
INPUTS = {"image": [-1, 3, 320, 320], "scale_factor": [-1, 2]}


def main(out: str) -> None:
    if os.environ.get("FLAGS_enable_pir_api") != "0":
        raise SystemExit("set FLAGS_enable_pir_api=0: paddle 3 writes model.json otherwise")
    import paddle

    class Small(paddle.nn.Layer):
        def __init__(self) -> None:
            super().__init__()
            self.conv = paddle.nn.Conv2D(3, 4, 3, stride=2)

        def forward(self, image: paddle.Tensor, scale_factor: paddle.Tensor) -> tuple[
                paddle.Tensor, paddle.Tensor]:
            return paddle.flatten(self.conv(image), 1), scale_factor * 2.0

    paddle.set_device("cpu")
    layer = Small()
    layer.eval()
    spec = [paddle.static.InputSpec(shape, "float32", name) for name, shape in INPUTS.items()]
    paddle.jit.save(layer, os.path.join(out, "model"), input_spec=spec)
    written = sorted(os.listdir(out))
    if "model.pdmodel" not in written or "model.json" in written:
        raise SystemExit(f"paddle wrote {written}, not a legacy model.pdmodel")
    print("exported", written)


if __name__ == "__main__":
    main(sys.argv[1])
