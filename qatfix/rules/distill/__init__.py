"""Distillation: student and teacher against their weights (QF8xx)."""
