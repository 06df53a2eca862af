"""Entry point: parse the subcommand, run it, map errors to exit codes.

Exit codes: 0 nothing to report, 1 findings remain, 2 usage or input error, 130 interrupted.
Each subcommand lives in its own module exposing `NAME`, `HELP`, `add_arguments(parser)` and
`run(args) -> int`; modules are imported lazily so the default path stays light.
"""
from __future__ import annotations

import argparse
import importlib
import os
import sys
from typing import NoReturn, Sequence

from qatfix import __version__
from qatfix.errors import QatfixError
from qatfix.cli.pasted import is_python
from qatfix.cli.pasted import translate
from qatfix.errors import UsageError

#: subcommand name -> module under qatfix.cli (imported only when that command runs)
SUBCOMMANDS: dict[str, tuple[str, str]] = {
    "check": ("qatfix.cli.check", "check configs and report findings (the default command)"),
    "resolve": ("qatfix.cli.resolve", "print the effective config as ppdet would build it"),
    "explain": ("qatfix.cli.explain", "explain a rule code"),
    "registry": ("qatfix.cli.registry", "query or rebuild the official weights registry"),
    "set": ("qatfix.cli.set", "set one key of a config file, leaving the rest untouched"),
    "inspect": ("qatfix.cli.inspect", "say what a .pdparams file is: float, QAT or pruned, which config, which official weights"),
    "review": ("qatfix.cli.review", "post findings on a GitHub pull request as suggestions"),
    "doctor": ("qatfix.cli.doctor", "check the installed paddle, PaddleSlim, ppdet and "
                                    "Paddle2ONNX (and a model's paddle) against known-bad "
                                    "combinations"),
}

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR, EXIT_INTERRUPTED = 0, 1, 2, 130
#: commands that also take a pasted ppdet command line (`qatfix resolve python tools/train.py ...`)
READS_COMMANDS = ("check", "resolve")


class _Parser(argparse.ArgumentParser):
    """argparse that raises instead of exiting, so usage errors share one path."""

    #: the parser of the command being run, whose options an unknown flag is compared with
    command_parser: "argparse.ArgumentParser | None" = None

    def error(self, message: str) -> NoReturn:
        where = self.prog.removeprefix("qatfix").strip()
        raise UsageError(f"{where}: {message}{self._did_you_mean(message)}" if where else
                         f"{message}{self._did_you_mean(message)}")

    def _did_you_mean(self, message: str) -> str:
        """`; did you mean --slim_config?` for a mistyped flag among unrecognized arguments."""
        prefix = "unrecognized arguments: "
        if not message.startswith(prefix):
            return ""
        import difflib  # a mistyped flag only

        known = list(self._option_string_actions)
        if self.command_parser is not None:
            known += list(self.command_parser._option_string_actions)
        hints = []
        for word in message[len(prefix):].split():
            flag = word.split("=", 1)[0]
            if not flag.startswith("--"):
                continue
            close = difflib.get_close_matches(flag, [k for k in known if k.startswith("--")],
                                              n=1, cutoff=0.7)
            if close:
                hints.append(f"{flag}: did you mean {close[0]}?")
        return "; " + "; ".join(hints) if hints else ""


EXAMPLES = """\
check (the default command) options:
{options}

examples:
  qatfix -c configs/picodet/picodet_s_320_coco_lcnet.yml \\
         --slim_config configs/slim/quant/picodet_s_quant.yml
      check one QAT run, as tools/train.py would run it (or paste the whole command:
      qatfix python tools/train.py -c MODEL.yml --slim_config SLIM.yml -o key=value)
  qatfix configs/
      check every config in a folder, each slim config with the model configs it is paired
      with (.qatfix.toml pairs and the model-zoo READMEs): grouped by file, an info repeated
      across configs on one line with its count
  qatfix configs/ --statistics
      how many findings each code has, and how many are fixable
  qatfix MODEL.yml --slim_config SLIM.yml -v
      every finding with its evidence, each fix with the reason for its safety and the
      alternatives (also --show-fixes)
  qatfix MODEL.yml --slim_config SLIM.yml --interactive
      review each proposed fix as a diff, then write the chosen ones
  cd deploy/auto_compression && qatfix configs/ACT.yaml configs/READER.yml
      check an ACT run with that reader (either order), as run_det.py --config READER.yml
      --act_config_path ACT.yaml runs it; one reader named with several ACT configs is the
      reader of each, several readers are not matched up (each is named as not checked); where
      run.py reads another Global.reader_config, the run uses that one, and qatfix says so
"""


def _with_default_command(argv: list[str], names: Sequence[str]) -> list[str]:
    """`qatfix CONFIG ...`, `qatfix -c CONFIG ...` and a pasted `qatfix python tools/train.py
    ...` mean `qatfix check ...`; a mistyped command name is an error, not a file to check."""
    if not argv:
        return argv
    first = argv[0]
    if first in ("-h", "--help", "--version") or (first in names and first not in READS_COMMANDS):
        return argv

    if first not in names and not first.startswith("-") and not first.endswith(".py") \
            and not is_python(first) and not os.path.exists(first):
        _refuse_typo(first, names)

    argv = translate(argv)
    return argv if argv[0] in names else ["check", *argv]


def _refuse_typo(word: str, names: Sequence[str]) -> None:
    """A word that is no file and close to a command name is that command, mistyped."""
    import difflib  # a mistyped command only: difflib costs the seed check ~2%

    close = difflib.get_close_matches(word, names, n=1, cutoff=0.6)
    if close and not word.endswith((".yml", ".yaml")):
        raise UsageError(f"unknown command {word!r}; did you mean {close[0]!r}?")


def _main_help() -> str:
    """The top-level help: the commands, then the default command's flags and examples."""
    parser = build_parser(None)
    check = _Parser(prog="qatfix [check]", add_help=False)
    importlib.import_module("qatfix.cli.check").add_arguments(check)
    options = check.format_help().split("\n\n", 1)[-1].rstrip()
    headers = ("positional arguments:", "options:", "optional arguments:")
    options = "\n".join(line for line in options.splitlines() if line.strip() and line not in headers)
    return parser.format_help() + "\n" + EXAMPLES.format(options=options)


def build_parser(command: str | None) -> argparse.ArgumentParser:
    """The parser for `command` alone (building all seven costs a cold start ~1 ms), or, with no
    command, the top-level one whose help lists them all."""
    parser = _Parser(prog="qatfix", description="Check PaddleDetection configs before QAT.")
    parser.add_argument("--version", action="version", version=f"qatfix {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    chosen = SUBCOMMANDS if command is None else {command: SUBCOMMANDS[command]}
    for name, (module_name, help_text) in chosen.items():
        p = sub.add_parser(name, help=help_text, description=help_text)
        if name == command:
            importlib.import_module(module_name).add_arguments(p)
            parser.command_parser = p
    return parser


def _tolerate_undecodable_output() -> None:
    """File names and values that are not UTF-8 reach Python as lone surrogates; write them back
    as the bytes they were rather than fail on them in a strict stdout."""
    stream = sys.stdout
    reconfigure = getattr(stream, "reconfigure", None)
    if reconfigure is None or getattr(stream, "errors", None) != "strict":
        return
    utf8 = (getattr(stream, "encoding", "") or "").lower().replace("-", "") == "utf8"
    try:
        reconfigure(errors="surrogateescape" if utf8 else "backslashreplace")
    except (ValueError, OSError):
        pass


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    _tolerate_undecodable_output()
    try:
        names = list(SUBCOMMANDS)
        args_list = _with_default_command(args_list, names)
        command = args_list[0] if args_list and args_list[0] in names else None
        parser = build_parser(command)
        if command is None:
            if args_list and args_list[0] in ("-h", "--help"):
                sys.stdout.write(_main_help())
                return EXIT_OK
            if args_list:
                parser.parse_args(args_list)  # --version prints and exits here
            sys.stdout.write(_main_help())
            return EXIT_ERROR if args_list else EXIT_OK
        args = parser.parse_args(args_list)
        module = importlib.import_module(SUBCOMMANDS[command][0])
        return int(module.run(args))
    except QatfixError as exc:
        print(f"qatfix: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("qatfix: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
