"""Engine fixtures: the seed article's quotes as the engine sees them.

Built from the project's own demo data (data/demo/), the record Verbatim was
born from: Putin in Beijing on 3 September 2025, Zelenskyy in Paris on
4 September 2025.
"""
import json
from pathlib import Path

import pytest

from verification.model import CanonicalQuote, SpeakerRef

DEMO = Path(__file__).resolve().parents[2] / "data" / "demo"


def _load(name):
    with open(DEMO / name, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


@pytest.fixture(scope="session")
def seed_speakers():
    return {
        s["name"]: SpeakerRef(id=i, name=s["name"], aliases=tuple(s["aliases"]))
        for i, s in enumerate(_load("speakers.jsonl"), start=1)
    }


@pytest.fixture(scope="session")
def seed_quotes(seed_speakers):
    return [
        CanonicalQuote(
            id=i,
            text=q["text"],
            speaker=seed_speakers[q["speaker"]],
            spoken_at=q["spoken_at"],
            location=q["location"],
            event=q.get("event"),
        )
        for i, q in enumerate(_load("quotes.jsonl"), start=1)
    ]
