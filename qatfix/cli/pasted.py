"""A ppdet command line pasted after qatfix's own options, turned into `qatfix check` arguments.

    qatfix [qatfix options] [python|python3] tools/train.py -c MODEL --slim_config SLIM -o k=v
    qatfix [qatfix options] python -m paddle.distributed.launch --gpus 0,1 tools/train.py ...

Everything from the interpreter (or the script) on belongs to the pasted command and is read the
way the script's ppdet `ArgsParser` reads it: `-c`/`--config`, `--slim_config`, and `-o` with
`nargs='*'` and argparse's default action, so each `-o` group replaces the one before. Flags of
the script that do not change the config (`--eval`, `--amp`, ...) are passed over. Plain string
work only: this runs on the default path.
"""
from __future__ import annotations

import json
import os

from qatfix.errors import UsageError
from qatfix.config.deploy_scripts import DEPLOY_SCRIPTS, PADDLE2ONNX, is_deploy_command
from qatfix.config.act_keys import PTQ_CONFIG_FLAGS, PTQ_SCRIPTS

#: the ppdet scripts a pasted command may run, by file name: what step of a run each is
SCRIPTS = {
    "train.py": "train",
    "eval.py": "eval",
    "export_model.py": "export",
    "infer.py": "infer",
    "post_quant.py": "post_quant",
    # PaddleSlim auto-compression, run from deploy/auto_compression
    "run_det.py": "act",
    "run.py": "act",
}

#: the flags of the ACT scripts: run_det.py (develop) `--config READER --act_config_path ACT`,
#: run.py (release-2.6) `--config_path ACT` (its reader is the ACT config's Global.reader_config)
ACT_FLAGS = {"--act_config_path": "-c", "--config_path": "-c", "--config": "--act-reader"}


def is_python(token: str) -> bool:
    """`python`, `python3`, `python3.11`, `python.exe`: an interpreter, by its file name.
    (Plain string tests: a regular expression would cost every check its compilation.)"""
    name = os.path.basename(token).removesuffix(".exe")
    if not name.startswith("python"):
        return False
    version = name[len("python"):]
    return not version or all(part.isdigit() for part in version.split("."))


def _negative_number(token: str) -> bool:
    """`-1`, `-0.5`, `-.5`: a value, not a flag."""
    if not token.startswith("-"):
        return False
    whole, dot, fraction = token[1:].partition(".")
    if not dot:
        return whole.isdigit()
    return (not whole or whole.isdigit()) and fraction.isdigit()


def start_of_command(argv: list[str]) -> int | None:
    """Index where a pasted command begins (the interpreter, the script or the `paddle2onnx`
    console script), or None."""
    for index, token in enumerate(argv):
        if token.startswith("-"):
            continue
        if is_python(token) or token.endswith(".py") or token == PADDLE2ONNX:
            return index
    return None


def _script_index(argv: list[str], start: int) -> int:
    for index in range(start, len(argv)):
        if (argv[index].endswith(".py") and not argv[index].startswith("-")) \
                or argv[index] == PADDLE2ONNX:
            return index
    raise UsageError("the pasted command runs no script: expected e.g. "
                     "python tools/train.py -c MODEL.yml --slim_config SLIM.yml")


def _value(argv: list[str], index: int, flag: str) -> str:
    if index + 1 >= len(argv) or (argv[index + 1].startswith("-")
                                  and not _negative_number(argv[index + 1])):
        raise UsageError(f"{flag} in the pasted command needs a value")
    return argv[index + 1]


def _option_group(argv: list[str], index: int) -> tuple[list[str], int]:
    """The values of one `-o` (argparse `nargs='*'`: every following token that is not a flag)."""
    values = []
    index += 1
    while index < len(argv) and (not argv[index].startswith("-")
                                 or _negative_number(argv[index])):
        values.append(argv[index])
        index += 1
    return values, index


def _flag_and_inline(token: str, names: tuple[str, ...]) -> str | None:
    """The inline value of `--name=value` (or `-cVALUE` for the short `-c`)."""
    for name in names:
        if token.startswith(name + "="):
            return token[len(name) + 1:]
        if name == "-c" and token.startswith("-c") and len(token) > 2 and token[2] != "-":
            return token[2:]
    return None


def launched_gpus(launcher: list[str]) -> int | None:
    """How many GPUs the command trains on: `paddle.distributed.launch --gpus 0,1` starts one
    process per listed GPU, a plain `python tools/train.py` runs one; None when the launcher
    picks them itself (no `--gpus`: every visible device)."""
    if "paddle.distributed.launch" not in launcher:
        return 1
    for index, token in enumerate(launcher):
        value = token[len("--gpus="):] if token.startswith("--gpus=") else (
            launcher[index + 1] if token == "--gpus" and index + 1 < len(launcher) else None)
        if value is not None:
            listed = [g for g in value.split(",") if g.strip()]
            return len(listed) or None
    return None


def is_ptq_script_command(name: str, command: list[str]) -> bool:
    """PaddleSlim's post-training quantization `post_quant.py` or an ACT or PTQ `eval.py` (they
    take their config as `--config_path` or `--act_config_path`), not ppdet's
    tools/post_quant.py or eval.py (`-c`)."""
    return name in PTQ_SCRIPTS and any(t.split("=", 1)[0] in PTQ_CONFIG_FLAGS for t in command)


def translate(argv: list[str]) -> list[str]:
    """`check` arguments for `argv` when it holds a pasted command, else `argv` unchanged."""
    start = start_of_command(argv)
    if start is None:
        return argv
    script = _script_index(argv, start)
    name = os.path.basename(argv[script])
    own, command = argv[:start], argv[script + 1:]
    pasted = ["--pasted", json.dumps(argv[start:])]
    if is_deploy_command(argv[script], command):
        head = own if own and own[0] == "resolve" else [
            "check", *own[1 if own and own[0] == "check" else 0:]]
        if head[0] == "resolve":
            raise UsageError(f"{name} runs an exported model, not a config: `qatfix resolve` "
                             "has nothing to resolve; drop `resolve` to check the command")
        return [*head, "--step", "deploy", *pasted, "-c", argv[script]]
    if name not in SCRIPTS:
        known = ", ".join(f"tools/{s}" for s, step in SCRIPTS.items() if step != "act")
        known += ", deploy/auto_compression/run_det.py and run.py"
        known += ", " + ", ".join(sorted(DEPLOY_SCRIPTS))
        raise UsageError(f"qatfix reads the commands of {known}; {argv[script]} is not one of them")
    gpus = launched_gpus(argv[start:script])
    if is_ptq_script_command(name, command):
        # PaddleSlim's PTQ scripts: the flat config is checked as an ACT run, told which script
        head = own if own and own[0] == "resolve" else [
            "check", *own[1 if own and own[0] == "check" else 0:], "--step", "act", *pasted]
        return head + _act_arguments(command)
    if own and own[0] == "resolve":
        out = own
    else:
        out = ["check", *own[1 if own and own[0] == "check" else 0:], "--step", SCRIPTS[name]]
        out += ["--gpus", str(gpus)] if gpus else []
        out += pasted if SCRIPTS[name] != "act" else []
    if SCRIPTS[name] == "act":
        return out + _act_arguments(command)
    index = 0
    while index < len(command):
        token = command[index]
        if token in ("-c", "--config"):
            out += ["-c", _value(command, index, token)]
            index += 2
        elif token in ("--slim_config", "--slim-config"):
            out += ["--slim_config", _value(command, index, token)]
            index += 2
        elif token in ("-o", "--opt"):
            values, index = _option_group(command, index)
            out += ["-o", *values]
        elif (inline := _flag_and_inline(token, ("-c", "--config"))) is not None:
            out += ["-c", inline]
            index += 1
        elif (inline := _flag_and_inline(token, ("--slim_config", "--slim-config"))) is not None:
            out += ["--slim_config", inline]
            index += 1
        else:
            index += 1  # a flag of the script that does not change the config, or its value
    return out


def _act_arguments(command: list[str]) -> list[str]:
    """`check` arguments of an ACT script's flags (`--flag value` or `--flag=value`)."""
    out: list[str] = []
    index = 0
    while index < len(command):
        token = command[index]
        flag, equals, inline = token.partition("=")
        if flag in ACT_FLAGS:
            value = inline if equals else _value(command, index, flag)
            out += [ACT_FLAGS[flag], value]
            index += 1 if equals else 2
        else:
            index += 1  # --save_dir, --devices: they do not change what is compressed
    if "-c" not in out:
        raise UsageError("the pasted ACT command names no ACT config: expected run_det.py "
                         "--config READER.yml --act_config_path ACT.yaml, or run.py "
                         "--config_path ACT.yaml")
    return out
