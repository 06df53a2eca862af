"""The protobuf wire format, enough to walk a paddle 2 `model.pdmodel` (a ProgramDesc) without
paddle or protobuf: varints and length-delimited fields, nested messages read on demand.
"""
from __future__ import annotations


def varint(data: bytes, index: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        if index >= len(data):
            raise ValueError("truncated varint")
        byte = data[index]
        index += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            return value, index
        if shift > 63:
            raise ValueError("varint too long")


def message_fields(data: bytes) -> list[tuple[int, int, object]]:
    """(field number, wire type, value) of one protobuf message: ints for varints, bytes for
    length-delimited fields."""
    found: list[tuple[int, int, object]] = []
    index = 0
    while index < len(data):
        key, index = varint(data, index)
        number, wire = key >> 3, key & 7
        value: object
        if wire == 0:
            value, index = varint(data, index)
        elif wire == 2:
            length, index = varint(data, index)
            value, index = data[index:index + length], index + length
            if index > len(data):
                raise ValueError("truncated field")
        elif wire == 1:
            value, index = data[index:index + 8], index + 8
        elif wire == 5:
            value, index = data[index:index + 4], index + 4
        else:
            raise ValueError(f"wire type {wire}")
        found.append((number, wire, value))
    return found
