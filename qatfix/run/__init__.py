"""One run of `qatfix check`, below the command line: what to check (`CheckRequest`), the runs
that check it (`plan`: named files, or a pull request's changed files), the findings of every
run (`collect`, the one loop of the CLI, the pre-commit hooks and the review), the engine that
checks one run (`engine.check(run, request)`), fixes verified in memory then written (`fixes`),
and the exit code from a severity threshold (`qatfix.run.gate.exit_code`).

`qatfix.cli`, `qatfix.interactive` and `qatfix.review` call it with plain typed values; nothing
here knows argparse.
"""
