"""Checkpoint sizes of a built model (computed in `qatfix.model.checkpoint_size`, which the
static QF501 shares): what QAT saves versus what int8 export produces.

A fake-quant QAT run keeps every parameter in float32 (the `.pdparams` it saves are as large as the
float model's); only export/conversion stores the quantized layers' weights as int8, with one
float32 scale per output channel (`channel_wise_abs_max`). Sizes count tensor payload bytes
exactly; the file adds a small pickle header per tensor.
"""
from __future__ import annotations

from qatfix.model.checkpoint_size import CheckpointSizes, checkpoint_sizes

__all__ = ["CheckpointSizes", "checkpoint_sizes"]
