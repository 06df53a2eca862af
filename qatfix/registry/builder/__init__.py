"""Rebuild registry/weights.json from PaddleDetection config trees (README tables + configs).

Only `qatfix registry build` imports this package; lookups never need it.
"""
