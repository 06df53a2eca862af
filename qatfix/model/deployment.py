"""A pasted inference, evaluation or conversion command and the exported model it runs.

    python deploy/python/infer.py --model_dir DIR --run_mode trt_int8 ...          (Paddle Inference)
    python deploy/auto_compression/paddle_inference_eval.py --model_path DIR ...   (release-2.6)
    python deploy/auto_compression/test_det.py --model_path DIR ...                (develop)
    paddle2onnx --model_dir DIR --model_filename model.json ...                    (Paddle2ONNX)

The command is read with the script's own parser (`qatfix.config.script_flags`): the script file
the command names, from the folder the command runs in; Paddle2ONNX's from the installed
package. The model is what `tools/export_model.py` wrote in the folder: the program (paddle 3's
`model.json`, read without paddle: its quantization operations, feeds and fetched outputs),
`infer_cfg.yml` and the file names. Which program file the script opens is read from its
source: a script whose every `Config(...)` names `model.pdmodel` cannot open paddle 3's
`model.json`.
"""
from __future__ import annotations

from dataclasses import dataclass
import ast
import functools
import importlib.util
import os
import shlex
from collections.abc import Mapping, Sequence
from typing import Optional

from qatfix.model.exported import INFER_CFG, ExportedModel, from_infer_cfg
from qatfix.config.deploy_scripts import DEPLOY_SCRIPTS, PADDLE2ONNX
from qatfix.model.program import ProgramFacts, read_json, read_pdmodel
from qatfix.config.script_flags import ParsedCommand, ScriptParser, parse_command, read_parser
from qatfix.errors import QatfixError

#: the package and module holding Paddle2ONNX's parser
_PADDLE2ONNX_PARSER = ("paddle2onnx", "command.py")


@dataclass(frozen=True)
class DeployRun:
    """One pasted command that runs an exported model, and that model."""

    #: the script as typed (`deploy/python/infer.py`, `paddle2onnx`)
    script: str
    #: `infer`, `evaluate` or `convert`
    tool: str
    #: what precedes the script (`python`), and the script's own tokens, as typed
    launcher: tuple[str, ...]
    tokens: tuple[str, ...]
    #: the command as the script's parser reads it, or None when its parser was not found
    command: Optional[ParsedCommand]
    #: why the parser was not read ("" when it was)
    parser_missing: str = ""
    #: the model folder as typed, and as a path from here
    model_dir: Optional[str] = None
    model_path: Optional[str] = None
    #: file names in the folder (None when it does not exist)
    files: Optional[tuple[str, ...]] = None
    #: the program, read from model.json (None: not there, or a paddle 2 model.pdmodel)
    program: Optional[ProgramFacts] = None
    #: infer_cfg.yml's facts, when the folder holds it
    exported: Optional[ExportedModel] = None
    #: the program file names the script may open, when it names fixed ones
    fixed_program: tuple[str, ...] = ()
    #: where the script names it (file, line)
    fixed_program_at: tuple[str, int] = ("", 0)

    @property
    def script_name(self) -> str:
        return os.path.basename(self.script)

    def value(self, dest: str, default: object = None) -> object:
        return self.command.value(dest, default) if self.command is not None else default

    def line(self, set_flags: Mapping[str, str] = {}, drop: Sequence[str] = ()) -> str:
        """The command with flags set (`--name=value`, replacing every spelling of the flag
        given) or dropped, as the user would type it."""
        names: dict[str, tuple[str, ...]] = {}
        if self.command is not None:
            for flag in self.command.parser.flags:
                names[flag.shown] = flag.names
        out: list[str] = []
        skip = False
        changed = {**{f: None for f in drop}, **set_flags}
        for index, token in enumerate(self.tokens):
            if skip:
                skip = False
                continue
            name = token.split("=", 1)[0]
            hit = next((shown for shown in changed if name in names.get(shown, (shown,))), None)
            if hit is None:
                out.append(token)
                continue
            if "=" not in token and index + 1 < len(self.tokens) \
                    and not self.tokens[index + 1].startswith("--"):
                skip = True
        for shown, value in set_flags.items():
            out.append(f"{shown}={value}")
        return shlex.join([*self.launcher, self.script, *out])


def _script_path(script: str) -> Optional[str]:
    if script == PADDLE2ONNX:
        try:
            spec = importlib.util.find_spec(_PADDLE2ONNX_PARSER[0])
        except (ImportError, ValueError):
            return None
        if spec is None or not spec.submodule_search_locations:
            return None
        path = os.path.join(list(spec.submodule_search_locations)[0], _PADDLE2ONNX_PARSER[1])
        return path if os.path.isfile(path) else None
    path = os.path.expanduser(script)
    return path if os.path.isfile(path) else None


@functools.lru_cache(maxsize=16)
def fixed_program_file(script: str) -> tuple[tuple[str, ...], int]:
    """The program file names the script's predictor may open when every `Config(...)` call of
    it names a file (`os.path.join(model_dir, "model.pdmodel")`, directly or through a variable
    every assignment of which joins a name), with the line of the first call; ((), 0) when a
    call takes the folder and a prefix (paddle 3's `Config(model_dir, "model")`) or the script
    makes no such call."""
    try:
        with open(script, encoding="utf-8") as handle:
            tree = ast.parse(handle.read())
    except (OSError, SyntaxError, ValueError, UnicodeDecodeError):
        return (), 0
    names: list[tuple[str, int]] = []
    calls = 0
    top = [s for s in tree.body if not isinstance(s, (ast.FunctionDef, ast.ClassDef))]
    bodies = [top, *(n.body for n in ast.walk(tree) if isinstance(n, ast.FunctionDef))]
    for body in bodies:
        assigned: dict[str, list[Optional[str]]] = {}
        for node in (n for statement in body for n in ast.walk(statement)):
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    if isinstance(target, ast.Name):
                        assigned.setdefault(target.id, []).append(_joined_name(node.value))
        for node in (n for statement in body for n in ast.walk(statement)):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    and node.func.id == "Config" and node.args):
                continue
            calls += 1
            first = node.args[0]
            if isinstance(first, ast.Name):
                # a variable: fixed names only when every assignment joins a file name
                values = assigned.get(first.id, [None])
                if None in values:
                    return (), 0
                names.extend((str(v), node.lineno) for v in values)
            elif (name := _joined_name(first)) is not None:
                names.append((name, node.lineno))
            else:
                return (), 0
    if not calls or not names:
        return (), 0
    return tuple(dict.fromkeys(n for n, _ in names)), names[0][1]


def _joined_name(node: ast.AST) -> Optional[str]:
    """"model.pdmodel" of `os.path.join(model_dir, "model.pdmodel")`, else None."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
            and node.func.attr == "join" and node.args \
            and isinstance(node.args[-1], ast.Constant) and isinstance(node.args[-1].value, str):
        return node.args[-1].value
    return None


def deploy_run(launcher: Sequence[str], script: str, tokens: Sequence[str]) -> DeployRun:
    """The facts of one pasted command (paths from the current folder, as the script runs)."""
    name = os.path.basename(script)
    tool, model_flag = DEPLOY_SCRIPTS[name]
    path = _script_path(script)
    parser: Optional[ScriptParser] = read_parser(path) if path else None
    missing = ""
    if parser is None:
        missing = (f"{PADDLE2ONNX} is not installed here, so its flags were not read"
                   if name == PADDLE2ONNX else
                   f"{script} does not exist from {os.getcwd()}, so its flags were not read")
    command = parse_command(parser, tokens, (*launcher, script, *tokens)) \
        if parser is not None else None
    model_dir = _given_model_dir(command, tokens, model_flag)
    model_path = os.path.normpath(os.path.expanduser(model_dir)) if model_dir else None
    files = tuple(sorted(os.listdir(model_path))) if model_path and os.path.isdir(model_path) \
        else None
    program = None
    if files is not None:
        chosen = command.value("model_filename") if command is not None else None
        json_name = chosen if isinstance(chosen, str) and chosen.endswith(".json") \
            and chosen in files else "model.json"
        if json_name in files and model_path is not None:
            program = read_json(os.path.join(model_path, json_name))
        elif "model.pdmodel" in files and model_path is not None:
            # paddle 2: its operations (the quantization format) are read, not its outputs
            program = read_pdmodel(os.path.join(model_path, "model.pdmodel"))
    exported = None
    if files is not None and INFER_CFG in files and model_path is not None:
        try:
            exported = from_infer_cfg(model_path, model_dir or model_path, program)
        except QatfixError:
            exported = None
    fixed: tuple[str, ...] = ()
    at = 0
    if path and name != PADDLE2ONNX:
        fixed, at = fixed_program_file(path)
    return DeployRun(script=script, tool=tool, launcher=tuple(launcher), tokens=tuple(tokens),
                     command=command, parser_missing=missing, model_dir=model_dir,
                     model_path=model_path, files=files, program=program, exported=exported,
                     fixed_program=fixed, fixed_program_at=(path or "", at))


def _given_model_dir(command: Optional[ParsedCommand], tokens: Sequence[str],
                     flag: str) -> Optional[str]:
    if command is not None:
        value = command.value(flag)
        return value if isinstance(value, str) and value else None
    for index, token in enumerate(tokens):
        name, equals, inline = token.partition("=")
        if name == f"--{flag}":
            if equals:
                return inline or None
            return tokens[index + 1] if index + 1 < len(tokens) else None
    return None
