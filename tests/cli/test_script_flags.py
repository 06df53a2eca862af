"""qatfix's reading of a script's flags against the script's own parser: the parser factory of
each script of both shared trees (and the functions it uses, e.g. develop's `str_to_bool`) is
executed in a fresh python with only argparse and ast, and parses the same command lines."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from qatfix.config.script_flags import parse_command, read_parser
from tests.conftest import tree

#: (tree, script, the file and function that build its parser)
SCRIPTS = [
    ("develop", "deploy/python/infer.py", "deploy/python/utils.py", "argsparser"),
    ("release-2.6", "deploy/python/infer.py", "deploy/python/utils.py", "argsparser"),
    ("develop", "deploy/auto_compression/test_det.py", "deploy/auto_compression/test_det.py",
     "argsparser"),
    ("release-2.6", "deploy/auto_compression/paddle_inference_eval.py",
     "deploy/auto_compression/paddle_inference_eval.py", "argsparser"),
]
COMMANDS = [
    ["--model_dir", "m", "--model_path", "m"],
    ["--model_dir", "m", "--model_path", "m", "--include_nms=False", "--use_trt", "False",
     "--precision", "int8", "--benchmark", "True"],
    ["--model_dir", "m", "--model_path", "m", "--include_nms=", "--use_trt=true",
     "--use_dynamic_shape", "0"],
    ["--model_dir", "m", "--model_path", "m", "--run_mode", "trt_int8", "--trt_calib_mode=False",
     "--run_benchmark", "True", "--cpu_threads", "4"],
    ["--model_dir", "m", "--model_path", "m", "--include_nms", "no"],
    ["--model_dir", "m", "--model_path", "m", "--unknown_flag", "1"],
    ["--model_path", "m", "--use_gpu", "True", "--enable_mkldnn=False"],
]
ORACLE = """import argparse, ast, json, sys
source = open(sys.argv[1], encoding="utf-8").read()
tree = ast.parse(source)
wanted = [n for n in tree.body if isinstance(n, ast.FunctionDef)]
namespace = {"argparse": argparse, "ast": ast, "__doc__": None}
exec(compile(ast.Module(body=wanted, type_ignores=[]), sys.argv[1], "exec"), namespace)
parser = namespace[sys.argv[2]]()
def error(message):
    print(json.dumps({"error": message})); sys.exit(0)
parser.error = error
values = vars(parser.parse_args(json.loads(sys.argv[3])))
print(json.dumps({"values": {k: repr(v) for k, v in values.items()}}))
"""


def _oracle(path: Path, function: str, argv: list[str]) -> dict[str, Any]:
    done = subprocess.run([sys.executable, "-c", ORACLE, str(path), function, json.dumps(argv)],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads(done.stdout)
    return result


@pytest.mark.parametrize("name,script,factory,function", SCRIPTS)
def test_commands_parse_as_the_scripts_own_parser_parses_them(
        name: str, script: str, factory: str, function: str) -> None:
    root = tree(name)
    parser = read_parser(str(root / script))
    assert parser is not None
    assert str(root / factory) in parser.files
    for argv in COMMANDS:
        # each script takes one of the model flags: drop the other
        own = {f.dest for f in parser.flags}
        tokens = []
        skip = False
        for index, token in enumerate(argv):
            if skip:
                skip = False
                continue
            if token in ("--model_dir", "--model_path") and token[2:] not in own:
                skip = True
                continue
            tokens.append(token)
        expected = _oracle(root / factory, function, tokens)
        got = parse_command(parser, tokens)
        if "error" in expected:
            assert got.error == expected["error"], (script, tokens)
            continue
        assert not got.error, (script, tokens, got.error)
        assert {k: repr(v) for k, v in got.values.items()} == expected["values"], (script, tokens)


def test_type_bool_reads_false_as_true_in_release_2_6_only() -> None:
    old = read_parser(str(tree("release-2.6") / "deploy/auto_compression/paddle_inference_eval.py"))
    new = read_parser(str(tree("develop") / "deploy/auto_compression/test_det.py"))
    assert old is not None and new is not None
    argv = ["--model_path", "m", "--include_nms=False"]
    assert parse_command(old, argv).value("include_nms") is True
    assert parse_command(new, argv).value("include_nms") is False
    flag = old.flag("include_nms")
    assert flag is not None and flag.kind == "bool"
    source = (tree("release-2.6") / "deploy/auto_compression/paddle_inference_eval.py").read_text()
    lines = source.splitlines()[flag.line - 1:flag.line + 3]
    assert "add_argument" in lines[0] and "'--include_nms'" in "".join(lines)


def test_tools_scripts_read_through_ppdet_args_parser() -> None:
    root = tree("develop")
    parser = read_parser(str(root / "tools/export_model.py"))
    assert parser is not None
    assert str(root / "ppdet/utils/cli.py") in parser.files
    got = parse_command(parser, ["-c", "a.yml", "--trt=True", "-o", "weights=w"])
    assert got.error == "unrecognized arguments: --trt=True"
    assert got.unknown == ("--trt=True",) and got.value("opt") == ["weights=w"]
