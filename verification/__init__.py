"""Verbatim's verification engine: pure Python, no web framework, no database.

Inputs and outputs are the dataclasses in :mod:`verification.model`; the
service, the bulk jobs, the CLI and the benchmarks all call the same functions.
"""
from .model import CanonicalQuote, Claim, FieldCheck, Issue, Match, SpeakerRef, TextMatch, Verdict

__all__ = [
    "CanonicalQuote",
    "Claim",
    "FieldCheck",
    "Issue",
    "Match",
    "SpeakerRef",
    "TextMatch",
    "Verdict",
]
