"""The steps after training: eval, export, infer and post_quant against the checkpoint they load (QF90x)."""
