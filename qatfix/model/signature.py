"""Key -> shape signatures: all ppdet's loader compares, for models and weights files alike.

Plain data, no paddle: signatures come from a model built with ppdet (`qatfix.deep`), from a
`.pdparams` file, or from the committed store beside the registry (`qatfix.registry.signatures`).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping


Shape = tuple[int, ...]

#: layer types PaddleSlim quantizes by default (`quantizable_layer_type` in the QAT configs)
QUANTIZABLE_LAYER_TYPES: tuple[str, ...] = ("Conv2D", "Linear")


def element_count(shape: Shape) -> int:
    """Scalar values in a tensor of `shape` (1 for a scalar)."""
    count = 1
    for dim in shape:
        count *= dim
    return count


@dataclass(frozen=True)
class Signature:
    """State-dict keys with shapes and dtypes, in the order the state dict lists them.

    A state dict holds trainable parameters and buffers: batch-norm running statistics (which
    paddle creates as non-trainable parameters) and registered tensors. `buffers` names the
    latter when the signature comes from a built model; a signature read from a file cannot tell
    them apart and leaves it empty.
    """

    shapes: Mapping[str, Shape]
    dtypes: Mapping[str, str] = field(default_factory=dict)
    #: keys of weights a QAT run quantizes (Conv2D/Linear weights), with their layer type
    quantizable: Mapping[str, str] = field(default_factory=dict)
    #: keys that are buffers, not trainable parameters (known for built models only)
    buffers: frozenset[str] = frozenset()

    def __len__(self) -> int:
        return len(self.shapes)

    @property
    def elements(self) -> int:
        """Scalar values in the whole state dict: what a checkpoint of this model holds."""
        return sum(element_count(shape) for shape in self.shapes.values())

    @property
    def parameters(self) -> tuple[str, ...]:
        """Keys of trainable parameters, in state-dict order (every key when buffers are unknown)."""
        return tuple(key for key in self.shapes if key not in self.buffers)

    @property
    def parameter_elements(self) -> int:
        """Scalar values of the trainable parameters' keys."""
        return sum(element_count(self.shapes[key]) for key in self.parameters)

    def same_keys_and_shapes(self, other: Signature) -> bool:
        """Whether both list the same keys with the same shapes (what identifies a network)."""
        return dict(self.shapes) == dict(other.shapes)
