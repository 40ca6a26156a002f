"""The condition mini-language: ``FIELD OP OPERAND``, parsed by hand, never evaluated as code."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

__all__ = ["OPERATORS", "Condition", "ConditionError", "Operand", "parse_condition"]

OPERATORS = ("==", "!=", "<=", ">=", "<", ">", "in", "not-in")
Scalar = int | float | bool | str
_TOKEN = re.compile(r"\s*(\[[^\]]*\]|'[^']*'|\"[^\"]*\"|\S+)")
_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
_NAME = re.compile(r"^[a-z_][a-z0-9_]*$")
_REF = re.compile(r"^([a-z][a-z0-9-]*)\.([a-z_][a-z0-9_]*)$")


class ConditionError(ValueError):
    """A condition that does not parse; ``offset`` is where in the string the problem starts."""

    def __init__(self, code: str, message: str, offset: int) -> None:
        super().__init__(message)
        self.code = code
        self.offset = offset


@dataclass(frozen=True)
class Operand:
    """The right-hand side: a literal, a list of literals, a parameter or another fact's field."""

    kind: Literal["literal", "list", "param", "ref"]
    value: Scalar | tuple[Scalar, ...] = ""
    name: str = ""  # parameter name, or the alias of a ref
    field: str = ""  # the field of a ref
    offset: int = 0


@dataclass(frozen=True)
class Condition:
    """A parsed condition and where its parts start within the source string."""

    field: str
    op: str
    operand: Operand
    op_offset: int


def parse_condition(text: str) -> Condition:
    """Parse ``"ratio >= param.min"``; raise ``ConditionError`` saying what is wrong and where."""
    tokens = [(m.group(1), m.start(1)) for m in _TOKEN.finditer(text)]
    if len(tokens) != 3:
        raise ConditionError(
            "bad-condition", f"expected 'FIELD OP OPERAND', got {len(tokens)} part(s)", 0
        )
    (field, _), (op, op_offset), (operand_text, operand_offset) = tokens
    if not _NAME.match(field):
        raise ConditionError("bad-condition", f"{field!r} is not a field name", 0)
    if op not in OPERATORS:
        allowed = " ".join(OPERATORS)
        raise ConditionError(
            "unknown-operator", f"unknown operator {op!r} (use {allowed})", op_offset
        )
    operand = _operand(operand_text, operand_offset)
    if (operand.kind == "list") != (op in ("in", "not-in")):
        raise ConditionError(
            "bad-condition",
            f"'{op}' needs {'a list' if op in ('in', 'not-in') else 'one value'}",
            operand_offset,
        )
    if operand.kind == "list" and not operand.value:
        if op == "in":
            message = "the empty list matches no value, so the rule can never fire"
            raise ConditionError("never-fires", message, operand_offset)
        message = "the empty list excludes nothing; leave the condition out"
        raise ConditionError("bad-condition", message, operand_offset)
    return Condition(field=field, op=op, operand=operand, op_offset=op_offset)


def _operand(text: str, offset: int) -> Operand:
    if text.startswith("["):
        items = [part.strip() for part in text[1:-1].split(",") if part.strip()]
        return Operand(kind="list", value=tuple(_literal(item) for item in items), offset=offset)
    if text.startswith("param."):
        return Operand(kind="param", name=text.removeprefix("param."), offset=offset)
    if (ref := _REF.match(text)) and not _NUMBER.match(text):
        return Operand(kind="ref", name=ref.group(1), field=ref.group(2), offset=offset)
    return Operand(kind="literal", value=_literal(text), offset=offset)


def _literal(text: str) -> Scalar:
    if text[:1] in ("'", '"') and text[-1:] == text[:1] and len(text) >= 2:
        return text[1:-1]
    if text in ("true", "false"):
        return text == "true"
    if _NUMBER.match(text):
        return float(text) if "." in text else int(text)
    return text
