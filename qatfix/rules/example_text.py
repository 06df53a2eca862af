"""YAML that several rules' examples share, written once.

`QAT_SECTION` is the `QAT:` section of the official QAT slim configs
(`configs/slim/quant/picodet_s_quant.yml` and its siblings): an example that needs a QAT run
writes its own weights line and this section. `ACT_TRAIN_CONFIG` is the `TrainConfig` section of
the official PP-YOLOE ACT config (`deploy/auto_compression/configs/ppyoloe_l_qat_dis.yaml`).
"""
from __future__ import annotations

QAT_SECTION = (
    "QAT:\n"
    "  quant_config: {weight_quantize_type: channel_wise_abs_max, "
    "activation_quantize_type: moving_average_abs_max, weight_bits: 8, "
    "activation_bits: 8, dtype: int8, window_size: 10000, moving_rate: "
    "0.9, quantizable_layer_type: [Conv2D, Linear]}\n"
    "  print_model: False\n"
)

ACT_TRAIN_CONFIG = (
    "TrainConfig:\n"
    "  train_iter: 5000\n"
    "  eval_iter: 1000\n"
    "  learning_rate: {type: CosineAnnealingDecay, learning_rate: 0.00003, T_max: 6000}\n"
    "  optimizer_builder:\n"
    "    optimizer: {type: SGD}\n"
    "    weight_decay: 4.0e-05\n"
)


def act_global(model_dir: str, model_filename: str) -> str:
    """The Global section of an example ACT config (NMS in the graph, evaluation on)."""
    return ("Global:\n"
            "  include_nms: True\n"
            "  Evaluation: True\n"
            f"  model_dir: {model_dir}\n"
            f"  model_filename: {model_filename}\n"
            "  params_filename: model.pdiparams\n")
