"""`qatfix registry`: look up official weights, rank them for a config, rebuild the registry.

    qatfix registry show NAME|URL|FILE [--format json]
    qatfix registry search WORDS... [--format json]
    qatfix registry candidates CONFIG [--slim_config X] [-o K=V] [--limit N] [--format json]
    qatfix registry build --paddledetection PATH [...] [--with-paddle] [--output FILE] [--check]
    qatfix registry signatures --paddledetection PATH [...] [--output DIR] [--work DIR]
                               [--classes-only]
    qatfix registry networks --paddledetection PATH [...] [--check]
    qatfix registry recipes --paddledetection PATH [...] [--check]
    qatfix registry keys --paddledetection PATH [...] [--check]
"""
from __future__ import annotations

import argparse
import re
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

from qatfix.cli.common import add_config_arguments, config_and_slim
from qatfix.errors import UsageError
from qatfix.registry.index import Registry
from qatfix.config import resolve
from qatfix.model import identify
from qatfix.registry import candidates, config_key
from qatfix.registry import load_registry
from qatfix.registry import search
from qatfix.registry.loader import default_registry_path
from qatfix.registry.signatures import default_signatures_dir
from qatfix.registry.entry_text import candidate_json, candidates_text
from qatfix.registry.entry_text import entries_json, entry_line
from qatfix.registry.entry_text import entries_json, entry_text
from qatfix.registry.loader import default_registry_path
from qatfix.registry.signatures import CLASSES, NAMES
from qatfix.registry.signatures import default_signatures_dir

EXIT_OK, EXIT_FOUND_NOTHING = 0, 1


def add_arguments(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="action", metavar="ACTION", parser_class=type(parser))
    actions.required = True

    show = actions.add_parser("show", help="show the entry for a weights name, URL or local file")
    show.add_argument("reference", metavar="NAME|URL|FILE")
    _add_common(show)

    search = actions.add_parser("search", help="find weights by words (e.g. picodet s 320)")
    search.add_argument("words", nargs="+", metavar="WORD")
    _add_common(search)

    ranked = actions.add_parser("candidates", help="rank official weights for a config's model")
    add_config_arguments(ranked)
    ranked.add_argument("--limit", type=int, default=5, help="how many to list (default: 5)")
    _add_common(ranked)

    build = actions.add_parser("build", help="rebuild registry/weights.json from PaddleDetection trees")
    build.add_argument("--paddledetection", action="append", required=True, metavar="PATH",
                       help="PaddleDetection root holding configs/ (repeat; the first wins)")
    build.add_argument("--with-paddle", action="store_true",
                       help="count parameters by building each model with ppdet (slow)")
    build.add_argument("--output", type=Path, help="registry file to write (default: the repository's)")
    build.add_argument("--report", type=Path, help="report file (default: build_report.txt beside --output)")
    build.add_argument("--check", action="store_true",
                       help="write nothing; exit 1 when the registry file is not up to date")

    store = actions.add_parser("signatures",
                               help="rebuild registry/signatures: every config built with ppdet (slow)")
    store.add_argument("--paddledetection", action="append", required=True, metavar="PATH",
                       help="PaddleDetection root holding configs/ (repeat for several trees)")
    store.add_argument("--output", type=Path, help="folder to write (default: the repository's)")
    store.add_argument("--work", type=Path,
                       help="keep the build results here; a rerun resumes from them")
    store.add_argument("--timeout", type=float, default=300.0, metavar="SECONDS",
                       help="give up on a config whose model takes longer (default: 300)")
    store.add_argument("--only", action="append", default=[], metavar="CONFIG",
                       help="build only this config, relative to each tree root (repeat)")
    store.add_argument("--classes-only", action="store_true",
                       help="keep the signatures; rebuild only the class facts and parameter "
                            "names (one config of each signature at other class counts)")


    networks = actions.add_parser(
        "networks", help="rederive registry/networks.json from the trees (no paddle)")
    networks.add_argument("--paddledetection", action="append", required=True, metavar="PATH",
                          help="PaddleDetection root holding configs/ (repeat for several trees)")
    networks.add_argument("--check", action="store_true",
                          help="write nothing; exit 1 when the committed file is not up to date")

    recipes = actions.add_parser(
        "recipes", help="rederive registry/recipes.json (normalization, pruning lists; no paddle)")
    recipes.add_argument("--paddledetection", action="append", required=True, metavar="PATH",
                         help="PaddleDetection root holding configs/ (repeat for several trees)")
    recipes.add_argument("--check", action="store_true",
                         help="write nothing; exit 1 when the committed file is not up to date")

    keys = actions.add_parser(
        "keys", help="rederive registry/config_keys.json (the config keys ppdet knows; no paddle)")
    keys.add_argument("--paddledetection", action="append", required=True, metavar="PATH",
                      help="PaddleDetection root holding configs/ and ppdet/ (repeat)")
    keys.add_argument("--check", action="store_true",
                      help="write nothing; exit 1 when the committed file is not up to date")


def _add_common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=("text", "json"), default="text", help="output format")
    parser.add_argument("--registry", type=Path, help="use this weights.json instead of the shipped one")


def _registry(args: argparse.Namespace) -> Registry:
    return load_registry(args.registry)


def run(args: argparse.Namespace) -> int:
    return {"show": _show, "search": _search, "candidates": _candidates, "build": _build,
            "signatures": _signatures, "networks": _networks,
            "recipes": _recipes, "keys": _keys}[args.action](args)


def _show(args: argparse.Namespace) -> int:
    found = _registry(args).find(args.reference)
    if args.format == "json":
        sys.stdout.write(entries_json(found))
    elif found:
        print("\n\n".join(entry_text(e) for e in found))
    if not found:
        words = " ".join(w for w in re.split(r"[_\-/.\s]+", args.reference) if w)
        print(f"qatfix: no official weights match {args.reference!r} (show takes a whole name "
              f"or URL); search by words with: qatfix registry search {words}", file=sys.stderr)
        return EXIT_FOUND_NOTHING
    return EXIT_OK


def _search(args: argparse.Namespace) -> int:
    found = search(args.words, _registry(args))
    if args.format == "json":
        sys.stdout.write(entries_json(found))
    else:
        for entry in found:
            print(entry_line(entry))
    return EXIT_OK if found else EXIT_FOUND_NOTHING


def _candidates(args: argparse.Namespace) -> int:
    if args.limit < 1:
        raise UsageError("--limit must be at least 1")
    config, slim = config_and_slim(args)
    identity = identify(resolve(config, slim, args.opt).plain(), config_key(config))
    found = candidates(identity, _registry(args), limit=args.limit)
    if args.format == "json":
        print(json.dumps([candidate_json(c) for c in found], indent=2, ensure_ascii=False))
    elif found:
        print(candidates_text(found))
    else:
        print(f"qatfix: no official {identity.architecture or 'model'} weights in the registry", file=sys.stderr)
    return EXIT_OK if found else EXIT_FOUND_NOTHING


def _default_output() -> Path:
    path = default_registry_path()
    if path.parent.name == "_data":
        raise UsageError("qatfix is installed from a wheel: name the file to write with --output")
    return path


def _build(args: argparse.Namespace) -> int:
    from qatfix.registry.builder.run import execute, plan_for

    output = args.output or _default_output()
    plan = plan_for(args.paddledetection, output, args.report, args.with_paddle, args.check)

    def progress(done: int, total: int, text: str) -> None:
        print(f"[{done}/{total}] {text}", file=sys.stderr)

    outcome = execute(plan, progress)
    counts = outcome.result.counts
    sys.stdout.write(outcome.result.report)
    summary = ", ".join(f"{kind} {n}" for kind, n in sorted(counts.items()))
    if plan.check:
        state = "out of date" if outcome.changed else "up to date"
        print(f"{output}: {state} ({summary})", file=sys.stderr)
        return 1 if outcome.changed else EXIT_OK
    print(f"wrote {', '.join(str(p) for p in outcome.written)} ({summary})", file=sys.stderr)
    return EXIT_OK


def _signatures(args: argparse.Namespace) -> int:
    from qatfix.deep.class_store import build_class_store
    from qatfix.deep.zoo_signatures import build_store

    output = args.output
    if output is None:
        output = default_signatures_dir()
        if output.parent.name == "_data":
            raise UsageError("qatfix is installed from a wheel: name the folder to write with --output")
    if args.timeout <= 0:
        raise UsageError("--timeout must be positive")

    def progress(text: str) -> None:
        print(text, file=sys.stderr, flush=True)

    roots = [Path(p) for p in args.paddledetection]
    shown = progress if sys.stderr.isatty() else None
    work = Path(args.work) if args.work else Path(tempfile.mkdtemp(prefix="qatfix-signatures-"))
    if not args.classes_only:
        _print_store(build_store(roots, output, work=work, timeout=args.timeout, progress=shown,
                                 configs=args.only), output)
    if args.only:
        return EXIT_OK
    known, unknown = build_class_store(roots, output, work, timeout=args.timeout, progress=shown)
    print(f"wrote {output / CLASSES} and {output / NAMES}: class facts of {known} signatures, "
          f"{unknown} without (the builds gave no rule)")
    return EXIT_OK


def _print_store(summary: Any, output: Path) -> None:
    for tree, counts in summary.counts.items():
        built = ", ".join(f"{status} {n}" for status, n in sorted(counts.items()))
        print(f"{tree}: {built}")
        for kind, n in sorted(summary.failures.get(tree, {}).items(), key=lambda kv: -kv[1]):
            print(f"  failed {n}: {kind}")
    print(f"wrote {output}: {summary.signatures} distinct signatures, {summary.store_bytes:,} bytes, "
          f"{summary.seconds:.0f} s")


def _tree_roots(args: argparse.Namespace) -> dict[str, Path]:
    roots = {Path(p).name: Path(p) for p in args.paddledetection}
    if len(roots) != len(args.paddledetection):
        raise UsageError("two trees share a folder name")
    missing = [str(p) for p in roots.values() if not (p / "configs").is_dir()]
    if missing:
        raise UsageError(f"not a PaddleDetection root (no configs/): {missing[0]}")
    return roots


def _recipes(args: argparse.Namespace) -> int:
    from qatfix.registry.builder.recipes import rederive_recipes

    changed = rederive_recipes(_tree_roots(args), write=not args.check)
    if args.check:
        print("recipes.json is out of date" if changed else "recipes.json is up to date")
        return EXIT_FOUND_NOTHING if changed else EXIT_OK
    print("wrote recipes.json" if changed else "recipes.json was up to date")
    return EXIT_OK


def _keys(args: argparse.Namespace) -> int:
    from qatfix.registry.builder.config_keys import rederive_config_keys

    changed = rederive_config_keys(_tree_roots(args), write=not args.check)
    if args.check:
        print("config_keys.json is out of date" if changed else "config_keys.json is up to date")
        return EXIT_FOUND_NOTHING if changed else EXIT_OK
    print("wrote config_keys.json" if changed else "config_keys.json was up to date")
    return EXIT_OK


def _networks(args: argparse.Namespace) -> int:
    from qatfix.registry.builder.networks import rederive_networks

    roots = _tree_roots(args)
    changed = rederive_networks(roots, write=not args.check)
    if args.check:
        print("networks.json is out of date" if changed else "networks.json is up to date")
        return EXIT_FOUND_NOTHING if changed else EXIT_OK
    print("wrote networks.json" if changed else "networks.json was up to date")
    return EXIT_OK
