"""YAML loading that keeps every key's and value's position and rejects duplicate keys.

A plain ``yaml.safe_load`` loses positions, so diagnostics could not say where a problem is.
We build the data from the parser's events ourselves, in one pass, recording
``path → (line, column)`` as we go and refusing a text past its ``Limits`` where it passes them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import ScalarNode

from engine.errors import InputError, NotFoundError, path_text
from schemas.diagnostics import Diagnostic

__all__ = [
    "MAX_DEPTH",
    "NO_LIMITS",
    "Limits",
    "Loc",
    "Located",
    "check_limits",
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
_DECIMAL = re.compile(r"-?[1-9][0-9]{0,17}|0")
"""A plain scalar YAML resolves to an integer and Python reads alike (YAML 1.1 reads ``012``
as octal and ``1_000`` as 1000: those go through the resolver)."""

MAX_DEPTH = 64
"""The deepest nesting of mappings and sequences read; a review needs about six. Checked on
each event as it is read: PyYAML's pure-Python scanner takes time that grows with the square of
the depth (a 16 KB ``[[[…]]]`` held a worker for half a minute)."""


@dataclass(frozen=True)
class Limits:
    """The most a text may hold, checked on each event as it is read, before it is built."""

    values: int | None = None
    """Scalars, mappings and sequences in all (each key counts)."""
    keys: int | None = None
    """Keys in one mapping."""
    aliases: bool = True
    """Whether aliases are read: one can expand a small text into a huge one."""


NO_LIMITS = Limits()


_Event = Any
"""A YAML event: libyaml's marks and PyYAML's differ in type, and the stubs give events no
common fields."""


class _Refused(Exception):
    """The text is past a limit: nothing more is read."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(diagnostic.message)
        self.diagnostic = diagnostic


class _ParserError(Exception):
    """The parser could not read the text: ``error`` says why and where."""

    def __init__(self, error: yaml.YAMLError) -> None:
        super().__init__(str(error))
        self.error = error


class _JsonResolver(yaml.resolver.Resolver):
    """YAML's resolver reading every JSON number as a number (YAML 1.1 reads ``1e5`` as text)."""


_JSON_FLOAT = re.compile(r"^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?[eE][-+]?[0-9]+$")
_JsonResolver.add_implicit_resolver("tag:yaml.org,2002:float", _JSON_FLOAT, list("-0123456789"))


class _Counter:
    """Refuses a text, by raising ``_Refused``, at the event where it passes the nesting depth
    or its limits."""

    def __init__(self, file: str, limits: Limits) -> None:
        self.file = file
        self.limits = limits
        self.unlimited = limits == NO_LIMITS
        self.depth = self.values = 0
        self.entries: list[int] = []  # per open collection: keys and values (-1: a sequence)

    def count(self, event: _Event) -> None:
        kind = type(event)
        if kind is yaml.ScalarEvent and self.unlimited:
            return  # only the limits count scalars
        if kind in _CLOSING:
            self.depth -= 1
            self.entries.pop()
            return
        if kind not in _NODE:
            return
        limits = self.limits
        if kind is yaml.AliasEvent and not limits.aliases:
            raise _Refused(_at(self.file, event, "yaml-alias", _NO_ALIASES))
        self.values += 1
        if self.entries and self.entries[-1] >= 0:
            self.entries[-1] += 1
            if limits.keys is not None and self.entries[-1] > 2 * limits.keys:
                message = f"a mapping of more than {limits.keys} keys"
                raise _Refused(_at(self.file, event, "invalid-value", message))
        if limits.values is not None and self.values > limits.values:
            message = f"more than {limits.values} values (keys, items and scalars)"
            raise _Refused(_at(self.file, event, "invalid-value", message))
        if kind in _OPENING:
            self.depth += 1
            self.entries.append(0 if kind is yaml.MappingStartEvent else -1)
            if self.depth > MAX_DEPTH:
                message = f"nested more than {MAX_DEPTH} levels deep"
                raise _Refused(_at(self.file, event, "invalid-value", message))


def check_limits(text: str, file: str, limits: Limits) -> Diagnostic | None:
    """Where ``text`` passes the nesting depth or ``limits``, read on libyaml's events alone
    (a tenth of the time building takes): None when it does not, or when it cannot be read."""
    counter = _Counter(file, limits)
    try:
        for event in yaml.parse(text, Loader=yaml.CSafeLoader):
            counter.count(event)
    except _Refused as refused:
        return refused.diagnostic
    except yaml.YAMLError:
        return None
    return None


class _Builder:
    """Builds plain data from a text's YAML events in one pass, recording positions and
    checking the nesting depth and ``limits`` on each event as it is read.

    The data is what PyYAML's composer and safe constructor give: an alias is the anchored
    value again (built from the anchored events, at the anchor's place), a key that is no
    scalar, a repeated key and a value that cannot be built are reported where they stand.
    """

    def __init__(
        self,
        located: Located,
        events: Iterator[_Event],
        resolver: yaml.resolver.BaseResolver,
        limits: Limits,
    ) -> None:
        self.located = located
        self.events = events
        self.resolver = resolver
        self.scalars = SafeConstructor()
        self.replaying: list[Iterator[_Event]] = []
        self.recording: list[list[_Event]] = []
        self.anchors: dict[str, list[_Event]] = {}
        self.counter = _Counter(located.file, limits)
        self.tags: dict[tuple[str, tuple[bool, bool]], str] = {}
        self.built: dict[tuple[str, str], Any] = {}
        """Scalars built, by tag and text: each is immutable (a number, a date, True, None)."""
        self.silent = 0
        """Above 0 while building what is dropped (the value of a refused key): not recorded."""

    def document(self) -> Any:
        """The data of the text's one document (None for an empty text)."""
        self._next()  # the stream's start
        if isinstance(self._next(), yaml.StreamEndEvent):
            return None
        first = self._next()
        data = self._node(first, ())
        self._next()  # the document's end
        event = self._next()
        if not isinstance(event, yaml.StreamEndEvent):
            raise yaml.composer.ComposerError(
                "expected a single document in the stream",
                first.start_mark,
                "but found another document",
                event.start_mark,
            )
        return data

    def _next(self) -> _Event:
        if self.replaying:
            return next(self.replaying[-1])
        try:
            event = next(self.events)
        except yaml.YAMLError as exc:
            raise _ParserError(exc) from None
        for recording in self.recording:
            recording.append(event)
        self.counter.count(event)
        return event

    def _node(self, event: _Event, loc: Loc) -> Any:
        """The value that starts with ``event``, at ``loc``."""
        if isinstance(event, yaml.AliasEvent):
            return self._alias(event, loc)
        anchor = None if self.replaying else event.anchor
        if anchor is None:
            return self._value(event, loc)
        if anchor in self.anchors:
            raise yaml.composer.ComposerError(
                f"found duplicate anchor {anchor!r}; first occurrence",
                self.anchors[anchor][0].start_mark,
                "second occurrence",
                event.start_mark,
            )
        recording = [event]
        self.recording.append(recording)
        value = self._value(event, loc)
        self.recording.remove(recording)
        self.anchors[anchor] = recording
        return value

    def _alias(self, event: _Event, loc: Loc) -> Any:
        anchored = self.anchors.get(event.anchor)
        if anchored is None:
            raise yaml.composer.ComposerError(
                None, None, f"found undefined alias {event.anchor!r}", event.start_mark
            )
        self.replaying.append(iter(anchored))
        try:
            return self._node(self._next(), loc)
        finally:
            self.replaying.pop()

    def _value(self, event: _Event, loc: Loc) -> Any:
        if not self.silent:
            self.located.values[loc] = _mark(event)
        if isinstance(event, yaml.MappingStartEvent):
            return self._mapping(loc)
        if isinstance(event, yaml.SequenceStartEvent):
            items: list[Any] = []
            while not isinstance(item := self._next(), yaml.SequenceEndEvent):
                items.append(self._node(item, (*loc, len(items))))
            return items
        if event.style in ("'", '"') and not self.silent:
            self.located.quoted.add(loc)
        value = self._scalar(event)
        return None if value is _UNREADABLE else value

    def _scalar(self, event: _Event) -> Any:
        """The scalar's value; one YAML resolves to a type it cannot build (a bare ``=``) is
        reported where it stands and read as ``_UNREADABLE``.

        A timestamp that is no real date or time (``2024-13-01``) makes PyYAML raise
        ``ValueError``; it is read as its text instead, so the model checks it as it checks the
        same string in JSON: a date field reports it where it stands, a text field takes it.
        """
        tag = event.tag
        if tag is None and event.implicit[0] and _DECIMAL.fullmatch(event.value):
            return int(event.value)  # what the resolver and constructor make of it, sooner
        if tag is None or tag == "!":
            tag = self._resolve(event.value, event.implicit)
        if tag == _STR:  # most values: text needs no constructor
            return event.value
        built = self.built.get((tag, event.value), _UNREADABLE)
        if built is not _UNREADABLE:
            return built
        node = ScalarNode(tag, event.value, event.start_mark, event.end_mark, event.style)
        try:
            built = self.built[tag, event.value] = self.scalars.construct_object(node, deep=True)
            return built
        except (ValueError, yaml.constructor.ConstructorError) as exc:
            self.scalars.recursive_objects.clear()
            if isinstance(exc, ValueError) and tag == _INT:
                message = f"{node.value[:20]}… is a number of more than 4,300 digits"
                self._report(event, "invalid-value", message)
                return _UNREADABLE
            if isinstance(exc, ValueError):
                return node.value
            message = f"{node.value!r} cannot be read as a value: quote it"
            self._report(event, "yaml-syntax", message)
            return _UNREADABLE

    def _resolve(self, value: str, implicit: tuple[bool, bool]) -> str:
        """The tag YAML gives an untagged scalar (a text repeats its values: asked once each)."""
        tag = self.tags.get((value, implicit))
        if tag is None:
            tag = self.tags[value, implicit] = self.resolver.resolve(  # type: ignore[no-untyped-call]
                ScalarNode, value, implicit
            )
        return tag

    def _key(self, event: _Event) -> tuple[Any, _Event]:
        """A key's value (``_UNREADABLE`` when it is none) and the event that starts it."""
        if isinstance(event, yaml.AliasEvent) and event.anchor in self.anchors:
            start = self.anchors[event.anchor][0]
        else:
            start = event
        if start is event and isinstance(event, yaml.ScalarEvent):
            return self._scalar(event), start
        if isinstance(start, yaml.ScalarEvent):  # an alias of a scalar
            self.silent += 1
            try:
                return self._alias(event, ()), start
            finally:
                self.silent -= 1
        self._skip(event)
        self._report(start, "wrong-type", "mapping keys must be plain scalars")
        return _UNREADABLE, start

    def _mapping(self, loc: Loc) -> dict[Any, Any]:
        result: dict[Any, Any] = {}
        while not isinstance(event := self._next(), yaml.MappingEndEvent):
            key, start = self._key(event)
            value = self._next()
            if key is _UNREADABLE:
                self._skip(value)
                continue
            if key in result:
                if not self.silent:
                    first_line = self.located.keys[(*loc, key)][0]
                    message = f"key {key!r} already appears on line {first_line}"
                    self._report(start, "duplicate-key", message)
                self._skip(value)
                continue
            if not self.silent:
                self.located.keys[(*loc, key)] = _mark(start)
            result[key] = self._node(value, (*loc, key))
        return result

    def _skip(self, event: _Event) -> None:
        """Read the value that starts with ``event`` without keeping it (its anchors count)."""
        self.silent += 1
        try:
            self._node(event, ())
        finally:
            self.silent -= 1

    def _report(self, event: _Event, code: str, message: str) -> None:
        if not self.silent:
            self.located.diagnostics.append(_at(self.located.file, event, code, message))


_NO_ALIASES = "YAML aliases are not accepted"


def _mark(event: _Event) -> tuple[int, int]:
    mark = event.start_mark
    return (mark.line + 1, mark.column + 1) if mark else (1, 1)


def _at(file: str, event: _Event, code: str, message: str) -> Diagnostic:
    line, column = _mark(event)
    return Diagnostic(file=file, line=line, column=column, code=code, message=message)


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
_OPENING = frozenset({yaml.MappingStartEvent, yaml.SequenceStartEvent})
_CLOSING = frozenset({yaml.MappingEndEvent, yaml.SequenceEndEvent})
_NODE = frozenset({yaml.ScalarEvent, yaml.AliasEvent, *_OPENING})


def _read(
    text: str, file: str, loader: type[Any], resolver: yaml.resolver.BaseResolver, limits: Limits
) -> Located:
    """The located data of ``text`` read with ``loader``'s parser; ``_ParserError`` when the
    parser cannot read it."""
    located = Located(file=file, data=None)
    builder = _Builder(located, iter(yaml.parse(text, Loader=loader)), resolver, limits)
    try:
        located.data = builder.document()
    except _Refused as refused:
        return Located(file=file, data=None, diagnostics=[refused.diagnostic])
    except yaml.MarkedYAMLError as exc:  # from the composing: an alias, a second document
        return Located(file=file, data=None, diagnostics=[_syntax_problem(text, file, exc)])
    return located


def _syntax_problem(text: str, file: str, exc: yaml.YAMLError) -> Diagnostic:
    if isinstance(exc, yaml.reader.ReaderError):  # a character YAML does not accept, U+FFFE
        before = text[: exc.position]
        line, column = before.count("\n") + 1, exc.position - (before.rfind("\n") + 1) + 1
        shown = f"U+{exc.character:04X}" if isinstance(exc.character, int) else exc.character
        message = f"character {shown!s} is not allowed in YAML: {exc.reason}"
        return Diagnostic(file=file, line=line, column=column, code="yaml-syntax", message=message)
    assert isinstance(exc, yaml.MarkedYAMLError)
    mark = exc.problem_mark or exc.context_mark
    line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    message = " ".join(str(p) for p in (exc.context, exc.problem) if p)
    return Diagnostic(file=file, line=line, column=column, code="yaml-syntax", message=message)


def load_yaml_text(
    text: str, file: str, *, json_numbers: bool = False, limits: Limits = NO_LIMITS
) -> Located:
    """Parse ``text``; syntax and duplicate-key problems land in ``.diagnostics``, as does a
    text nested deeper than ``MAX_DEPTH`` or past ``limits`` (then nothing is built).

    Read in one pass over libyaml's events (about fifteen times faster than PyYAML's own
    parser, with the same marks); a text libyaml refuses is read again by PyYAML, so the
    problem is reported in PyYAML's words and place.

    ``json_numbers``: the text is JSON, whose numbers are numbers however they are written
    (``1e5`` too), as a JSON reader would have them."""
    resolver = _JSON_RESOLVER if json_numbers else _YAML_RESOLVER
    try:
        return _read(text, file, yaml.CSafeLoader, resolver, limits)
    except _ParserError as refused:
        # libyaml scans flow collections ahead and stops at its own limit (1,000 levels)
        # before the events reach ours: the place is where the brackets pass ours
        if "nesting depth" in str(refused.error):
            located = Located(file=file, data=None)
            where = _where_brackets_pass(text, MAX_DEPTH)
            located.diagnostics.append(_nested_too_deep(file, where))
            return located
    try:
        return _read(text, file, yaml.SafeLoader, resolver, limits)
    except _ParserError as refused:
        located = Located(file=file, data=None)
        located.diagnostics.append(_syntax_problem(text, file, refused.error))
        return located


_YAML_RESOLVER = yaml.resolver.Resolver()
_JSON_RESOLVER = _JsonResolver()


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
