"""qatfix: check PaddleDetection configs before quantization-aware training."""
from __future__ import annotations

__version__ = "0.1.0"
