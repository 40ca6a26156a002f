"""YAML loading that keeps every key's and value's position and rejects duplicate keys.

A plain ``yaml.safe_load`` loses positions, so diagnostics could not say where a problem is.
We compose the node graph ourselves and record ``path → (line, column)`` as we build data.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from engine.errors import InputError, NotFoundError, path_text
from schemas.diagnostics import Diagnostic

__all__ = [
    "MAX_DEPTH",
    "NO_LIMITS",
    "Limits",
    "Loc",
    "Located",
    "load_yaml_file",
    "load_yaml_text",
    "path_text",
    "read_text",
]

Loc = tuple[str | int, ...]
"""A path into loaded data, e.g. ``("stages", 2, "clause", "builds_on", 0, "stage")``."""


@dataclass
class Located:
    """Loaded YAML data with the position of every value and mapping key in it."""

    file: str
    data: Any
    values: dict[Loc, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Loc, tuple[int, int]] = field(default_factory=dict)
    quoted: set[Loc] = field(default_factory=set)
    """Values written in quotes: their text starts one column after their position."""
    diagnostics: list[Diagnostic] = field(default_factory=list)

    def where(self, loc: Iterable[str | int], *, key: bool = False) -> tuple[int, int]:
        """The 1-based (line, column) of ``loc``, or of its nearest located ancestor."""
        path = tuple(loc)
        if key and path in self.keys:
            return self.keys[path]
        while path and path not in self.values:
            path = path[:-1]
        return self.values.get(path, (1, 1))

    def diagnostic(
        self,
        loc: Iterable[str | int],
        code: str,
        message: str,
        *,
        key: bool = False,
        offset: int | None = None,
    ) -> Diagnostic:
        """A diagnostic at ``loc``, or ``offset`` characters into its text (e.g. a condition)."""
        path = tuple(loc)
        line, column = self.where(path, key=key)
        if offset is not None:
            column += offset + (path in self.quoted)
        return Diagnostic(
            file=self.file,
            line=line,
            column=column,
            code=code,
            message=message,
            path=path_text(path),
        )


_UNREADABLE = object()
_INT = "tag:yaml.org,2002:int"
_STR = "tag:yaml.org,2002:str"


class _Builder:
    """Turns a composed node graph into plain data, recording positions on the way."""

    def __init__(self, located: Located) -> None:
        self.located = located
        self.scalars = SafeConstructor()

    def build(self, node: Node, loc: Loc) -> Any:
        self.located.values[loc] = _position(node)
        if isinstance(node, MappingNode):
            return self._mapping(node, loc)
        if isinstance(node, SequenceNode):
            return [self.build(item, (*loc, i)) for i, item in enumerate(node.value)]
        if isinstance(node, ScalarNode) and node.style in ("'", '"'):
            self.located.quoted.add(loc)
        if node.tag == _STR:  # most values: text needs no constructor
            return node.value
        value = self._scalar(node)
        return None if value is _UNREADABLE else value

    def _scalar(self, node: Node) -> Any:
        """The scalar's value; one YAML resolves to a type it cannot build (a bare ``=``) is
        reported where it stands and read as ``_UNREADABLE``.

        A timestamp that is no real date or time (``2024-13-01``) makes PyYAML raise
        ``ValueError``; it is read as its text instead, so the model checks it as it checks the
        same string in JSON: a date field reports it where it stands, a text field takes it.
        """
        try:
            return self.scalars.construct_object(node, deep=True)
        except (ValueError, yaml.constructor.ConstructorError) as exc:
            # a failed node stays marked as under construction: an alias of it would be refused
            self.scalars.recursive_objects.clear()
            if isinstance(exc, ValueError) and node.tag == _INT:
                message = f"{node.value[:20]}… is a number of more than 4,300 digits"
                self._report(node, "invalid-value", message)
                return _UNREADABLE
            if isinstance(exc, ValueError) and isinstance(node, ScalarNode):
                return node.value
            shown = node.value if isinstance(node, ScalarNode) else node.tag
            self._report(node, "yaml-syntax", f"{shown!r} cannot be read as a value: quote it")
            return _UNREADABLE

    def _mapping(self, node: MappingNode, loc: Loc) -> dict[Any, Any]:
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = self._scalar(key_node)
            if key is _UNREADABLE:
                continue
            if not isinstance(key_node, ScalarNode) or isinstance(key, (list, dict)):
                self._report(key_node, "wrong-type", "mapping keys must be plain scalars")
                continue
            if key in result:
                first_line = self.located.keys[(*loc, key)][0]
                self._report(
                    key_node, "duplicate-key", f"key {key!r} already appears on line {first_line}"
                )
                continue
            self.located.keys[(*loc, key)] = _position(key_node)
            result[key] = self.build(value_node, (*loc, key))
        return result

    def _report(self, node: Node, code: str, message: str) -> None:
        line, column = _position(node)
        self.located.diagnostics.append(
            Diagnostic(file=self.located.file, line=line, column=column, code=code, message=message)
        )


def _position(node: Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


MAX_DEPTH = 64
"""The deepest nesting of mappings and sequences read; a review needs about six. Checked on
libyaml's event stream before anything is built: PyYAML's pure-Python scanner takes time that
grows with the square of the depth (a 16 KB ``[[[…]]]`` held a worker for half a minute)."""


@dataclass(frozen=True)
class Limits:
    """The most a text may hold, checked on libyaml's events before anything is built."""

    values: int | None = None
    """Scalars, mappings and sequences in all (each key counts)."""
    keys: int | None = None
    """Keys in one mapping."""


NO_LIMITS = Limits()


def _over_limits(text: str, file: str, limits: Limits) -> Diagnostic | None:
    """A diagnostic where the nesting first passes ``MAX_DEPTH`` or the text passes ``limits``;
    None when it does not, or when the text has a syntax error first (reported by the parse
    that follows)."""
    depth = values = 0
    entries: list[int] = []  # per open collection: its keys and values so far (-1: a sequence)
    try:
        for event in yaml.parse(text, Loader=yaml.CSafeLoader):
            if isinstance(event, _CLOSING):
                depth -= 1
                entries.pop()
                continue
            if not isinstance(event, _NODE):
                continue
            values += 1
            if entries and entries[-1] >= 0:
                entries[-1] += 1
                if limits.keys is not None and entries[-1] > 2 * limits.keys:
                    return _over(file, event, f"a mapping of more than {limits.keys} keys")
            if limits.values is not None and values > limits.values:
                message = f"more than {limits.values} values (keys, items and scalars)"
                return _over(file, event, message)
            if isinstance(event, _OPENING):
                depth += 1
                entries.append(0 if isinstance(event, yaml.MappingStartEvent) else -1)
                if depth > MAX_DEPTH:
                    return _over(file, event, f"nested more than {MAX_DEPTH} levels deep")
    except yaml.YAMLError as exc:
        # libyaml scans flow collections ahead and stops at its own limit (1,000 levels)
        # before the events reach ours: the place is where the brackets pass ours
        if "nesting depth" in str(exc):
            return _nested_too_deep(file, _where_brackets_pass(text, MAX_DEPTH))
    return None


def _over(file: str, event: yaml.Event, message: str) -> Diagnostic:
    mark = event.start_mark
    line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    return Diagnostic(file=file, line=line, column=column, code="invalid-value", message=message)


def _nested_too_deep(file: str, where: tuple[int, int]) -> Diagnostic:
    message = f"nested more than {MAX_DEPTH} levels deep"
    line, column = where
    return Diagnostic(file=file, line=line, column=column, code="invalid-value", message=message)


def _where_brackets_pass(text: str, depth: int) -> tuple[int, int]:
    """The (line, column) of the first ``[`` or ``{`` more than ``depth`` brackets deep."""
    level = 0
    for match in _BRACKET.finditer(text):
        level += 1 if match.group() in "[{" else -1
        if level > depth:
            before = text[: match.start()]
            return before.count("\n") + 1, match.start() - (before.rfind("\n") + 1) + 1
    return 1, 1


_BRACKET = re.compile(r"[\[\]{}]")
_OPENING = (yaml.MappingStartEvent, yaml.SequenceStartEvent)
_CLOSING = (yaml.MappingEndEvent, yaml.SequenceEndEvent)
_NODE = (yaml.ScalarEvent, yaml.AliasEvent, *_OPENING)


class _JsonCSafeLoader(yaml.CSafeLoader):
    """libyaml's loader reading every JSON number as a number (YAML 1.1 reads ``1e5`` as text)."""


class _JsonSafeLoader(yaml.SafeLoader):
    """PyYAML's loader reading every JSON number as a number."""


_JSON_FLOAT = re.compile(r"^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?[eE][-+]?[0-9]+$")
for _loader in (_JsonCSafeLoader, _JsonSafeLoader):
    _loader.add_implicit_resolver("tag:yaml.org,2002:float", _JSON_FLOAT, list("-0123456789"))


def _compose(text: str, *, json_numbers: bool) -> Node | None:
    """The node graph, composed by libyaml (about fifteen times faster than PyYAML's own
    parser, with the same marks); a text libyaml refuses is parsed again by PyYAML, so the
    problem is reported in PyYAML's words and place, as before (the depth was checked first)."""
    fast, own = (_JsonCSafeLoader, _JsonSafeLoader) if json_numbers else _YAML_LOADERS
    try:
        node: Node | None = yaml.compose(text, Loader=fast)
    except yaml.YAMLError:
        node = yaml.compose(text, Loader=own)
    return node


_YAML_LOADERS = (yaml.CSafeLoader, yaml.SafeLoader)


def load_yaml_text(
    text: str, file: str, *, json_numbers: bool = False, limits: Limits = NO_LIMITS
) -> Located:
    """Parse ``text``; syntax and duplicate-key problems land in ``.diagnostics``, as does a
    text nested deeper than ``MAX_DEPTH`` or past ``limits`` (then nothing is built).

    ``json_numbers``: the text is JSON, whose numbers are numbers however they are written
    (``1e5`` too), as a JSON reader would have them."""
    located = Located(file=file, data=None)
    over = _over_limits(text, file, limits)
    if over is not None:
        located.diagnostics.append(over)
        return located
    try:
        node = _compose(text, json_numbers=json_numbers)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        message = " ".join(str(p) for p in (exc.context, exc.problem) if p)
        located.diagnostics.append(
            Diagnostic(file=file, line=line, column=column, code="yaml-syntax", message=message)
        )
        return located
    except yaml.reader.ReaderError as exc:  # a character YAML does not accept, e.g. U+FFFE
        before = text[: exc.position]
        line, column = before.count("\n") + 1, exc.position - (before.rfind("\n") + 1) + 1
        shown = f"U+{exc.character:04X}" if isinstance(exc.character, int) else exc.character
        message = f"character {shown!s} is not allowed in YAML: {exc.reason}"
        located.diagnostics.append(
            Diagnostic(file=file, line=line, column=column, code="yaml-syntax", message=message)
        )
        return located
    if node is not None:
        located.data = _Builder(located).build(node, ())
    return located


def load_yaml_file(path: Path) -> Located:
    """Read and parse a YAML file, named in diagnostics relative to the working directory."""
    return load_yaml_text(read_text(path), _display(path))


def read_text(path: Path) -> str:
    """A file's UTF-8 text; ``NotFoundError`` if it cannot be read, ``InputError`` if not UTF-8."""
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        message = f"the file is not UTF-8 text ({exc.reason} at byte {exc.start})"
        diagnostic = Diagnostic(
            file=_display(path), line=1, column=1, code="yaml-syntax", message=message
        )
        raise InputError([diagnostic]) from exc
    except OSError as exc:
        raise NotFoundError(f"cannot read {path}: {exc.strerror}") from exc


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)
