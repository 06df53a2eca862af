"""The reader an ACT config is checked with when nothing names one (the pull-request review of a
changed ACT config or reader), and why that one.

In order: the config's own `Global.reader_config` where the script reads it (release-2.6's
run.py); the reader the README's command runs it with (develop's run_det.py takes it as
`--config`); the config's `Global.reader_config` (develop's run_det.py ignores the key, but it
names the reader the config was written for); else the reader beside it that fits the exported
model (`fitting_readers`, what QF950 lists), the one whose file name is closest to the ACT
config's when several fit. With none of these the config is checked alone (QF950).
"""
from __future__ import annotations

from dataclasses import dataclass
import os
from typing import Optional

from qatfix.rules.act.readers import fitting_readers
from qatfix.model.act_run import act_run
from qatfix.rules.act_run import exported
from qatfix.run.facts import machine_facts
from qatfix.config.act_scripts import documented_reader, follows_reader_config

#: why a reader was chosen
OWN_KEY = "its Global.reader_config, which run.py reads"
README = "the reader the README's command runs it with"
NAMED_KEY = "its Global.reader_config (run_det.py takes the reader as --config)"
FITS = "the reader beside it that fits the model's input size and normalization"


@dataclass(frozen=True)
class ReaderChoice:
    """The reader to check an ACT config with: an absolute path, or None when the config is
    checked as it stands (it names its own reader for run.py, or no reader is known)."""

    reader: Optional[str]
    why: str


def chosen_reader(act_path: str, root: Optional[str] = None) -> ReaderChoice:
    """The reader `act_path` is checked with when no command names one (see the module)."""
    run = act_run(act_path, None, pasted=False, root=root)
    own = run.reader_path
    if own is not None and follows_reader_config(run.run_dir, True):
        return ReaderChoice(None, OWN_KEY)
    documented = documented_reader(run.run_dir, act_path)
    if documented is not None and os.path.isfile(documented):
        return ReaderChoice(documented, README)
    if own is not None:
        return ReaderChoice(os.path.abspath(own), NAMED_KEY)
    facts = machine_facts()
    model = exported(run, facts)
    fitting = fitting_readers(run, model, facts) if model is not None else []
    if not fitting:
        return ReaderChoice(None, "no reader beside it fits the model, or the model is unknown")
    name = os.path.basename(act_path)
    best = max(fitting, key=lambda path: (_common_prefix(name, os.path.basename(path)),
                                          -fitting.index(path)))
    why = FITS if len(fitting) == 1 else f"{FITS}, the closest by name of {len(fitting)}"
    return ReaderChoice(os.path.normpath(os.path.join(run.run_dir, best)), why)


def _common_prefix(a: str, b: str) -> int:
    return len(os.path.commonprefix([a, b]))
