"""One run of `qatfix check`, below the command line: what to check (`CheckRequest`), the
findings of every run it names (`collect`), fixes verified in memory then written (`fixes`),
and the exit code from a severity threshold (`qatfix.run.gate.exit_code`).

`qatfix.cli`, `qatfix.interactive` and `qatfix.review` call it with plain typed values; nothing
here knows argparse.
"""
