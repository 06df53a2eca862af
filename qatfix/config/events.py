"""YAML parser events with positions, shared by the config loader and the rewriter.

ruamel.yaml's C parser (ruamel.yaml.clib) when installed, its pure-Python parser otherwise.
Both read one document; a second one is refused, as ppdet reads only the first.
"""
from __future__ import annotations

from typing import Any, Callable, Iterator, NoReturn
from ruamel.yaml import YAML

NODE_EVENTS = ("MappingStartEvent", "SequenceStartEvent", "ScalarEvent", "AliasEvent")


def pure_events(text: str) -> Iterator[Any]:
    yield from YAML(typ="rt", pure=True).parse(text)


def events(text: str) -> Iterator[Any]:
    """Parser events with marks, from the C parser when available."""
    try:
        from _ruamel_yaml import CParser
    except ImportError:  # pure-Python fallback
        yield from pure_events(text)
        return
    parser = CParser(text)
    while True:
        event = parser.get_event()
        if event is None:
            return
        yield event
        if type(event).__name__ == "StreamEndEvent":
            return


def document_root(stream: Iterator[Any], build: Callable[[Any, Iterator[Any]], Any],
                  second_document: Callable[[int], NoReturn],
                  on_document: Callable[[], None] = lambda: None) -> Any:
    """The root node `build` makes of the one document in `stream` (None when empty);
    `second_document(line)` raises for a stream holding more than one."""
    root = None
    documents = 0
    for event in stream:
        name = type(event).__name__
        if name == "DocumentStartEvent":
            documents += 1
            if documents > 1:
                second_document(event.start_mark.line + 1)
            on_document()
        elif name in NODE_EVENTS:
            root = build(event, stream)
    return root


def syntax_error(exc: Exception) -> tuple[str, int | None, int | None]:
    """(message, 1-based line, 1-based column) of a ruamel.yaml parse error."""
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    context = getattr(exc, "context", None)
    message = f"YAML syntax error: {problem}" + (f" {context}" if context else "")
    return message, (mark.line + 1 if mark else None), (mark.column + 1 if mark else None)
