"""PyYAML as the reference reader (what ppdet uses), never constructing custom-tagged objects."""
from __future__ import annotations

from typing import Any

from tests.conftest import require

yaml = require("yaml")


class TaggedValue:
    """A custom-tagged node as plain data, comparable by tag and value."""

    def __init__(self, tag: str, value: Any) -> None:
        self.tag, self.value = tag, value

    def __eq__(self, other: object) -> bool:
        return isinstance(other, TaggedValue) and (self.tag, self.value) == (other.tag, other.value)

    def __repr__(self) -> str:
        return f"TaggedValue({self.tag!r}, {self.value!r})"


class ReferenceLoader(yaml.Loader):  # type: ignore[misc,name-defined]
    pass


def _tagged(loader: Any, suffix: str, node: Any) -> TaggedValue:
    if isinstance(node, yaml.MappingNode):
        value: Any = loader.construct_mapping(node, deep=True)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_scalar(node)
    return TaggedValue("!" + suffix, value)


ReferenceLoader.add_multi_constructor("!", _tagged)


def pyyaml_load(text: str) -> Any:
    # ppdet, once imported by other tests, registers constructors for its tags on yaml.Loader;
    # the reference must keep every custom tag as data, so it drops those each time
    ReferenceLoader.yaml_constructors = {
        tag: make for tag, make in yaml.Loader.yaml_constructors.items()
        if not (tag or "").startswith("!")}
    return yaml.load(text, Loader=ReferenceLoader)
