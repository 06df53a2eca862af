"""Hypothesis strategy for varied YAML documents written the way people write configs.

Block and flow (one-line and multi-line, with or without trailing commas) collections, comments
on their own lines and after values, quoted and plain scalars (including YAML 1.1 traps),
anchors and aliases, custom and core tags, duplicate keys, CRLF, BOM and a missing final newline.
The text is what matters: tests read it back with PyYAML to know its data.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from hypothesis import strategies as st

KEYS = ["a", "b", "lr", "batch_size", "Resize", "target_size", "_BASE_", "use_gpu", "k1", "Name"]
WORDS = ["abc", "model_final", "../runtime.yml", "ResNet50", "x_y", "output/dir"]
TRICKY = ["yes", "No", "on", "1e-4", "0.5", "010", "null", "~", "", "a b", "it's", "x: y",
          "#hash", "- dash", "[x]", "ü😀", "2020-01-01", "true", "a,b"]


@dataclass
class Context:
    draw: Any
    anchors: list[str] = field(default_factory=list)
    counter: int = 0

    def anchor(self) -> str:
        """Maybe a new `&name ` prefix (registered once the node is written)."""
        if self.draw(st.integers(0, 6)) == 0:
            self.counter += 1
            return f"&n{self.counter} "
        return ""

    def register(self, prefix: str) -> None:
        if prefix:
            self.anchors.append(prefix.strip()[1:])


def scalar(ctx: Context, *, flow: bool) -> str:
    draw = ctx.draw
    kind = draw(st.sampled_from(["int", "float", "bool", "null", "word", "quoted", "double",
                                 "tagged"]))
    if kind == "int":
        text = str(draw(st.integers(-1000, 10**6)))
    elif kind == "float":
        text = f"{draw(st.floats(-1e3, 1e3, allow_nan=False)):.4f}"
    elif kind == "bool":
        text = draw(st.sampled_from(["true", "True", "false", "FALSE", "yes", "off"]))
    elif kind == "null":
        text = draw(st.sampled_from(["null", "~"]))
    elif kind == "word":
        text = draw(st.sampled_from(WORDS if not flow else WORDS[:2]))
    elif kind == "quoted":
        value = draw(st.sampled_from(TRICKY))
        text = "'" + value.replace("'", "''") + "'"
    elif kind == "double":
        text = json.dumps(draw(st.sampled_from(TRICKY)), ensure_ascii=False)
    else:
        text = "!!str " + json.dumps(draw(st.sampled_from(TRICKY + WORDS)), ensure_ascii=False)
    prefix = ctx.anchor()
    ctx.register(prefix)
    return prefix + text


def alias_or_scalar(ctx: Context, *, flow: bool) -> str:
    if ctx.anchors and ctx.draw(st.integers(0, 5)) == 0:
        return "*" + ctx.draw(st.sampled_from(ctx.anchors))
    return scalar(ctx, flow=flow)


def flow_value(ctx: Context, depth: int) -> str:
    """A one-line flow value: scalar, alias, [..] or {..}."""
    draw = ctx.draw
    kind = draw(st.sampled_from(["scalar", "scalar", "list", "map"] if depth < 2 else ["scalar"]))
    if kind == "scalar":
        return alias_or_scalar(ctx, flow=True)
    prefix = ctx.anchor()
    if kind == "list":
        items = [flow_value(ctx, depth + 1) for _ in range(draw(st.integers(0, 3)))]
        sep = draw(st.sampled_from([", ", ",", " , "]))
        text = "[" + sep.join(items) + "]"
    else:
        keys = draw(st.lists(st.sampled_from(KEYS), min_size=0, max_size=3, unique=True))
        text = "{" + ", ".join(f"{k}: {flow_value(ctx, depth + 1)}" for k in keys) + "}"
    ctx.register(prefix)
    return prefix + text


def multiline_flow(ctx: Context, indent: int) -> list[str]:
    """`{` / `[` on the key line, one entry per line, closing bracket on its own line or not."""
    draw = ctx.draw
    pad = " " * (indent + draw(st.sampled_from([2, 4])))
    is_map = draw(st.booleans())
    count = draw(st.integers(1, 4))
    keys = draw(st.lists(st.sampled_from(KEYS), min_size=count, max_size=count, unique=True))
    entries = [f"{k}: {flow_value(ctx, 1)}" if is_map else flow_value(ctx, 1) for k in keys]
    trailing = draw(st.booleans())
    close_inline = not trailing and draw(st.booleans())
    lines = []
    for i, entry in enumerate(entries):
        last = i == len(entries) - 1
        comma = "," if not last or trailing else ""
        comment = draw(st.sampled_from(["", "", "  # note"]))
        closing = ("}" if is_map else "]") if last and close_inline else ""
        lines.append(f"{pad}{entry}{comma}{closing}{comment if not closing else ''}")
    if not close_inline:
        lines.append(" " * indent + ("}" if is_map else "]"))
    return [("{" if is_map else "["), *lines]


def block_mapping(ctx: Context, indent: int, depth: int, *, first_prefix: str = "") -> list[str]:
    draw = ctx.draw
    pad = " " * indent
    keys = draw(st.lists(st.sampled_from(KEYS), min_size=1, max_size=4, unique=True))
    if len(keys) > 1 and draw(st.integers(0, 8)) == 0:
        keys.append(keys[0])  # a duplicate: PyYAML keeps the last
    lines: list[str] = []
    for index, key in enumerate(keys):
        lead = first_prefix if index == 0 and first_prefix else pad
        if index and draw(st.integers(0, 4)) == 0:
            lines.append(f"{pad}# about {key}")
        lines += block_entry(ctx, lead, key, indent, depth)
        if draw(st.integers(0, 6)) == 0:
            lines.append("")
    return lines


def block_entry(ctx: Context, lead: str, key: str, indent: int, depth: int) -> list[str]:
    draw = ctx.draw
    choices = ["scalar", "scalar", "flow", "multiflow", "empty"]
    if depth < 3:
        choices += ["map", "map", "list"]
    kind = draw(st.sampled_from(choices))
    comment = draw(st.sampled_from(["", "", "  # inline"]))
    if kind == "scalar":
        return [f"{lead}{key}: {alias_or_scalar(ctx, flow=False)}{comment}"]
    if kind == "empty":
        return [f"{lead}{key}:{comment}"]
    if kind == "flow":
        return [f"{lead}{key}: {flow_value(ctx, 0)}{comment}"]
    if kind == "multiflow":
        first, *rest = multiline_flow(ctx, indent)
        return [f"{lead}{key}: {first}", *rest]
    prefix = ctx.anchor()
    tag = draw(st.sampled_from(["", "", "!Tag "]))
    head = f"{lead}{key}: {prefix}{tag}".rstrip()
    step = draw(st.sampled_from([2, 4]))
    if kind == "map":
        body = block_mapping(ctx, indent + step, depth + 1)
    else:
        body = block_list(ctx, indent + draw(st.sampled_from([0, 2])), depth + 1)
    ctx.register(prefix)
    return [head, *body]


def block_list(ctx: Context, indent: int, depth: int) -> list[str]:
    draw = ctx.draw
    pad = " " * indent
    lines: list[str] = []
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["scalar", "flow", "map"] if depth < 3 else ["scalar"]))
        if kind == "scalar":
            lines.append(f"{pad}- {alias_or_scalar(ctx, flow=False)}")
        elif kind == "flow":
            lines.append(f"{pad}- {flow_value(ctx, 0)}")
        else:
            lines += block_mapping(ctx, indent + 2, depth + 1, first_prefix=f"{pad}- ")
    return lines


@st.composite
def documents(draw: Any) -> str:
    ctx = Context(draw)
    lines = block_mapping(ctx, 0, 0)
    if draw(st.booleans()):
        lines.insert(0, "# a config")
    text = "\n".join(lines) + "\n"
    if draw(st.booleans()):
        text = text.replace("\n", "\r\n")
    if draw(st.integers(0, 4)) == 0:
        text = text.rstrip("\r\n")
    if draw(st.integers(0, 5)) == 0:
        text = "\ufeff" + text
    return text
