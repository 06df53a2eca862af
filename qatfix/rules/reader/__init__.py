"""Readers: input sizes and normalization against the weights and the exported model (QF2xx)."""
