"""Regenerate the statements of rules/hampshire/framework.yaml from the Hampshire seed document.

The seed is a grid flattened to text: each cell starts on a line beginning with a tab, and a
cell's bullets start with "-". A line inside a cell that does not start with "-" continues the
bullet before it (page-break fragments), except a capitalised line after a blank line, which is
a bullet whose dash the extraction lost (Standard 6.3, UPR 1). Everything else in the framework
file (scale, stages, conduct, notes) is written by hand in ``scripts/hampshire_head.yaml``.

Usage: python scripts/transcribe_hampshire.py ../shared/seeds/001_b31ebe141179f5be.txt
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import yaml

SEED = "001_b31ebe141179f5be.txt"
STAGES = ["ect1", "ect2", "mpr", "upr1", "upr2-3", "lp", "adh"]
STAGE_LABELS = [
    "ECT 1",
    "ECT 2",
    "MPR",
    "UPR 1",
    "UPR 2/3",
    "Leading Practitioner",
    "Assistant/Deputy Head",
]
SUB_HEADING = re.compile(r"^Standard:? ?(\d)\.(\d)[:.]? ?(.*)$")
STANDARD_HEADING = re.compile(r"^Standard (\d): (.*?):?$")


def parse(text: str) -> tuple[list[dict], list[dict]]:
    """The standards tree and the statements, in source order."""
    standards: list[dict] = []
    statements: list[dict] = []
    sub: dict | None = None
    cells: list[list[str]] = []

    def flush() -> None:
        if sub is not None:
            statements.extend(_statements(sub, cells))

    for line in text.split("\n"):
        stripped = line.strip()
        if line.startswith("\t") and (m := STANDARD_HEADING.match(stripped)):
            flush()
            sub, cells = None, []
            standards.append(
                _node(f"ts.{m[1]}", "standard", m[1], m[2].strip(), f"Standard {m[1]}")
            )
        elif line.startswith("\t") and (m := SUB_HEADING.match(stripped)):
            flush()
            number = f"{m[1]}.{m[2]}"
            sub = _node(f"ts.{number}", "sub-standard", number, m[3].strip(), f"Standard {number}")
            standards[-1]["children"].append(sub)
            cells = []
        elif line.startswith("\t") and "Career Stage" in stripped:
            flush()
            sub, cells = None, []
        elif sub is not None and line.startswith("\t"):
            cells.append([line[1:]])
        elif sub is not None and cells:
            cells[-1].append(line)
        elif sub is not None and stripped and not sub["title"]:
            sub["title"] = stripped
    flush()
    for standard in standards:
        for child in standard["children"]:
            child.pop("children")
    return standards, statements


def _node(ident: str, kind: str, number: str, title: str, where: str) -> dict:
    return {
        "id": ident,
        "kind": kind,
        "number": number,
        "title": title,
        "citation": f"{SEED}: {where}",
        "children": [],
    }


def _statements(sub: dict, cells: list[list[str]]) -> list[dict]:
    result = []
    for stage, label, cell in zip(STAGES, STAGE_LABELS, cells, strict=False):
        for n, text in enumerate(_bullets(cell), start=1):
            result.append(
                {
                    "id": f"{sub['id']}.{stage}.{n}",
                    "text": text,
                    "under": sub["id"],
                    "stage": stage,
                    "citation": f"{SEED}: Standard {sub['number']}, {label}, bullet {n}",
                }
            )
    return result


def _bullets(cell: list[str]) -> list[str]:
    bullets: list[str] = []
    after_blank = False
    for raw in cell:
        line = raw.strip()
        if not line:
            after_blank = True
            continue
        starts_new = line.startswith("-") or (after_blank and line[0].isupper() and bullets)
        if starts_new or not bullets:
            bullets.append(line.lstrip("-").strip())
        else:
            joiner = "" if bullets[-1].endswith("/") else " "
            bullets[-1] = bullets[-1] + joiner + line
        after_blank = False
    return [re.sub(r"\s+", " ", b).strip() for b in bullets]


def main(seed: str) -> None:
    root = Path(__file__).resolve().parents[1]
    standards, statements = parse(Path(seed).read_text(encoding="utf-8"))
    head = (root / "scripts" / "hampshire_head.yaml").read_text(encoding="utf-8")
    body = yaml.safe_dump(
        {"standards": standards, "statements": statements},
        sort_keys=False,
        allow_unicode=True,
        width=100,
    )
    target = root / "rules" / "hampshire" / "framework.yaml"
    target.write_text(head.rstrip("\n") + "\n" + body, encoding="utf-8")
    print(f"{target}: {len(standards)} standards, {len(statements)} statements")


if __name__ == "__main__":
    main(sys.argv[1])
