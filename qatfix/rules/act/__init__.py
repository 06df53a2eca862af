"""PaddleSlim auto-compression (ACT) runs: the reader config against the exported model, the model, the strategy sections (QF95x-QF97x)."""
