"""Stage 1, quote marks and pieces: text in, quoted pieces out.

In: the article text and its paragraphs (``paragraphs(text)``: one per line).
Out: ``find_quotes`` gives a :class:`~.records.Quote` per quoted piece, in text
order, with the offsets of its marks and of its trimmed words, its paragraph,
its word count and whether it continues into the next paragraph or from the
previous one (the newspaper convention for multi-paragraph quotes).

Straight double marks are read as opening or closing from the characters
around them, curly and angle marks by their shape (and a mistyped one by its
context); ``''``/````` `` are the typewriter double marks. Single marks inside
a double-quoted span are part of its words; single marks outside any are paired
as quotes too, apostrophes excluded.
"""
from __future__ import annotations

import re
from typing import Optional

from .records import Quote


_DQ_MARK_RE = re.compile(r"''(?!')|``|[\"“”„‟«»]")  # in ''' the last two close


_DQ_OPEN = "“„‟«"


_DQ_CLOSE = "”»"


_SQ_OPEN = "‘‚‹"


_SQ_CLOSE = "’›"


_OPENERS_BEFORE = set(" \t\n\r([{—–-/\u00a0") | set(_DQ_OPEN) | set(_SQ_OPEN) | {"\u2009", "\u202f"}


_CLOSERS_AFTER = set(" \t\n\r,.;:!?)]}—–-…/\u00a0") | set(_DQ_CLOSE) | set(_SQ_CLOSE) | {"'", '"'}


_WORDS_RE = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")


def word_count(s: str) -> int:
    return len(_WORDS_RE.findall(s))


def paragraphs(text: str) -> list[tuple[int, int]]:
    out = []
    pos = 0
    for line in text.split("\n"):
        out.append((pos, pos + len(line)))
        pos += len(line) + 1
    return out


def _dq_role(text: str, i: int, a: int, b: int, ln: int = 1) -> str:
    """Role of a double mark of ``ln`` characters at i in paragraph [a, b): open, close,
    both or ?. Two apostrophes ('') count as a straight double mark and two backticks as an
    opening one (the typewriter convention of some wire and archive texts)."""
    ch = text[i]
    if ln == 2:
        ch = "“" if ch == "`" else '"'
    prev = text[i - 1] if i > a else " "
    nxt = text[i + ln] if i + ln < b else " "
    can_open = prev in _OPENERS_BEFORE or prev in "\"'"
    can_close = nxt in _CLOSERS_AFTER or (prev not in " \t" and not nxt.isalnum())
    if ch in _DQ_OPEN:
        if not can_open and can_close and nxt in " \t,.;:!?)":
            return "close?"  # a mistyped closing mark
        return "open"
    if ch in _DQ_CLOSE:
        if can_open and not can_close and prev in " \t(":
            return "open?"   # a mistyped opening mark
        return "close"
    if can_open and not can_close:
        return "open"
    if can_close and not can_open:
        return "close"
    return "?"


def find_quotes(text: str, paras: list[tuple[int, int]]) -> list[Quote]:
    quotes: list[Quote] = []
    for pi, (a, b) in enumerate(paras):
        opened: Optional[int] = None
        olen = 1
        for m in _DQ_MARK_RE.finditer(text, a, b):
            i = m.start()
            ln = m.end() - i
            role = _dq_role(text, i, a, b, ln)
            if opened is None:
                if role in ("open", "?", "open?") or (role == "close?" and text[i] in _DQ_OPEN):
                    opened, olen = i, ln
            else:
                if role in ("close", "?", "close?"):
                    quotes.append(Quote(open=opened, close=i, para=pi, olen=olen, clen=ln))
                    opened = None
                elif role in ("open", "open?"):
                    # Two openings in a row: the first was never closed.
                    opened, olen = i, ln
        if opened is not None:
            quotes.append(Quote(open=opened, close=None, para=pi, olen=olen))
    # Single marks outside double-quoted spans.
    covered = [(q.open, q.outer_end if q.close is not None else paras[q.para][1]) for q in quotes]
    singles = []
    for pi, (a, b) in enumerate(paras):
        seg_quotes = [c for c, q in zip(covered, quotes) if q.para == pi]
        opened = None
        for m in re.finditer(r"['‘’‚‹›]", text[a:b]):
            i = a + m.start()
            if any(s <= i < e for s, e in seg_quotes):
                continue
            if text[i] == "'" and ((i + 1 < b and text[i + 1] == "'") or (i > a and text[i - 1] == "'")):
                continue  # half of a '' double mark
            ch = text[i]
            prev = text[i - 1] if i > a else " "
            nxt = text[i + 1] if i + 1 < b else " "
            if prev.isalnum() and nxt.isalnum():
                continue  # apostrophe inside a word
            can_open = (ch in "'‘‚‹") and (prev in _OPENERS_BEFORE or i == a) and (nxt.isalnum() or nxt in "\"“(…")
            can_close = (ch in "'’›") and prev not in " \t" and (nxt in _CLOSERS_AFTER or i + 1 == b)
            if can_open and opened is None:
                rest = text[i + 1:i + 6].lower()
                if re.match(r"(?:\d0s|em\b|n\b|til\b|cause\b|tis\b|twas\b|bout\b|round\b|s\b)", rest):
                    continue
                opened = i
            elif can_close and opened is not None:
                if i - opened > 1:
                    singles.append(Quote(open=opened, close=i, para=pi, kind="s"))
                opened = None
    quotes.extend(singles)
    quotes.sort(key=lambda q: q.open)
    # Continuations across paragraphs.
    by_para: dict[int, list[Quote]] = {}
    for q in quotes:
        by_para.setdefault(q.para, []).append(q)
    out = []
    for q in quotes:
        a, b = paras[q.para]
        if q.close is None:
            nxt = q.para + 1
            while nxt < len(paras) and not text[paras[nxt][0]:paras[nxt][1]].strip():
                nxt += 1
            nq = by_para.get(nxt, [])
            if nq and nxt < len(paras) and (text[paras[nxt][0]:paras[nxt][1]].lstrip()[:1] in '"“„«'
                                            or text[paras[nxt][0]:paras[nxt][1]].lstrip()[:2] in ("''", "``")) \
                    and nq[0].open == paras[nxt][0] + (len(text[paras[nxt][0]:paras[nxt][1]]) -
                                                       len(text[paras[nxt][0]:paras[nxt][1]].lstrip())):
                q.cont_next = True
                nq[0].cont_prev = True
            q.end = b
        else:
            q.end = q.close
        q.start = q.open + q.olen
        # Trim whitespace and a trailing comma (attribution punctuation, not the speaker's words).
        s, e = q.start, q.end
        while s < e and text[s].isspace():
            s += 1
        while e > s and (text[e - 1].isspace() or text[e - 1] == ","):
            e -= 1
        if e <= s:
            continue
        q.start, q.end = s, e
        q.words = word_count(text[s:e])
        if q.words == 0:
            continue
        out.append(q)
    # A quote left open at a paragraph end that does not continue: keep it only if it
    # looks like speech (four words or more); a lone inch mark or typo otherwise.
    return [q for q in out if q.close is not None or q.cont_next or q.words >= 4]


def is_title_case(s: str) -> bool:
    s = s.strip().rstrip(".,")
    words = re.findall(r"[A-Za-z][\w'’\-]*", s)
    if not words:
        return False
    small = {"a", "an", "the", "of", "and", "or", "in", "on", "at", "to", "for", "with", "by", "from", "vs"}
    caps = [w for w in words if w.lower() not in small]
    return bool(caps) and all(w[0].isupper() for w in caps) and not re.search(r"[.!?]\s*$", s.strip())
