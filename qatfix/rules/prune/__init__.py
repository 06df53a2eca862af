"""Pruning lists against the network they prune (QF7xx)."""
