"""How big a checkpoint is, and the QF501 text about it: shared by the rule (sizes from the
registry's signatures) and `--deep` (sizes of the model ppdet built)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal



@dataclass(frozen=True)
class ModelSize:
    """How many scalar values a model has, and which count that is."""

    count: int
    #: "state_dict": every tensor the checkpoint holds (what `--deep` counts);
    #: "parameters": `model.parameters()`, each shared tensor once (the registry's num_params)
    kind: Literal["state_dict", "parameters"]

    def text(self) -> str:
        where = "in the state dict" if self.kind == "state_dict" else "in model.parameters()"
        return f"{self.count:,} values {where}"


def megabytes(count: int, bytes_per_param: int) -> str:
    return f"{count * bytes_per_param / 1e6:.1f} MB"


def size_note(what: str, float32_bytes: int, int8_bytes: int, *, exact: bool) -> str:
    """` (1,249,528 values in the state dict: 5.0 MB as float32 ..., 1.4 MB once ... int8)`."""
    about = "" if exact else "about "
    return (f" ({what}: {about}{float32_bytes / 1e6:.1f} MB as float32 in model_final.pdparams, "
            f"{about}{int8_bytes / 1e6:.1f} MB once exported as int8)")


def size_message(sizes: str = "") -> str:
    """The QF501 message; `sizes` is a parenthesised note on the expected sizes, or empty."""
    return ("QAT checkpoints stay float32: fake-quant training keeps float weights, so the "
            f"saved model will not be smaller{sizes}. int8 storage comes from "
            "tools/export_model.py followed by Paddle Lite's opt or PaddleSlim auto-compression")
