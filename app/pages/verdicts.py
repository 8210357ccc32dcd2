"""A verify answer (and a draft's) made ready for the templates.

The same reading of the answer as ``static/verbatim.js`` makes in the
browser, so the card a page renders without JavaScript says what the
script's card says: the headline, the issues, the diff with skipped words
collapsed to "…", the record's text with the quoted words marked, each
field's check. Templates only loop over what these functions return; no
answer's text is ever marked safe (Jinja escapes it).
"""
from __future__ import annotations

import re
from typing import Any, Optional

VERDICTS = {
    "verified": {"label": "Verified", "icon": "✓"},
    "mismatch": {"label": "Mismatch", "icon": "!"},
    "unverified": {"label": "Unverified", "icon": "?"},
}

ISSUE_LABELS = {
    "misattributed": "Wrong speaker", "altered_wording": "Altered wording",
    "wrong_date": "Wrong date", "wrong_location": "Wrong place", "spliced": "Not one remark",
}

ISSUE_CLAUSES = {
    "misattributed": "someone else said it", "altered_wording": "the wording is altered",
    "wrong_date": "the date is wrong", "wrong_location": "the place is wrong",
}

TEXT_STATUS = {
    "exact": "Word for word",
    "normalized": "Same words; punctuation or typography differs",
    "fragment": "A faithful excerpt of a longer quote",
    "altered": "The wording differs from the record",
}

FLAG_LABELS = {"negation": "changes a negation", "number": "changes a number", "name": "changes a name"}

CHECK_TEXT = {
    "match": "matches", "mismatch": "differs", "ambiguous": "ambiguous", "not_claimed": "not checked",
    "unparseable": "could not be read", "unknown": "not on record",
}

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]

_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def verdict_kind(verdict: Any) -> str:
    return verdict if verdict in VERDICTS else "unverified"


def human_date(value: Any) -> str:
    """"2025-09-03" -> "3 September 2025"; "2025-09" -> "September 2025"; else as it is."""
    if not value or not isinstance(value, str):
        return value or ""
    m = _DATE.match(value[:10])
    if not m or (len(value) > 10 and value[10] not in "T "):
        return value
    year, month, day = m.groups()
    name = MONTHS[int(month) - 1] if month and 1 <= int(month) <= 12 else None
    if day and name:
        return f"{int(day)} {name} {year}"
    if name:
        return f"{name} {year}"
    return year


def _list_join(items: list[str]) -> str:
    if len(items) < 2:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def headline(answer: dict[str, Any]) -> str:
    if answer.get("verdict") == "verified":
        return "On record as quoted."
    if answer.get("verdict") == "mismatch":
        clauses = [ISSUE_CLAUSES[i.get("type")] for i in answer.get("issues") or [] if i.get("type") in ISSUE_CLAUSES]
        return f"On record, but {_list_join(clauses)}." if clauses else "On record, but quoted wrong."
    if answer.get("match"):
        return "Found on record, but not verified."
    return "Not found on record."


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def diff_view(text: Optional[dict[str, Any]]) -> dict[str, Any]:
    """The diff as tokens for the template, its meta line and its key.

    Token kinds: ``word`` (``editorial`` dimmed), ``variant`` (same word,
    other spelling), ``pair`` (claimed struck, canonical marked), ``added``
    (in the claim only), ``missing`` (on record only), ``gap`` (a run of
    words not quoted, shown as "…").
    """
    text = text or {}
    ops = text.get("diff") or []
    meta = []
    if text.get("status") in TEXT_STATUS:
        meta.append(TEXT_STATUS[text["status"]])
    if isinstance(text.get("score"), (int, float)) and text.get("status") == "altered":
        meta.append(f"{round(text['score'])}% of words match")
    meta += [FLAG_LABELS.get(f, f) for f in text.get("flags") or []]
    tokens: list[dict[str, Any]] = []
    counts = {"ins": 0, "del": 0, "sub": 0, "ed": 0, "gap": 0}
    i = 0
    while i < len(ops):
        op = ops[i]
        if op.get("gap"):
            run = []
            while i < len(ops) and ops[i].get("gap"):
                run.append(ops[i].get("canonical") or "")
                i += 1
            counts["gap"] += 1
            n = _plural(len(run), "word", "words")
            tokens.append({"kind": "gap", "label": f"({n} not quoted)", "title": f"{n} not quoted: {' '.join(run)}"})
            continue
        kind, editorial = op.get("op"), bool(op.get("editorial"))
        canonical, claimed = op.get("canonical") or "", op.get("claimed") or ""
        if kind == "equal":
            tokens.append({"kind": "word", "text": canonical or claimed, "editorial": editorial})
            counts["ed"] += editorial
        elif kind == "substitute" and editorial:
            tokens.append({"kind": "variant", "text": canonical, "claimed": claimed})
        elif kind == "substitute":
            counts["sub"] += 1
            tokens.append({"kind": "pair", "claimed": claimed, "canonical": canonical})
        elif kind == "insert" and editorial:
            counts["ed"] += 1
            tokens.append({"kind": "word", "text": f"[{claimed}]", "editorial": True})
        elif kind == "insert":
            counts["del"] += 1
            tokens.append({"kind": "added", "text": claimed})
        elif kind == "delete" and editorial:
            counts["ed"] += 1
            tokens.append({"kind": "word", "text": canonical, "editorial": True})
        elif kind == "delete":
            counts["ins"] += 1
            tokens.append({"kind": "missing", "text": canonical})
        else:
            tokens.append({"kind": "word", "text": canonical or claimed, "editorial": False})
        i += 1
    key = {"struck": bool(counts["sub"] or counts["del"]), "marked": bool(counts["sub"] or counts["ins"]),
           "gap": bool(counts["gap"]), "editorial": bool(counts["ed"])}
    return {"meta": " · ".join(meta), "tokens": tokens, "key": key}


def _quoted_spans(text: str, ops: list[dict[str, Any]]) -> list[list[int]]:
    """Where the claim's words are in the record's text; [] when it quotes it all."""
    if not text or not any(o.get("gap") for o in ops) or all(o.get("gap") for o in ops):
        return []
    pos, spans = 0, []
    for op in ops:
        word = op.get("canonical")
        if not word:
            continue
        at = text.find(word, pos)
        if at < 0:
            return []
        if not op.get("gap"):
            if spans and not re.search(r"\w", text[spans[-1][1]:at]):
                spans[-1][1] = at + len(word)
            else:
                spans.append([at, at + len(word)])
        pos = at + len(word)
    return spans


_EDITORIAL = re.compile(r"\([^()]*\)|\[[^\[\]]*\]")


def record_pieces(text: str, ops: Optional[list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """The record's text in pieces: ``quoted`` (the claim's words) and ``editorial`` (bracketed)."""
    quoted = _quoted_spans(text, ops or [])
    editorial = [[m.start(), m.end()] for m in _EDITORIAL.finditer(text or "")]
    if not quoted and not editorial:
        return [{"text": text or "", "quoted": False, "editorial": False}]
    cuts = sorted({0, len(text), *[c for r in quoted + editorial for c in r]})

    def inside(spans: list[list[int]], a: int, b: int) -> bool:
        return any(r[0] <= a and b <= r[1] for r in spans)

    return [{"text": text[a:b], "quoted": inside(quoted, a, b), "editorial": inside(editorial, a, b)}
            for a, b in zip(cuts, cuts[1:]) if a < b]


def check_chip(check: Optional[dict[str, Any]]) -> Optional[dict[str, str]]:
    if not check or not check.get("status"):
        return None
    status, claimed = check["status"], check.get("claimed")
    text = CHECK_TEXT.get(status, status)
    if status == "mismatch" and claimed:
        text = f"you wrote “{claimed}”"
    elif status == "ambiguous" and claimed:
        text = f"“{claimed}” is ambiguous"
    elif status == "unparseable" and claimed:
        text = f"could not read “{claimed}”"
    return {"status": status, "text": text, "title": check.get("message") or ""}


def facts(match: dict[str, Any]) -> list[dict[str, Any]]:
    """The record's rows: speaker, date, place (each with its check), event, context."""
    q = match.get("quote") or {}
    rows = [
        ("Speaker", q.get("speaker"), match.get("speaker"), False),
        ("Date", (match.get("date") or {}).get("canonical") or human_date(q.get("spoken_at")), match.get("date"), False),
        ("Place", q.get("location") or (match.get("location") or {}).get("canonical"), match.get("location"), False),
        ("Event", q.get("event"), None, True),
        ("Context", q.get("context"), None, True),
    ]
    return [{"label": label, "value": value or "—", "check": check_chip(check), "plain": plain}
            for label, value, check, plain in rows if value or check]


def short_message(q: dict[str, Any]) -> str:
    """One line for a draft's quote: its issues, or what the verdict means."""
    v = q.get("verification") or {}
    issues = v.get("issues") or []
    if issues:
        return " ".join(i.get("message") or "" for i in issues)
    if v.get("message"):
        return v["message"]
    if v.get("verdict") == "verified":
        return "Verified: on record as quoted."
    if v.get("error"):
        return str(v["error"])
    return "Found on record, but not verified." if v.get("match") else "Not found on record."


def draft_segments(text: str, quotes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The draft's text cut at its quotes and speaker mentions (offsets are code points, as Python's)."""
    spans = []
    for idx, q in enumerate(quotes):
        if isinstance(q.get("start"), int) and isinstance(q.get("end"), int) and q["end"] > q["start"]:
            spans.append((q["start"], 0, q["end"], "quote", idx))
        sp = q.get("speaker") or {}
        if isinstance(sp.get("start"), int) and isinstance(sp.get("end"), int) and sp["end"] > sp["start"]:
            spans.append((sp["start"], 1, sp["end"], "speaker", idx))
    spans.sort()
    out, pos = [], 0
    for start, _, end, kind, idx in spans:
        if start < pos or end > len(text):
            continue
        if start > pos:
            out.append({"kind": "text", "text": text[pos:start]})
        q = quotes[idx]
        verdict = verdict_kind((q.get("verification") or {}).get("verdict"))
        out.append({"kind": kind, "text": text[start:end], "idx": idx, "verdict": verdict,
                    "name": (q.get("speaker") or {}).get("name") or "", "message": short_message(q)})
        pos = end
    if pos < len(text):
        out.append({"kind": "text", "text": text[pos:]})
    return out


def draft_items(quotes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    items = []
    for idx, q in enumerate(quotes):
        v = q.get("verification") or {}
        meta = [(q.get("speaker") or {}).get("name") or "speaker not found"]
        if q.get("location"):
            meta.append(q["location"])
        if q.get("date"):
            meta.append(human_date(q["date"]))
        items.append({"idx": idx, "text": q.get("text") or "", "verdict": verdict_kind(v.get("verdict")),
                      "meta": " · ".join(meta), "message": short_message(q), "verification": v})
    return items


def summary_counts(answer: dict[str, Any]) -> list[dict[str, Any]]:
    quotes = answer.get("quotes") or []
    summary = answer.get("summary") or {}
    out = []
    for kind in ("verified", "mismatch", "unverified"):
        n = summary.get(kind)
        if not isinstance(n, int):
            n = sum(1 for q in quotes if verdict_kind((q.get("verification") or {}).get("verdict")) == kind)
        out.append({"kind": kind, "n": n, "label": VERDICTS[kind]["label"]})
    return out


TEMPLATE_HELPERS = {
    "VERDICTS": VERDICTS, "ISSUE_LABELS": ISSUE_LABELS, "verdict_kind": verdict_kind, "human_date": human_date,
    "headline": headline, "diff_view": diff_view, "record_pieces": record_pieces, "facts": facts,
}
