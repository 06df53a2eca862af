"""The weights a step loads: which network they were trained as, how much of the model they fill (QF1xx, and the `--deep` load report QF6xx)."""
