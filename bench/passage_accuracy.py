"""Passages: how often verdicts are right when the record is transcripts, sentence by sentence.

    python bench/passage_accuracy.py [--per-kind 200] [--seed 0] [--fold test|dev|all] [--errors [N]]

The record: the American Presidency Project documents of September 2016 that
are remarks, briefings, gaggles, debates, interviews and addresses (in
``../shared/data/speeches``), each read by the engine's transcript parser
(:func:`verification.transcripts.parse_transcript`) as the service reads a
posted transcript. Every sentence of a named speaker is a stored quote with
its position in the document; unnamed people's turns (``Q:``, ``AUDIENCE:``)
leave gaps. Text before any label is the filed author's; labels resolve by a
fixed table of the people in these documents (``MR. EARNEST`` is Josh
Earnest, ``HOLT`` Lester Holt, ...). About 19,500 sentences.

Claims, per kind (the claimed speaker is the one on record unless said):

=====================  ==========================================================  =====================
kind                   the claim                                                   right answer
=====================  ==========================================================  =====================
``passage2``           two consecutive sentences of one speaker, whole or cut      verified
                       at either end
``passage3``           three consecutive sentences, likewise                       verified
``passage_ellipsis``   pieces of two or three consecutive sentences joined by an   verified
                       ellipsis (a whole sentence, or words across the boundary,
                       left out)
``passage_edit``       a ``passage2``/``passage3`` claim with one word changed     mismatch {altered_wording}
                       (another real word, a number, "not" added or removed)
``passage_spliced``    the end of one speaker's turn and the start of the next     mismatch {spliced}
                       speaker's, in the same document
``spliced_sources``    a sentence of one speaker and one of another speaker from   not verified
                       another document
``single``             one sentence, whole or an 8+ word piece                     verified
``unrelated``          a PolitiFact statement that shares no 5-word run with the   unverified
                       record
=====================  ==========================================================  =====================

A verified answer is right only if the matched quote or passage holds the
claimed words (each ellipsis piece, in order) and is the claimed speaker's.
"False verified" counts verified answers to the edit and splice kinds and
to unrelated claims; the target is 0, and 99% right overall.

Candidates come as in the service: the retriever of ``bench/engine_accuracy.py``
(an inverted index, top 30), then for the candidates
:func:`verification.passages.expandable` names, their neighbours within
:func:`verification.passages.reach` positions, as ``Stretch`` es.

Folds: claims are drawn from documents by a hash of their title, half
``dev`` and half ``test``. The passage code was written looking at ``dev``
claims only; the figure to quote is ``test``'s.
"""
from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import random
import re
import sys
import time
import zlib
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.corpus import LIAR, SPEECHES, _one_word_edit, _TextIndex, data_dir, norm_words  # noqa: E402
from bench.engine_accuracy import Retriever  # noqa: E402
from verification.model import CanonicalQuote, Claim, SpeakerRef  # noqa: E402
from verification.passages import PassageId, Stretch, expandable, reach, verify  # noqa: E402
from verification.transcripts import label_key, parse_transcript  # noqa: E402

KINDS = ("passage2", "passage3", "passage_ellipsis", "passage_edit", "passage_spliced", "spliced_sources",
         "single", "unrelated")
UNSAFE = ("passage_edit", "passage_spliced", "spliced_sources", "unrelated")
EXPECTED = {
    "passage2": ("verified", set()), "passage3": ("verified", set()), "passage_ellipsis": ("verified", set()),
    "single": ("verified", set()), "passage_edit": ("mismatch", {"altered_wording"}),
    "passage_spliced": ("mismatch", {"spliced"}), "spliced_sources": ("not verified", set()),
    "unrelated": ("unverified", set()),
}
TITLES = ("Remarks", "Press Briefing", "Press Gaggle", "Presidential Debate", "Vice Presidential Debate",
          "Interview", "The President's Weekly Address", "Address")
# Who the labels of these documents are.
PEOPLE = {
    "mr. earnest": "Josh Earnest", "mrs. obama": "Michelle Obama", "the president": "Barack Obama",
    "president obama": "Barack Obama", "trump": "Donald Trump", "mr. trump": "Donald Trump",
    "clinton": "Hillary Clinton", "holt": "Lester Holt", "mrs. bush": "Laura Bush", "moderator": None,
}
AUTHORS = {"Donald J. Trump": "Donald Trump"}
ELLIPSES = (" \u2026 ", " ... ", "\u2026 ", " . . . ")


@dataclass(frozen=True)
class Doc:
    n: int
    title: str
    fold: str
    # Runs of (position, quote) of named speakers, in order.
    quotes: tuple[tuple[int, CanonicalQuote], ...]


@dataclass
class Case:
    kind: str
    claim: Claim
    doc: Optional[int]
    pieces: list[str] = field(default_factory=list)  # normalised words that a right match must hold, in order
    speaker: Optional[str] = None
    quote_ids: tuple[int, ...] = ()  # the quotes the claim was made from


# --- the record ---------------------------------------------------------------------------


def load_record() -> tuple[list[Doc], list[SpeakerRef]]:
    speakers: dict[str, SpeakerRef] = {}

    def ref(name: str) -> SpeakerRef:
        if name not in speakers:
            speakers[name] = SpeakerRef(id=len(speakers) + 1, name=name)
        return speakers[name]

    docs = []
    next_id = 1
    with open(data_dir() / SPEECHES, encoding="utf-8") as f:
        for n, line in enumerate(f):
            d = json.loads(line)
            if not d.get("title", "").startswith(TITLES):
                continue
            author = AUTHORS.get(d["author"], d["author"])
            t = parse_transcript(d["text"])
            quotes = []
            for turn in t.turns:
                if turn.unnamed:
                    continue
                if turn.label is None:
                    name: Optional[str] = author
                else:
                    key = label_key(turn.label)
                    name = PEOPLE[key] if key in PEOPLE else turn.label.title()
                if name is None:
                    continue
                for s in turn.sentences:
                    quotes.append((s.index + 1, CanonicalQuote(id=next_id, text=s.text, speaker=ref(name),
                                                                spoken_at=d["timestamp"][:10], event=d["title"])))
                    next_id += 1
            fold = "dev" if zlib.crc32(d["title"].encode()) % 2 == 0 else "test"
            docs.append(Doc(n, d["title"], fold, tuple(quotes)))
    return docs, list(speakers.values())


# --- claims -------------------------------------------------------------------------------


def _words(s: str) -> list[str]:
    return s.split()


def _cut(text: str, rng: random.Random, side: str, keep_min: int = 4) -> str:
    """Drop words from the start (side="start") or end of ``text``, keeping at least ``keep_min``."""
    w = _words(text)
    if len(w) <= keep_min + 2 or rng.random() < 0.5:
        return text
    k = rng.randint(1, len(w) - keep_min)
    return " ".join(w[k:]) if side == "start" else " ".join(w[:len(w) - k])


def _runs(doc: Doc) -> list[list[tuple[int, CanonicalQuote]]]:
    """Consecutive positions of one speaker."""
    out: list[list[tuple[int, CanonicalQuote]]] = []
    for pos, q in doc.quotes:
        if out and out[-1][-1][0] == pos - 1 and out[-1][-1][1].speaker == q.speaker:
            out[-1].append((pos, q))
        else:
            out.append([(pos, q)])
    return out


def _ok_sentence(q: CanonicalQuote) -> bool:
    w = norm_words(q.text)
    return len(w) >= 4 and not re.search(r"[\[\]()]", q.text)


def make_cases(docs: list[Doc], n: int, seed: int, fold: str) -> list[Case]:
    rng = random.Random(f"passages:{seed}")
    use = [d for d in docs if fold == "all" or d.fold == fold]
    runs = [(d, r) for d in use for r in _runs(d)]
    vocab = sorted({w for d in docs[::3] for _, q in d.quotes for w in norm_words(q.text) if len(w) > 4})
    cases: list[Case] = []

    def consecutive(k: int) -> Optional[tuple[Doc, list[CanonicalQuote]]]:
        for _ in range(200):
            d, run = rng.choice(runs)
            if len(run) < k:
                continue
            i = rng.randrange(len(run) - k + 1)
            qs = [q for _, q in run[i:i + k]]
            if all(_ok_sentence(q) for q in qs):
                return d, qs
        return None

    def passage(kind: str, k: int) -> None:
        found = consecutive(k)
        if found is None:
            return
        d, qs = found
        texts = [q.text for q in qs]
        texts[0], texts[-1] = _cut(texts[0], rng, "start"), _cut(texts[-1], rng, "end")
        text = " ".join(texts)
        cases.append(Case(kind, Claim(text, qs[0].speaker.name), d.n, [" ".join(norm_words(text))],
                          qs[0].speaker.name, tuple(q.id for q in qs)))

    for _ in range(n):
        passage("passage2", 2)
        passage("passage3", 3)
        # Ellipsis: a whole middle sentence left out, or words across a boundary.
        found = consecutive(rng.choice((2, 3)))
        if found:
            d, qs = found
            if len(qs) == 3 and rng.random() < 0.5:
                pieces = [_cut(qs[0].text, rng, "start"), _cut(qs[2].text, rng, "end")]
            else:
                a, b = _words(qs[0].text), _words(qs[-1].text)
                pieces = [" ".join(a[:max(4, len(a) // 2)]), " ".join(b[len(b) // 3:])]
            text = rng.choice(ELLIPSES).join(pieces)
            cases.append(Case("passage_ellipsis", Claim(text, qs[0].speaker.name), d.n,
                              [" ".join(norm_words(p)) for p in pieces], qs[0].speaker.name, tuple(q.id for q in qs)))
        found = consecutive(rng.choice((2, 3)))
        if found:
            d, qs = found
            edited = _one_word_edit(_words(" ".join(q.text for q in qs)), rng, vocab)
            if edited:
                cases.append(Case("passage_edit", Claim(" ".join(edited[0]), qs[0].speaker.name), d.n))
        # Two speakers' turns one after the other in the same document.
        pairs = [(d, a, b) for d in use for (pa, a), (pb, b) in zip(d.quotes, d.quotes[1:])
                 if pb == pa + 1 and a.speaker != b.speaker and _ok_sentence(a) and _ok_sentence(b)]
        if pairs:
            d, a, b = rng.choice(pairs)
            text = _cut(a.text, rng, "start") + " " + _cut(b.text, rng, "end")
            cases.append(Case("passage_spliced", Claim(text, a.speaker.name), d.n))
        # A sentence from here and another speaker's from another document.
        for _attempt in range(20):
            found, other = consecutive(1), consecutive(1)
            if found and other and found[0].n != other[0].n and found[1][0].speaker != other[1][0].speaker:
                a, b = found[1][0], other[1][0]
                cases.append(Case("spliced_sources", Claim(a.text + " " + b.text, a.speaker.name), found[0].n))
                break
        found = consecutive(1)
        if found:
            d, (q,) = found
            w = _words(q.text)
            text = q.text if len(w) < 12 or rng.random() < 0.5 else " ".join(w[2:2 + rng.randint(8, len(w) - 2)])
            cases.append(Case("single", Claim(text, q.speaker.name), d.n, [" ".join(norm_words(text))],
                              q.speaker.name))
    cases += _unrelated(docs, n, rng)
    # The same number of each kind (some draws fail).
    by: dict[str, list[Case]] = defaultdict(list)
    for c in cases:
        by[c.kind].append(c)
    return [c for k in KINDS for c in by[k][:n]]


def _unrelated(docs: list[Doc], n: int, rng: random.Random) -> list[Case]:
    import csv

    quotes = [q for d in docs for _, q in d.quotes]
    index = _TextIndex(quotes)
    out = []
    with open(data_dir() / LIAR, encoding="utf-8") as f:
        rows = [r for r in csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE) if len(r) >= 3]
    rng.shuffle(rows)
    for r in rows:
        text = r[2].strip().strip('"')
        words = norm_words(text)
        if text.startswith(("Says ", "Say ")) or not 8 <= len(words) <= 60:
            continue
        if index.shared_fraction(words) > 0:
            continue
        out.append(Case("unrelated", Claim(text), None))
        if len(out) >= n:
            break
    return out


# --- running ------------------------------------------------------------------------------

_STATE: dict[str, Any] = {}


def _holds(text: str, pieces: list[str]) -> bool:
    hay = " " + " ".join(norm_words(text)) + " "
    pos = 0
    for p in pieces:
        i = hay.find(" " + p + " ", pos)
        if i < 0:
            return False
        pos = i + len(p) + 1
    return True


def judge(case: Case, v) -> tuple[bool, str]:
    want, issues = EXPECTED[case.kind]
    got = {i.type for i in v.issues}
    if want == "not verified":
        return v.verdict != "verified", "verdict"
    if v.verdict != want:
        return False, "verdict"
    if want == "verified":
        m = v.match
        if m.quote.speaker.name != case.speaker or not _holds(m.quote.text, case.pieces):
            return False, "wrong_quote"
    if got != issues:
        return False, "issues"
    return True, ""


def _one(i: int) -> dict[str, Any]:
    case: Case = _STATE["cases"][i]
    cands = _STATE["retriever"].search(case.claim.text, 30)
    where = _STATE["where"]
    stretches: list[Stretch] = []
    wanted = expandable(case.claim.text, cands, {c.id: [where[c.id]] for c in cands})
    if wanted:
        r = reach(case.claim.text)
        runs: dict[int, dict[int, CanonicalQuote]] = defaultdict(dict)
        for qid in wanted:
            d, pos = where[qid]
            for p in range(pos - r, pos + r + 1):
                q = _STATE["at"].get((d, p))
                if q is not None:
                    runs[d][p] = q
        stretches = [Stretch(d, tuple(sorted(run.items()))) for d, run in runs.items()]
    t = time.perf_counter()
    v = verify(case.claim, cands, _STATE["speakers"], stretches)
    ms = (time.perf_counter() - t) * 1000
    ok, why = judge(case, v)
    m = v.match
    # Retrieval alone: how many of the quotes the claim was made from are among the candidates.
    ids = {c.id for c in cands}
    found = sum(q in ids for q in case.quote_ids)
    hit = None if not case.quote_ids else ("all" if found == len(case.quote_ids) else "some" if found else "none")
    return {"i": i, "ok": ok, "why": why, "hit": hit, "verdict": v.verdict, "issues": sorted(x.type for x in v.issues),
            "passage": isinstance(m.quote.id, PassageId) if m else None, "ms": ms,
            "matched": m.quote.text if m else None, "messages": [x.message for x in v.issues]}


def main(argv: Optional[list[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--per-kind", type=int, default=200)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--fold", choices=("dev", "test", "all"), default="test")
    ap.add_argument("--errors", nargs="?", const=5, type=int, default=0)
    ap.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1))
    ap.add_argument("--json", default=None)
    args = ap.parse_args(argv)

    t0 = time.time()
    docs, speakers = load_record()
    quotes = [q for d in docs for _, q in d.quotes]
    cases = make_cases(docs, args.per_kind, args.seed, args.fold)
    _STATE.update(cases=cases, retriever=Retriever(quotes), speakers=speakers,
                  where={q.id: (d.n, p) for d in docs for p, q in d.quotes},
                  at={(d.n, p): q for d in docs for p, q in d.quotes})
    print(f"record: {len(docs)} documents, {len(quotes)} sentences, {len(speakers)} speakers; "
          f"{len(cases)} claims ({args.fold} fold, seed {args.seed}); setup {time.time() - t0:.1f}s")
    if args.jobs > 1:
        with mp.get_context("fork").Pool(args.jobs) as pool:
            results = pool.map(_one, range(len(cases)), chunksize=20)
    else:
        results = [_one(i) for i in range(len(cases))]

    summary: dict[str, Any] = {"per_kind": {}}
    print(f"\n{'kind':18} {'n':>5} {'right':>6} {'accuracy':>9}  wrong answers")
    for k in KINDS:
        rs = [(c, r) for c, r in zip(cases, results) if c.kind == k]
        if not rs:
            continue
        right = sum(r["ok"] for _, r in rs)
        wrong = Counter(f"{r['verdict']}{sorted(r['issues']) if r['issues'] else ''}"
                        + (f" (retrieved {r['hit']} of its quotes)" if r["hit"] else "") for _, r in rs if not r["ok"])
        summary["per_kind"][k] = {"n": len(rs), "right": right, "wrong": dict(wrong)}
        print(f"{k:18} {len(rs):5d} {right:6d} {100 * right / len(rs):8.1f}%  "
              + ", ".join(f"{w} x{c}" for w, c in wrong.most_common()))
    n, right = len(results), sum(r["ok"] for r in results)
    unsafe = Counter(c.kind for c, r in zip(cases, results) if c.kind in UNSAFE and r["verdict"] == "verified")
    ms = sorted(r["ms"] for r in results)
    summary.update(n=n, right=right, accuracy=right / max(1, n), false_verified=dict(unsafe),
                   verify_ms_median=ms[len(ms) // 2], verify_ms_p95=ms[int(0.95 * len(ms))])
    print(f"{'overall':18} {n:5d} {right:6d} {100 * right / max(1, n):8.1f}%")
    print(f"false verified (edit, splice, unrelated): {sum(unsafe.values())} {dict(unsafe) or ''}")
    print(f"verify(): median {summary['verify_ms_median']:.1f} ms, p95 {summary['verify_ms_p95']:.1f} ms")
    target = summary["accuracy"] >= 0.99 and not unsafe
    print(f"\ntarget (>= 99% right, 0 false verified): {'MET' if target else 'NOT MET'}")
    if args.errors:
        shown: Counter = Counter()
        for c, r in zip(cases, results):
            if r["ok"] or shown[c.kind] >= args.errors:
                continue
            shown[c.kind] += 1
            print(f"\n[{c.kind}] claim={c.claim.text!r} speaker={c.claim.speaker!r}\n"
                  f"   got {r['verdict']} {r['issues']} passage={r['passage']} matched={r['matched']!r}")
            for msg in r["messages"]:
                print(f"   message: {msg}")
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(summary, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
