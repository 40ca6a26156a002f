"""A review's canonical JSON, the bytes its input hash seals, written without a dict in between.

The canonical form is ``json.dumps(review.model_dump(mode="json"), sort_keys=True,
separators=(",", ":"))``: keys sorted, no spaces, non-ASCII escaped. ``canonical_json`` writes
exactly those characters straight from the typed model, several times faster. Ids, slugs and
literals are written without escaping and checked afterwards in one pass; a review holding
anything the fast writer does not expect (a value of another type, or a character in an id that
JSON escapes) is written by the general encoder instead, so the result is the same for every
review, however it was built.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Iterable, Sequence
from itertools import accumulate, chain, repeat
from json.encoder import encode_basestring_ascii
from operator import attrgetter
from typing import TypeVar, cast

from schemas.review import AbsencePeriod, Circumstances, EvidenceItem, Objective, Review

__all__ = ["TagFields", "canonical_json", "general_canonical_json", "tag_fields"]

T = TypeVar("T")

_SEQUENCES = {tuple, list}  # dumped alike as a JSON array
_PLAIN = bytes(c for c in range(0x20, 0x7F) if chr(c) not in '"\\')
"""Printable ASCII but a quote or a backslash: written by ``json.dumps`` as it is."""

_item_fields = attrgetter("date", "id", "impact", "kind", "note", "recorded_by", "tags")
_tag_fields = attrgetter("modality", "polarity", "statement")
_tags = attrgetter("tags")
TagFields = tuple[object, object, object]
"""A tag's (modality, polarity, statement): strings in a validated review, anything in another."""


class _Unusual(Exception):
    """The review holds a value the fast writer leaves to the general encoder."""


def general_canonical_json(review: Review) -> str:
    """The canonical JSON by definition: the model dumped to JSON values, then encoded."""
    return json.dumps(review.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))


def tag_fields(review: Review) -> list[TagFields]:
    """Every tag's (modality, polarity, statement), in the review's order: what the canonical
    JSON writes of the tags, and what a draft cites, read once for both."""
    return list(map(_tag_fields, chain.from_iterable(map(_tags, review.evidence))))


def canonical_json(review: Review, tags: list[TagFields] | None = None) -> str:
    """The same text as ``general_canonical_json``, written from the typed model; ``tags`` are
    its ``tag_fields`` when the caller has read them already."""
    if type(review) is not Review:  # a subclass may add fields: only the model dump knows them
        return general_canonical_json(review)
    plain: list[str] = []  # every string written unescaped, checked once at the end
    try:
        text = _review(review, plain, tags)
        if _is_plain("".join(plain)):
            return text
    except (_Unusual, AttributeError, TypeError):
        pass
    return general_canonical_json(review)


def _is_plain(text: str) -> bool:
    return text.isascii() and not text.encode("ascii").translate(None, _PLAIN)


def _review(review: Review, plain: list[str], tags: list[TagFields] | None) -> str:
    plain += (review.framework, *_optional(review.ruleset, review.stage, review.appraiser_rating))
    return (
        f'{{"appraiser":{_text(review.appraiser)},'
        f'"appraiser_rating":{_id_or_null(review.appraiser_rating)},'
        f'"circumstances":{_circumstances(review.circumstances, plain)},'
        f'"conduct":{{"concern":{_bool(review.conduct.concern)},'
        f'"note":{_text_or_null(review.conduct.note)}}},'
        f'"cycle_end":"{_date(review.cycle_end)}","cycle_start":"{_date(review.cycle_start)}",'
        f'"evidence":[{_evidence(_seq(review.evidence), plain, tags)}],'
        f'"framework":"{review.framework}",'
        f'"objectives":[{",".join([_objective(o, plain) for o in _seq(review.objectives)])}],'
        f'"ruleset":{_id_or_null(review.ruleset)},"stage":{_id_or_null(review.stage)},'
        f'"subject":{_text(review.subject)}}}'
    )


def _evidence(
    items: Sequence[EvidenceItem], plain: list[str], fields: list[TagFields] | None
) -> str:
    """The evidence array's items: most of a review, so written column by column.

    Each column (dates, ids, ...; every tag's fields) is read by mapping a builtin over all the
    items, and each item and tag is then one f-string: Python runs once per item and per tag,
    never per field (a ``%`` per item, or one over the whole array, took about a third longer).
    """
    if not items:
        return ""
    dates, ids, impacts, kinds, notes, recorders, tags = zip(*map(_item_fields, items), strict=True)
    if set(map(type, dates)) != {dt.date}:  # a datetime would dump with its time
        raise _Unusual(dates)
    if not set(map(type, tags)) <= _SEQUENCES:
        raise _Unusual(tags)
    if fields is None:
        fields = list(map(_tag_fields, chain.from_iterable(tags)))
    written = _written_tags(fields)
    plain += ("".join(ids), "".join(kinds))
    ends = list(accumulate(map(len, tags)))
    columns = zip(
        map(dt.date.isoformat, dates),
        ids,
        _texts_or_null(impacts),
        kinds,
        _texts_or_null(notes),
        _texts(recorders),
        [0, *ends[:-1]],
        ends,
        strict=True,
    )
    return ",".join(
        [
            f'{{"date":"{date}","id":"{eid}","impact":{impact},"kind":"{kind}","note":{note},'
            f'"recorded_by":{recorder},"tags":[{",".join(written[start:end])}]}}'
            for date, eid, impact, kind, note, recorder, start, end in columns
        ]
    )


_WRITTEN_TAGS: dict[TagFields, str] = {}
"""(modality, polarity, statement) → the tag written, for tags of plain strings only. Reviews
tag the statements of a handful of frameworks, so after the first few nearly every tag is a
lookup rather than a check and a format."""
_TAGS_KEPT = 100_000  # then the table starts afresh rather than growing


def _written_tags(fields: list[TagFields]) -> list[str]:
    """Each tag's JSON, looked up by its fields or written (and kept) when new."""
    found = list(map(_WRITTEN_TAGS.get, fields))
    if None in found:
        return [text or _write_tag(tag) for text, tag in zip(found, fields, strict=True)]
    return cast(list[str], found)


def _write_tag(fields: TagFields) -> str:
    modality, polarity, statement = fields
    if type(modality) is not str or type(polarity) is not str or type(statement) is not str:
        raise _Unusual(fields)  # a concern without its modality, or a value of another type
    if not _is_plain(modality + polarity + statement):
        raise _Unusual(fields)
    text = f'{{"modality":"{modality}","polarity":"{polarity}","statement":"{statement}"}}'
    if len(_WRITTEN_TAGS) >= _TAGS_KEPT:
        _WRITTEN_TAGS.clear()
    _WRITTEN_TAGS[fields] = text
    return text


def _texts(values: tuple[str, ...]) -> Iterable[str]:
    """Free text, each escaped as ``json.dumps`` escapes it."""
    if set(map(type, values)) != {str}:
        raise _Unusual(values)
    return map(encode_basestring_ascii, values)


def _texts_or_null(values: tuple[str | None, ...]) -> Iterable[str]:
    """Optional free text, mostly absent: a column with none is written without a call per item."""
    if values.count(None) == len(values):
        return repeat("null", len(values))
    return map(_text_or_null, values)


def _objective(objective: Objective, plain: list[str]) -> str:
    evidence, standards = _seq(objective.evidence), _seq(objective.standards)
    plain += (objective.id, objective.outcome, *evidence, *standards)
    return (
        f'{{"evidence":[{_ids(evidence)}],"id":"{objective.id}",'
        f'"outcome":"{objective.outcome}","standards":[{_ids(standards)}],'
        f'"text":{_text(objective.text)}}}'
    )


def _circumstances(year: Circumstances, plain: list[str]) -> str:
    return (
        f'{{"absences":[{",".join([_absence(a, plain) for a in _seq(year.absences)])}],'
        f'"in_capability":{_bool(year.in_capability)},"in_induction":{_bool(year.in_induction)},'
        f'"part_time_fraction":{_float(year.part_time_fraction)}}}'
    )


def _absence(period: AbsencePeriod, plain: list[str]) -> str:
    plain.append(period.type)
    return f'{{"end":"{_date(period.end)}","start":"{_date(period.start)}","type":"{period.type}"}}'


def _seq(values: Sequence[T]) -> Sequence[T]:
    """A tuple or list (dumped alike as a JSON array); anything else is left to the encoder."""
    if type(values) is not tuple and type(values) is not list:
        raise _Unusual(values)
    return values


def _ids(values: Iterable[str]) -> str:
    return ",".join([f'"{value}"' for value in values])


def _optional(*values: str | None) -> list[str]:
    return [value for value in values if value is not None]


def _id_or_null(value: str | None) -> str:
    return "null" if value is None else f'"{value}"'


def _text(value: str) -> str:
    if type(value) is not str:
        raise _Unusual(value)
    return encode_basestring_ascii(value)


def _text_or_null(value: str | None) -> str:
    return "null" if value is None else _text(value)


def _date(value: dt.date) -> str:
    if type(value) is not dt.date:  # a datetime would dump with its time
        raise _Unusual(value)
    return value.isoformat()


def _bool(value: bool) -> str:
    if type(value) is not bool:
        raise _Unusual(value)
    return "true" if value else "false"


def _float(value: float) -> str:
    """``json.dumps`` writes a finite float as its ``repr``."""
    if type(value) is not float or not math.isfinite(value):
        raise _Unusual(value)
    return repr(value)
