"""What the folder an ACT run starts from says about the run: which script it ships and the
readers its README's commands run each ACT config with.

develop ships `run_det.py`, which takes the reader as `--config` and never reads
`Global.reader_config`; release-2.6 ships `run.py`, which reads only `Global.reader_config`.
"""
from __future__ import annotations

import ast
import functools
import os
import shlex
from typing import Optional

#: the ACT scripts, and where each takes the reader config from
READER_FLAG = "run_det.py"
READER_KEY = "run.py"
READMES = ("README.md", "README_en.md", "README_cn.md")


def script_beside(run_dir: str) -> Optional[str]:
    """`run_det.py` or `run.py`, the one ACT script of the run folder; None with neither (a
    folder of one's own) or both."""
    found = [name for name in (READER_FLAG, READER_KEY)
             if os.path.isfile(os.path.join(run_dir, name))]
    return found[0] if len(found) == 1 else None


def follows_reader_config(run_dir: str, has_reader_config: bool) -> bool:
    """Does the script read `Global.reader_config` rather than `--config`? run.py does;
    run_det.py never does; beside neither, an ACT config that sets the key was written for
    run.py."""
    script = script_beside(run_dir)
    return script == READER_KEY or (script is None and has_reader_config)


def documented_reader(run_dir: str, act_path: str) -> Optional[str]:
    """The reader the README's commands run `act_path` with (`--act_config_path ACT --config
    READER`), as an absolute path, or None."""
    return _documented(os.path.abspath(run_dir)).get(os.path.normpath(os.path.abspath(act_path)))


@functools.lru_cache(maxsize=8)
def _documented(run_dir: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for name in READMES:
        try:
            with open(os.path.join(run_dir, name), encoding="utf-8") as f:
                text = f.read()
        except (OSError, UnicodeDecodeError):
            continue
        for command in text.replace("\\\n", " ").splitlines():
            if "--act_config_path" not in command or "--config" not in command:
                continue
            try:
                tokens = shlex.split(command)
            except ValueError:
                continue
            act, reader = _flag(tokens, "--act_config_path"), _flag(tokens, "--config")
            if act and reader:
                found.setdefault(os.path.normpath(os.path.join(run_dir, act)),
                                 os.path.normpath(os.path.join(run_dir, reader)))
    return found


def _flag(tokens: list[str], flag: str) -> Optional[str]:
    for index, token in enumerate(tokens):
        if token == flag and index + 1 < len(tokens):
            return tokens[index + 1]
        if token.startswith(flag + "="):
            return token[len(flag) + 1:]
    return None


#: the package a PaddleSlim example's run.py imports, and the toolkit whose model it compresses;
#: a script that imports ppdet compresses a PaddleDetection model (what qatfix checks)
TOOLKIT_IMPORTS = {
    "ppdet": "PaddleDetection",
    "ppocr": "PaddleOCR",
    "paddleseg": "PaddleSeg",
    "ppcls": "PaddleClas",
    "imagenet_reader": "image classification (PaddleClas models, ImageNet reader)",
}
DETECTION = "PaddleDetection"


@functools.lru_cache(maxsize=16)
def script_facts(script: str) -> tuple[Optional[str], str, frozenset[str]]:
    """(toolkit, the module that tells it, the string constants of the script) of an ACT
    script: the toolkit by the first of TOOLKIT_IMPORTS it imports (None: none of them), and
    every string literal, which holds the config sections it reads (`all_config['PostProcess']`,
    `build_dataloader(all_config, 'Train', ...)`)."""
    try:
        with open(script, encoding="utf-8") as handle:
            tree = ast.parse(handle.read())
    except (OSError, SyntaxError, ValueError, UnicodeDecodeError):
        return None, "", frozenset()
    imported: list[str] = []
    strings: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported.extend(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            imported.append(node.module.split(".")[0])
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            strings.add(node.value)
    module = next((m for m in TOOLKIT_IMPORTS if m in imported), None)
    return (TOOLKIT_IMPORTS[module] if module else None), module or "", frozenset(strings)


def run_script(run_dir: str) -> Optional[str]:
    """The ACT script of the run folder (run_det.py or run.py), as a path, or None."""
    name = script_beside(run_dir)
    return os.path.join(run_dir, name) if name else None
