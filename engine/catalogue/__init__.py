"""Catalogue: frameworks loaded from ``rules/<id>/framework.yaml``, their statement trees and
cumulative stage requirements. The first step of a case; imports nothing else of the engine."""

from __future__ import annotations

from engine.catalogue.frameworks import Catalogue, default_rules_dir, load_framework
from engine.catalogue.stages import ancestors, find_stage, modality_rank, stage_requirement
from engine.catalogue.tree import TreeIndex, walk

__all__ = [
    "Catalogue",
    "TreeIndex",
    "ancestors",
    "default_rules_dir",
    "find_stage",
    "load_framework",
    "modality_rank",
    "stage_requirement",
    "walk",
]
