"""What one `qatfix check` run is asked to check, as plain values (the CLI builds it from its
arguments, the interactive review and re-checks copy it with another slim config, the
pull-request review names a checkout and its changed files)."""
from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, replace

from qatfix.errors import UsageError
from qatfix.config.kind import Step


@dataclass(frozen=True)
class CheckRequest:
    """`qatfix [CONFIG ...] [-c CONFIG] [--slim_config SLIM] [-o ...]` and how to check it."""

    #: configs and folders named without `-c`
    paths: tuple[str, ...] = ()
    #: `-c CONFIG`
    config: str | None = None
    slim: str | None = None
    #: the `-o KEY=VALUE` group ppdet sees (the last one)
    options: tuple[str, ...] = ()
    #: `-o` groups a later `-o` replaced (ppdet never sees them)
    dropped_options: tuple[tuple[str, ...], ...] = ()
    online: bool = False
    deep: bool = False
    offline: bool = False
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    #: the ppdet script the run is for (`train`, `eval`, `export`, `infer`, `post_quant`)
    step: Step = "train"
    #: the report format, so progress lines never mix with machine-readable output
    report_format: str = "text"
    #: how many GPUs the pasted command trains on (None: the command does not say)
    gpus: int | None = None
    #: the reader config (`--config`) of a pasted ACT `run_det.py` command
    reader: str | None = None
    #: the pasted command from its interpreter (or console script) on, as typed
    pasted: tuple[str, ...] = ()
    #: a checkout no file outside of which is read (no `_BASE_` leaving it is followed); with
    #: it, `paths` are the files changed in that checkout, relative to it (a pull request)
    root: str | None = None
    #: static checks only: no URL is fetched, whatever `online` says (an untrusted checkout)
    static_only: bool = False

    @property
    def explicit(self) -> bool:
        """`-c` or `--slim_config` name one run exactly (no pairing of named files)."""
        return bool(self.config or self.slim)

    def with_slim(self, slim: str | None) -> "CheckRequest":
        return replace(self, slim=slim)

    def targets(self) -> list[str]:
        """The named configs and folders, `-c` first; refused when there is nothing to check
        or `--slim_config` goes with more than one config."""
        return named_configs(self.config, self.paths, slim=self.slim)

    def model_configs(self) -> list[str]:
        """The named model configs, folders expanded (what fixes are looked up against)."""
        return expand(([self.config] if self.config else []) + list(self.paths))


def named_configs(config: str | None, paths: Sequence[str], *, slim: str | None = None,
                  exactly_one: bool = False) -> list[str]:
    """The configs a command line names: `-c CONFIG` first, then the positional ones."""
    for flag, path in (("-c", config), ("--slim_config", slim)):
        if path and os.path.isdir(path):
            raise UsageError(f"{flag} {path}: a folder, not a config file; to check every config "
                             f"in it, name it without {flag}: qatfix {path}")
    named = ([config] if config else []) + [p for p in paths if p]
    if exactly_one:
        if len(named) != 1:
            raise UsageError("give exactly one config (CONFIG or -c CONFIG)")
        return named
    if not named:
        raise UsageError("give a config: qatfix CONFIG or qatfix -c CONFIG --slim_config SLIM")
    if slim and len(named) != 1:
        raise UsageError("--slim_config goes with exactly one model config")
    return named


def expand(paths: Sequence[str]) -> list[str]:
    """Folders become the configs in them that are not only bases."""
    found: list[str] = []
    for path in paths:
        if os.path.isdir(path):
            from qatfix.run.discover import configs_in  # only a folder needs the scan

            inside = configs_in(path)
            if not inside:
                raise UsageError(f"{path}: no .yml or .yaml configs in this folder")
            found.extend(inside)
        else:
            found.append(path)
    return found
