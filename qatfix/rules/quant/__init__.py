"""Quantization settings, QAT recipes and the QAT checkpoint (QF3xx, QF501)."""
