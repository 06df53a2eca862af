"""A Python script's command-line flags, read from its source as its own argparse parser reads
them, and a pasted command line parsed with them.

The `parser.add_argument(...)` calls are read from the script and from the parser factories it
imports and calls (`from utils import argsparser`, `from ppdet.utils.cli import ArgsParser`),
looked up where the script would import them from: its own folder, the checkout above it (ppdet's
`tools/` put the parent folder on `sys.path`), or the installed package (found, never imported).
The command is then parsed by a real `argparse` parser holding those flags with the script's own
types: `type=bool` calls `bool()` on the text (`bool("False")` is True, only `""` is False),
`ast.literal_eval` evaluates a literal, a `str_to_bool`-style function of the script is read as
the words its `if`/`elif` compares against. Nothing of the script runs. Plain Python on the
default path: no paddle, no import of the scripts' packages.
"""
from __future__ import annotations

from dataclasses import dataclass
import argparse
import ast
import functools
import importlib.util
import os
from collections.abc import Callable, Mapping, Sequence
from typing import Any, NoReturn, Optional


#: how a flag's text becomes its value
KINDS = ("str", "int", "float", "bool", "literal", "words", "store_true", "store_false",
         "unknown")


@dataclass(frozen=True)
class Flag:
    """One `add_argument` call of a script."""

    names: tuple[str, ...]
    dest: str
    #: one of KINDS: `bool` is Python's bool() of the text, `words` a strict true/false parser
    kind: str
    default: Any = None
    required: bool = False
    nargs: Any = None
    #: `words` flags: the lower-cased words read as True and as False
    true_words: tuple[str, ...] = ()
    false_words: tuple[str, ...] = ()
    #: where the call is, for messages (file and line)
    path: str = ""
    line: int = 0

    @property
    def shown(self) -> str:
        return next((n for n in self.names if n.startswith("--")), self.names[0])


@dataclass(frozen=True)
class ScriptParser:
    """The flags a script's parser takes, and the files they were read from."""

    script: str
    flags: tuple[Flag, ...]
    files: tuple[str, ...]

    def flag(self, dest: str) -> Optional[Flag]:
        return next((f for f in self.flags if f.dest == dest), None)


@dataclass(frozen=True)
class ParsedCommand:
    """A command line as the script's parser reads it."""

    parser: ScriptParser
    #: dest -> value, defaults included (what the script's FLAGS hold)
    values: dict[str, Any]
    #: dest -> the text given on the command line (flags given explicitly only)
    given: dict[str, str]
    #: why the script's parser stops (argparse's own message), or ""
    error: str = ""
    #: tokens the parser does not know (`unrecognized arguments`)
    unknown: tuple[str, ...] = ()
    #: the whole command as typed (interpreter and script first), for the lines that work
    argv: tuple[str, ...] = ()

    def value(self, dest: str, default: Any = None) -> Any:
        return self.values.get(dest, default)


class _Stop(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise _Stop(message)


def _constant(node: Optional[ast.AST]) -> Any:
    if node is None:
        return None
    try:
        return ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return None


def _words(function: ast.FunctionDef) -> Optional[tuple[tuple[str, ...], tuple[str, ...]]]:
    """The words a `str_to_bool(value)` function reads as True and as False: the string tuple each
    `if ... in (...)` compares with before returning True or False (lower-cased when it
    compares `value.lower()`)."""
    true: list[str] = []
    false: list[str] = []
    for node in ast.walk(function):
        if not isinstance(node, ast.If) or not isinstance(node.test, ast.Compare):
            continue
        test = node.test
        if len(test.ops) != 1 or not isinstance(test.ops[0], (ast.In, ast.Eq)):
            continue
        words = _constant(test.comparators[0])
        words = (words,) if isinstance(words, str) else words
        if not isinstance(words, (tuple, list)) or not all(isinstance(w, str) for w in words):
            continue
        lowered = isinstance(test.left, ast.Call) and isinstance(test.left.func, ast.Attribute) \
            and test.left.func.attr == "lower"
        returned = [n.value for n in node.body if isinstance(n, ast.Return)]
        result = _constant(returned[0]) if returned else None
        accepted = [w for w in words if not lowered or w == w.lower()]
        if result is True:
            true.extend(accepted)
        elif result is False:
            false.extend(accepted)
    if not true or not false:
        return None
    return tuple(dict.fromkeys(true)), tuple(dict.fromkeys(false))


def _kind(call: ast.Call, functions: dict[str, ast.FunctionDef]) -> tuple[str, tuple[str, ...],
                                                                            tuple[str, ...]]:
    keywords = {k.arg: k.value for k in call.keywords if k.arg}
    action = _constant(keywords.get("action"))
    if action in ("store_true", "store_false"):
        return str(action), (), ()
    kind = keywords.get("type")
    if kind is None:
        return "str", (), ()
    if isinstance(kind, ast.Name):
        if kind.id in ("str", "int", "float", "bool"):
            return kind.id, (), ()
        if kind.id in functions:
            words = _words(functions[kind.id])
            if words is not None:
                return "words", words[0], words[1]
        return "unknown", (), ()
    if isinstance(kind, ast.Attribute) and kind.attr == "literal_eval":
        return "literal", (), ()
    return "unknown", (), ()


def _dest(names: Sequence[str], keywords: Mapping[str, ast.AST]) -> str:
    dest = _constant(keywords.get("dest"))
    if isinstance(dest, str):
        return dest
    long = next((n for n in names if n.startswith("--")), None)
    name = long or names[0]
    return name.lstrip("-").replace("-", "_")


def _flags_in(nodes: Sequence[ast.AST], functions: dict[str, ast.FunctionDef],
              path: str) -> list[Flag]:
    found: list[Flag] = []
    for top in nodes:
        for node in ast.walk(top):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr == "add_argument"):
                continue
            names = [_constant(a) for a in node.args]
            if not names or not all(isinstance(n, str) and n.startswith("-") for n in names):
                continue  # positional arguments: none of the scripts read here take one
            keywords = {k.arg: k.value for k in node.keywords if k.arg}
            kind, true, false = _kind(node, functions)
            default = _constant(keywords.get("default"))
            if kind == "store_true" and "default" not in keywords:
                default = False
            if kind == "store_false" and "default" not in keywords:
                default = True
            found.append(Flag(
                names=tuple(names), dest=_dest(names, keywords), kind=kind, default=default,
                required=_constant(keywords.get("required")) is True,
                nargs=_constant(keywords.get("nargs")), true_words=true, false_words=false,
                path=path, line=node.lineno))
    return found


def _parse_file(path: str) -> Optional[ast.Module]:
    try:
        with open(path, encoding="utf-8") as handle:
            return ast.parse(handle.read())
    except (OSError, SyntaxError, ValueError, UnicodeDecodeError):
        return None


def _module_file(module: str, script_dir: str) -> Optional[str]:
    """Where `import module` finds it when the script runs: beside the script, in the checkout
    above it, or installed (located, not imported)."""
    relative = module.replace(".", os.sep)
    for folder in (script_dir, os.path.dirname(script_dir),
                   os.path.dirname(os.path.dirname(script_dir))):
        for candidate in (relative + ".py", os.path.join(relative, "__init__.py")):
            path = os.path.join(folder, candidate)
            if os.path.isfile(path):
                return path
    top = module.split(".")[0]
    try:
        spec = importlib.util.find_spec(top)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    base = list(spec.submodule_search_locations)[0]
    rest = module.split(".")[1:]
    for candidate in (os.path.join(base, *rest) + ".py",
                      os.path.join(base, *rest, "__init__.py")):
        if os.path.isfile(candidate):
            return candidate
    return None


def _functions(tree: ast.Module) -> dict[str, ast.FunctionDef]:
    return {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef)}


def _called_names(tree: ast.Module) -> set[str]:
    return {n.func.id for n in ast.walk(tree)
            if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}


@functools.lru_cache(maxsize=32)
def read_parser(script: str) -> Optional[ScriptParser]:
    """The flags of `script`'s parser, or None when the script cannot be read."""
    tree = _parse_file(script)
    if tree is None:
        return None
    script_dir = os.path.dirname(os.path.abspath(script))
    functions = _functions(tree)
    flags = _flags_in([tree], functions, script)
    files = [script]
    called = _called_names(tree)
    for node in tree.body:
        if not isinstance(node, ast.ImportFrom) or not node.module or node.level:
            continue
        names = [a.name for a in node.names if (a.asname or a.name) in called]
        if not names:
            continue
        path = _module_file(node.module, script_dir)
        module = _parse_file(path) if path else None
        if module is None or path is None:
            continue
        defined = {n.name: n for n in module.body
                   if isinstance(n, (ast.FunctionDef, ast.ClassDef)) and n.name in names}
        inside = [defined[n] for n in names if n in defined]
        found = _flags_in(inside, _functions(module), path)
        if found:
            flags.extend(found)
            files.append(path)
    unique: dict[str, Flag] = {}
    for flag in flags:
        unique.setdefault(flag.dest, flag)
    return ScriptParser(script=script, flags=tuple(unique.values()), files=tuple(files))


def _converter(flag: Flag) -> Optional[Callable[[str], Any]]:
    if flag.kind == "int":
        return int
    if flag.kind == "float":
        return float
    if flag.kind == "bool":
        return bool  # what argparse does with type=bool: bool("False") is True
    if flag.kind == "literal":
        return ast.literal_eval
    if flag.kind == "words":
        def words(text: str) -> bool:
            if text.lower() in flag.true_words:
                return True
            if text.lower() in flag.false_words:
                return False
            raise argparse.ArgumentTypeError("Boolean value expected.")
        return words
    return None


def _build(parser: ScriptParser, suppress: bool) -> _Parser:
    built = _Parser(add_help=False, prog=os.path.basename(parser.script),
                    argument_default=argparse.SUPPRESS if suppress else None)
    for flag in parser.flags:
        options: dict[str, Any] = {"dest": flag.dest}
        if flag.kind in ("store_true", "store_false"):
            options["action"] = flag.kind
        else:
            converter = _converter(flag)
            if converter is not None:
                options["type"] = converter
            if flag.nargs is not None:
                options["nargs"] = flag.nargs
        if not suppress:
            options["default"] = flag.default
            options["required"] = flag.required
        built.add_argument(*flag.names, **options)
    return built


def _texts(parser: ScriptParser, argv: Sequence[str]) -> dict[str, str]:
    """dest -> the text given for each flag on the command line (`--a=b` or `--a b`)."""
    by_name = {name: flag for flag in parser.flags for name in flag.names}
    found: dict[str, str] = {}
    for index, token in enumerate(argv):
        name, equals, inline = token.partition("=")
        flag = by_name.get(name)
        if flag is None:
            continue
        if flag.kind in ("store_true", "store_false"):
            found[flag.dest] = ""
        elif equals:
            found[flag.dest] = inline
        elif index + 1 < len(argv):
            found[flag.dest] = argv[index + 1]
    return found


def parse_command(parser: ScriptParser, argv: Sequence[str],
                  typed: Sequence[str] = ()) -> ParsedCommand:
    """`argv` (the tokens after the script) as the script's parser reads them; `typed` is the
    whole command as typed."""
    tokens = list(argv)
    unknown: tuple[str, ...] = ()
    try:
        _, rest = _build(parser, suppress=True).parse_known_args(tokens)
        unknown = tuple(rest)
    except _Stop:
        pass
    try:
        values = vars(_build(parser, suppress=False).parse_args(tokens))
        error = ""
    except _Stop as stop:
        defaults = {f.dest: f.default for f in parser.flags}
        try:
            known, _ = _build(parser, suppress=True).parse_known_args(tokens)
            defaults.update(vars(known))
        except _Stop:
            pass
        values, error = defaults, str(stop)
    return ParsedCommand(parser=parser, values=values, given=_texts(parser, tokens),
                         error=error, unknown=unknown, argv=tuple(typed))
