"""Stage 4, names, titles and coreference: mentions in, people out.

In: the tokens. Out: the article's entities (``entities``, ``by_last``,
``by_first``: every capitalised run outside quotes split into titles and a name,
"Russian President Vladimir Putin" -> titles {russian, president}, name
"Vladimir Putin"; a surname joins the fullest name the article gives; people
told from organisations by titles, first names, organisation words and what
the name does), their mentions and the named subjects of main clauses (for
pronouns). Resolution: ``_finish`` turns an :class:`~.records.Attr` into a name
(``_resolve_name`` for names, ``_resolve_pronoun`` for he/she/they,
``_resolve_desc`` for "the Ukrainian leader" when exactly one person fits).
"""
from __future__ import annotations

import bisect
import re
from typing import Optional

from .context import looks_like_place
from .lexicon import (
    CLAUSE_OPENERS, DETERMINERS, EVENT_VERBS, FEMALE_NAMES, HEAD_TITLES, HONORIFICS, INVERTING,
    MALE_NAMES, NAME_CONNECTORS, ORG_WORDS, PREPOSITIONS, PRONOUNS, REPORT_VERBS, ROLE_SYNONYMS,
    SKIP_BEFORE_VERB, STOP_CAPS, SUBORDINATORS, SUFFIXES, TITLE_WORDS, WEAK_VERBS, gender_of,
    is_nationality, is_possessive, is_role_noun, strip_possessive,
)
from .records import Attr, Entity


_ANY_WORD_RE = re.compile(r"(?<![\w'’])[A-Za-z][\w'’\-]*")


_CAP_WORD_RE = re.compile(r"(?<![\w'’])[A-Z][\w'’\-]*")


_SMALL_WORD_RE = re.compile(r"(?<![\w'’])(?:[aA]n?|[tT]he|[oO][fnr]|[aA]nd|[iI][ns]|[aA]t|[tT]o|[fF]or|[wW]ith|[bB]y|[fF]rom)(?![\w'’\-])")


# First names of either gender: a first name, but no gender.
_AMBIGUOUS_FIRST_NAMES = {"jean", "dana", "kelly", "leslie", "lee", "robin", "sam", "alex", "jordan",
                          "taylor", "morgan", "casey", "jamie", "chris", "pat", "terry", "jesse"}


# Words after a name's 's that make it "has" or "is": "Christie's been", "Trump's not".
_AFTER_CONTRACTION = {"been", "got", "gotten", "not", "never", "going", "gone", "already", "always",
                      "done", "made", "said", "told", "become", "come", "had", "now"}


# Words ending in -s that are no verbs in the third person ("famous", "always", "news").
_NOT_VERB_ENDINGS = ("ss", "ness", "ous", "us", "is", "ics")
_S_ADVERBS = {"always", "perhaps", "sometimes", "besides", "nevertheless", "towards", "afterwards",
              "news", "series", "whereas", "nowadays"}


class Names:
    def _name_run_back(self, j: int, lo: int) -> int:
        """Start of the capitalised run ending at token j (inclusive)."""
        a = j
        while a - 1 >= lo:
            p = a - 1
            w = self.low[p]
            if self._is_cap(p) and w not in ("i",):
                a = p
            elif w in NAME_CONNECTORS and p - 1 >= lo and self._is_cap(p - 1):
                a = p
            elif w == "of" and p - 1 >= lo and self.low[p - 1] in TITLE_WORDS and self._is_cap(p - 1):
                a = p  # Secretary of State
            else:
                break
        return a

    def _name_run_fwd(self, i: int, hi: int) -> int:
        b = i
        while b < hi:
            w = self.low[b]
            if self._is_cap(b):
                b += 1
            elif w in NAME_CONNECTORS and b + 1 < hi and self._is_cap(b + 1) and b > i:
                b += 1
            elif w == "of" and b > i and self.low[b - 1] in TITLE_WORDS and b + 1 < hi and self._is_cap(b + 1):
                b += 1
            elif w in SUFFIXES and b > i:
                b += 1
            else:
                break
        return b

    def _split_name(self, a: int, b: int) -> tuple[int, list[str], str]:
        """Split run [a, b) into (name start, title words, possessive) -> name tokens start."""
        if b > a and strip_possessive(self.low[b - 1]).rstrip(".") in ORG_WORDS:
            return a, [], ""  # "State Department", "White House": an organisation keeps its words
        titles = []
        last_title = a - 1
        for k in range(a, b):
            w = self.low[k].rstrip(".")
            wl = self.low[k]
            if k == b - 1 and (is_nationality(self.tt[k]) or wl in TITLE_WORDS) and self.tt[k][:1].isupper() and (
                    (wl not in HEAD_TITLES and w not in HEAD_TITLES) or self._title_is_surname(a, k)):
                break  # a run ending in "Cuban", "West", "Young", "Mr. King": a surname, not a title
            if wl in TITLE_WORDS or w in TITLE_WORDS or is_nationality(self.tt[k]) or (
                    k + 2 < b and is_role_noun(wl) and (self.low[k + 1] in MALE_NAMES or self.low[k + 1] in FEMALE_NAMES
                                                        or self.low[k + 1] in _AMBIGUOUS_FIRST_NAMES)):
                last_title = k  # ("Farmer Jean Dupont": a role noun before a first name)
        for k in range(a, last_title + 1):
            titles.append(self.low[k])
        return last_title + 1, titles, ""

    def _title_is_surname(self, a: int, k: int) -> bool:
        """Is the title word at k (the end of the run starting at a) a surname? After an
        honorific or a first name ("Mr. King", "Rep. Peter King", "Ms. Judge"), or alone with
        no determiner before it ("King says …"; but "the King", "Trump's Chief")."""
        if k > a:
            p = self.low[k - 1]
            return p in HONORIFICS or p in MALE_NAMES or p in FEMALE_NAMES or p in _AMBIGUOUS_FIRST_NAMES or \
                bool(re.fullmatch(r"[a-z]\.", p))
        p = self.low[a - 1] if a > 0 else ""
        return not self.tt[k].isupper() and p not in DETERMINERS and not is_possessive(p) and \
            p not in TITLE_WORDS and p not in ("of", "former")

    def _prefix_titles(self, a: int, lo: int) -> list[str]:
        """Lower-case title words right before a name start a (e.g. 'presidential candidate')."""
        out = []
        k = a - 1
        n = 0
        while k >= lo and n < 6:
            w = self.low[k]
            if self.kind[k] != "w":
                break
            if w in TITLE_WORDS or w.rstrip(".") in TITLE_WORDS or is_nationality(self.tt[k]) or (
                    w == "of" and k - 1 >= lo and self.low[k - 1] in TITLE_WORDS):
                out.append(w)
                k -= 1
                n += 1
                continue
            break
        return out

    def _name_text(self, a: int, b: int) -> str:
        parts = []
        for k in range(a, b):
            w = self.tt[k]
            if k == b - 1:
                w = strip_possessive(w)
            parts.append(w)
        s = " ".join(parts)
        return s

    def _build_entities(self) -> None:
        """Collect capitalised name runs outside quotes: forms, titles, gender, subjects."""
        self.entities: dict[str, Entity] = {}
        self.by_last: dict[str, list[Entity]] = {}
        self.by_first: dict[str, list[Entity]] = {}
        self.mentions: list[tuple[int, int, Entity, bool]] = []  # (start tok, end tok, entity, subject?)
        self.mention_at: dict[int, tuple[int, int, Entity]] = {}
        n = len(self.tt)
        i = 0
        raw = []
        # Title Case lines (headlines, section heads) say nothing about names.
        title_para = set()
        for pi, (pa, pb) in enumerate(self.paras):
            if pb - pa > 300 or pb - pa < 20:
                continue  # a title is short
            seg = self.text[pa:pb]
            nw = len(_ANY_WORD_RE.findall(seg))
            small = len(_SMALL_WORD_RE.findall(seg))
            caps = len(_CAP_WORD_RE.findall(seg))
            if nw - small >= 5 and caps >= 0.85 * (nw - small):
                title_para.add(pi)
        self.title_para = title_para
        heading_names = []
        while i < n:
            if self.tpara[i] in title_para and self._is_cap(i) and all(
                    self.kind[x] != "w" or self.tt[x].isdigit()
                    for x in range(self._para_first_tok(i), i)):
                # a heading in Title Case names its subject first: "Zoe Saldana Asked Men To
                # 'Redefine Masculinity'", "George Lopez On Why …" (the list item's speaker)
                b = self._heading_name_end(i)
                if 2 <= b - i <= 3 and not any(self.tt[x].isupper() for x in range(i, b)):
                    raw.append((i, b, i, b))
                    heading_names.append(i)
            if not self._is_cap(i) or self.tpara[i] in title_para:
                i += 1
                continue
            lo = self.sent_start[self.sent[i]]
            hi = self.sent_end[self.sent[i]]
            b = self._name_run_fwd(i, hi)
            raw.append((i, b, lo, hi))
            i = b
        # First: multi-token names (and titled single names) define entities.
        singles = []
        for (a0, b0, lo, hi) in raw:
            if b0 - a0 > 1 and all(self.tt[k].isupper() for k in range(a0, b0)):
                continue  # "TRUMP COUNTER", "HUFFPOLLSTER VIA EMAIL": a head in capitals
            for a, b, titles in self._names_in_run(a0, b0, lo):
                toks = [self.tt[k] for k in range(a, b)]
                if not toks:
                    continue
                possessive = is_possessive(self.tt[b - 1]) and not self._contraction(b - 1)
                name = self._name_text(a, b)
                low_toks = [t.lower() for t in name.split()]
                if any(t.rstrip(".") in ORG_WORDS or t in ORG_WORDS for t in low_toks) or (
                        len(toks) == 1 and len(toks[0]) >= 2 and toks[0].replace("-", "").isupper()
                        and low_toks[0] not in MALE_NAMES and low_toks[0] not in FEMALE_NAMES):
                    ent = self._entity_for(name, org=True)
                    self._add_mention(a, b, ent, possessive)
                    continue
                if len(low_toks) >= 2 or titles:
                    if len(low_toks) == 1 and self._sentence_initial(a) and not titles and \
                            low_toks[0] in self._lower_words:
                        continue
                    ent = self._entity_for(name)
                    ent.titles.update(t.rstrip(".") for t in titles)
                    ent.titles.update(t.rstrip(".") for t in self._prefix_titles(a if not titles else a0, lo))
                    start = a if not titles else a0
                    if (titles and any(t.rstrip(".") in HEAD_TITLES or t in HEAD_TITLES for t in titles)) or (
                            low_toks[0] in MALE_NAMES or low_toks[0] in FEMALE_NAMES) or (
                            len(low_toks) >= 2 and start > lo and self.tt[start - 1][:1].islower()
                            and is_role_noun(self.low[start - 1]) and not looks_like_place(name)):
                        ent.person = True  # (a full name after a role noun: "student Deja Stewart")
                    g = gender_of(low_toks[0], titles)
                    if g and not ent.gender:
                        ent.gender = g
                    self._add_mention(a, b, ent, possessive)
                else:
                    singles.append((a, b, lo, possessive))
        for (a, b, lo, possessive) in singles:
            w = strip_possessive(self.tt[a])
            wl = w.lower()
            if wl in STOP_CAPS or wl in PRONOUNS:
                continue
            cands = self.by_last.get(wl) or [e for e in self.by_first.get(wl, ())
                                             if wl in MALE_NAMES or wl in FEMALE_NAMES]
            if cands:
                ent = self._pick(cands, a)
                self._add_mention(a, b, ent, possessive)
                continue
            if self._sentence_initial(a) and (wl in self._lower_words or wl.endswith("ing")
                                              or (wl.endswith("ly") and len(wl) > 4)):
                continue
            pref = self._prefix_titles(a, lo)
            ent = self._entity_for(w)
            if pref:
                ent.titles.update(t.rstrip(".") for t in pref)
                if any(t in HEAD_TITLES for t in pref):
                    ent.person = True
                g = gender_of("", pref)
                if g and not ent.gender:
                    ent.gender = g
            self._add_mention(a, b, ent, possessive)
        self.mentions.sort(key=lambda m: m[0])
        self.mention_starts = [m[0] for m in self.mentions]
        # Subject mentions: named persons in main-clause subject position, for pronouns.
        subj = []
        for (a, b, ent, poss) in self.mentions:
            if poss or ent.org:
                continue
            is_subj, main, reports = self._subject_info(a, b)
            if not ent.person and (reports or (is_subj and main and b - a >= 2 and len(ent.key.split()) >= 2)) \
                    and not looks_like_place(ent.full):
                # a name that says things, or a full name that does things, is a person
                ent.person = True
            if is_subj and (main or (reports and self._after_as(a))):
                # ("as Archbishop Aris Shirvanian told the AP, “…” He added, …": the speaker of
                # an "as" clause is who "he" is next)
                subj.append((a, ent))
        for a in heading_names:
            m = self.mention_at.get(a)
            if m is not None and not m[2].org:
                subj.append((a, m[2]))
        subj = [(a, e) for (a, e) in subj if self._canon(e).person]
        # Descriptions resolved to one person ("the Ukrainian leader said") are subjects too.
        for v in self.verb_pos:
            if self._is_report_verb(v):
                at = self._np_before(v, self.sent_start[self.sent[v]])
                if at is not None and at.kind == "desc":
                    _, ent = self._resolve_desc(at.ment_start, at.ment_end)
                    if ent is not None:
                        subj.append((at.ment_start, ent))
        subj.sort(key=lambda x: x[0])
        self.subjects = subj
        self.subject_pos = [s[0] for s in subj]

    def _contraction(self, k: int) -> bool:
        """Is the 's of the word at k "has" or "is" ("Christie's been making the case",
        "Trump's not backing down"), not a possessive?"""
        return k + 1 < len(self.low) and self.low[k + 1] in _AFTER_CONTRACTION

    def _after_as(self, a: int) -> bool:
        """Is the name starting at token a (titles before it aside) right after "as"?"""
        k = a - 1
        while k >= 0 and (self.low[k] in TITLE_WORDS or self.low[k].rstrip(".") in TITLE_WORDS):
            k -= 1
        return k >= 0 and self.low[k] == "as"

    def _para_first_tok(self, i: int) -> int:
        k = i
        while k > 0 and self.tpara[k - 1] == self.tpara[i]:
            k -= 1
        return k

    def _heading_name_end(self, i: int) -> int:
        """End of the name opening a Title Case heading at token i: the capitalised words
        before the first that is a verb, a function word or a possessive."""
        b = i
        while b < len(self.tt) and self.tpara[b] == self.tpara[i] and self._is_cap(b) and b < i + 4:
            w = self.low[b]
            if w in REPORT_VERBS or w in WEAK_VERBS or w in EVENT_VERBS or w in STOP_CAPS or \
                    (w.endswith("ed") and b > i) or (w.endswith("s") and b > i + 1):
                break
            b += 1
            if is_possessive(self.tt[b - 1]):
                return b - 1
        return b

    def _names_in_run(self, a0: int, b0: int, lo: int):
        """Name(s) inside a capitalised run: strip titles, split on stop words."""
        # split on stop words
        pieces = []
        s = a0
        for k in range(a0, b0 + 1):
            if k == b0 or (self.low[k] in STOP_CAPS and self.low[k] not in TITLE_WORDS):
                if k > s:
                    pieces.append((s, k))
                s = k + 1
            elif is_possessive(self.tt[k]) and k + 1 < b0:
                pieces.append((s, k + 1))
                s = k + 1
        for (a, b) in pieces:
            start, titles, _ = self._split_name(a, b)
            if start >= b:
                continue
            nb = b
            while nb > start and self.low[nb - 1] in SUFFIXES:
                nb -= 1
            if nb <= start:
                continue
            yield start, b, titles

    def _entity_for(self, name: str, org: bool = False) -> Entity:
        toks = [t for t in name.split() if t.lower() not in HONORIFICS]
        if not toks:
            toks = name.split()
        core = [t for t in toks if t.lower() not in SUFFIXES] or toks
        last = core[-1].lower()
        first = core[0].lower()
        key = f"{first} {last}" if len(core) > 1 else last
        ent = self.entities.get(key)
        created = False
        if ent is None:
            # A single surname joins an existing full name.
            if len(core) == 1:
                c = self.by_last.get(last)
                if c:
                    ent = c[0]
            if ent is None:
                created = True
                ent = Entity(key=key)
                self.entities[key] = ent
                self.by_last.setdefault(last, []).append(ent)
                if len(core) > 1:
                    self.by_first.setdefault(first, []).append(ent)
        clean = " ".join(toks)
        if clean not in ent.forms:
            ent.forms.append(clean)
        if org:
            if created or len(core) > 1:
                ent.org = True  # (a capitalised "TRUMP" joining Donald Trump stays a person)
        elif len(core) > 1 and len(self.by_last.get(last, [])) > 1:
            # A full name arrived after a bare surname created a lone entity: merge.
            for other in list(self.by_last[last]):
                if other is not ent and " " not in other.key:
                    ent.forms.extend(f for f in other.forms if f not in ent.forms)
                    ent.titles |= other.titles
                    ent.positions.extend(other.positions)
                    ent.gender = ent.gender or other.gender
                    ent.person = ent.person or other.person
                    self.by_last[last].remove(other)
                    self.entities.pop(other.key, None)
                    other.forms = ent.forms
                    self._merged = getattr(self, "_merged", {})
                    self._merged[id(other)] = ent
        return ent

    def _canon(self, ent: Entity) -> Entity:
        m = getattr(self, "_merged", None)
        while m and id(ent) in m:
            ent = m[id(ent)]
        return ent

    def _pick(self, cands: list[Entity], pos: int) -> Entity:
        """Which of several people sharing a surname a bare surname means: the person the
        article introduced first (news style names family members by first name: "Eric
        Trump" then "Eric", while "Trump" stays the principal). People before non-people."""
        if len(cands) == 1:
            return cands[0]
        cands = [self._canon(c) for c in cands]
        persons = [c for c in cands if c.person and not c.org] or cands
        return min(persons, key=lambda c: min(c.positions) if c.positions else 10 ** 9)

    def _add_mention(self, a: int, b: int, ent: Entity, possessive: bool) -> None:
        ent.positions.append(a)
        self.mentions.append((a, b, ent, possessive))
        self.mention_at[a] = (a, b, ent)

    def _subject_info(self, a: int, b: int) -> tuple[bool, bool, bool]:
        """(subject?, main clause?, reports?) for the name tokens [a, b).

        A subject is not after a preposition, a possessive or a verb (an object), and is
        followed by a verb-like word, or by a reporting verb within a few words ("Trump at
        the time said"). A subject right after "that", "if", "because" … is subordinate."""
        lo = self.sent_start[self.sent[a]]
        hi = self.sent_end[self.sent[a]]
        k = a - 1
        while k >= lo and (self.low[k] in TITLE_WORDS or self.low[k].rstrip(".") in TITLE_WORDS
                           or is_nationality(self.tt[k]) or self._is_cap(k)
                           or (self.tt[k][:1].islower() and is_role_noun(self.low[k]))):
            k -= 1
        while k >= lo and self.tt[k][:1].islower() and self.kind[k] == "w" and k + 1 < a and \
                self.tt[k + 1][:1].islower() and is_role_noun(self.low[k + 1]) and \
                self.low[k] not in SUBORDINATORS and self.low[k] not in CLAUSE_OPENERS and \
                self.low[k] not in PREPOSITIONS:
            k -= 1  # modifiers of a role noun: "retired teacher Ruth Anders"
        if k < a - 1 and self.tt[a - 1][:1].islower() and is_role_noun(self.low[a - 1]):
            # a role noun after modifiers and a determiner or possessive: "the network's nightly
            # news anchor Ilia Calderón reacted", "his campaign manager Jeff Weaver said"
            x = k
            while x >= lo and x > k - 3 and self.kind[x] == "w" and self.tt[x][:1].islower() and \
                    self.low[x] not in DETERMINERS and self.low[x] not in PREPOSITIONS and \
                    self.low[x] not in SUBORDINATORS and self.low[x] not in CLAUSE_OPENERS and \
                    not self._verb_like(x):
                x -= 1
            if x >= lo and is_possessive(self.tt[x]) and not self._contraction(x):
                x = self._name_run_back(x, lo) - 1
                if x >= lo and self.low[x] in ("the", "a", "an"):
                    x -= 1
                k = x
            elif x >= lo and self.low[x] in DETERMINERS and self.low[x] != "that":
                k = x - 1
        main = True
        if k > lo and self.tt[k] == "," and b < hi and self.tt[b] == "," and all(
                self.kind[x] == "w" and not self._is_cap(x) or x == lo for x in range(lo, k)) and k - lo <= 4:
            # "His neighbour, retired teacher Ruth Anders, disagrees": the appositive names
            # the sentence's subject
            k = lo - 1
        if k >= lo and self.low[k] == "named" and k - 1 > lo and self.tt[k - 1][:1].islower() and \
                is_role_noun(self.low[k - 1]) and self.low[k - 2] in ("a", "an", "one"):
            k -= 3  # "a worker named Antonio Arroyo has …": the name is the worker
        if k >= lo and self.low[k] in ("there's", "there’s") and b < hi and self.tt[b] in (".", "!"):
            return True, True, False  # "Then there's Axelrod.": the paragraphs after are his
        if k >= lo:
            pw = self.low[k]
            if pw in INVERTING and self.kind[k] == "w":
                if b < hi and (self.kind[b] == "q" or self.kind[b] == "w" and self.tt[b][:1].islower() and
                               self.low[b] not in PREPOSITIONS and self.low[b] not in ("who", "whose")):
                    # "Earnest said Obama has kept in touch", "Pataki says Kasich “has a record”":
                    # the subject of the complement
                    return True, False, False
                if k - 1 >= lo and (self.low[k - 1] in PRONOUNS or self._is_cap(k - 1)):
                    return False, False, False  # "he said Ryan": an object, the verb has its subject
                return True, True, True  # "said Putin"
            if self.kind[k] == "w" and self.tt[k][:1].islower():
                if pw in SUBORDINATORS:
                    main = False
                elif pw not in CLAUSE_OPENERS:
                    return False, False, False  # object of a verb or preposition
            elif is_possessive(self.tt[k]):
                return False, False, False
        j = b
        if j < hi and self.tt[j] == "(":
            while j < hi and self.tt[j] != ")":
                j += 1
            j += 1
        if j + 1 < hi and self.tt[j] == "," and self._is_report_verb(j + 1):
            return True, main, True  # "Bloomberg's pollster, Douglas Schoen, says"
        if j < hi and self.tt[j] == ",":
            # appositive: skip to the next comma
            k2 = j + 1
            while k2 < hi and k2 < j + 25 and self.tt[k2] != "," and self.kind[k2] != "q":
                k2 += 1
            if k2 < hi and self.tt[k2] == "," and k2 > j + 1:
                nxt = k2 + 1
                if nxt >= hi:  # "Smith, a," at the very end: no verb can follow
                    return False, False, False
                if not self._verb_like(nxt) and (self.low[j + 1] in ("who", "whose") or self.low[nxt] in (
                        "who", "whose", "which", "where", "and", "or") or self._is_cap(nxt)):
                    # more appositives, or a relative clause holding commas of its own: "Woodrow
                    # Benford, 58, who lives outside Minneapolis, says", "Westmacott, who served in
                    # Iran, Turkey and France, praised": the verb follows a later comma
                    k3 = nxt
                    while k3 < hi and k3 < j + 30 and self.kind[k3] != "q":
                        if self.tt[k3] == "," and k3 + 1 < hi and self._verb_like(k3 + 1):
                            nxt = k3 + 1
                            break
                        k3 += 1
                j = nxt
            else:
                return False, False, False
        while j < hi and (self.low[j] in SKIP_BEFORE_VERB or (self.low[j].endswith("ly") and self.tt[j][:1].islower())):
            j += 1
        if j >= hi or self.kind[j] != "w":
            return False, False, False
        w = self.low[j]
        if self._is_report_verb(j) or w in WEAK_VERBS:
            return True, main, True
        if not self.tt[j][:1].islower():
            return False, False, False
        if w in PREPOSITIONS or w in SUBORDINATORS or w in ("and", "or", "but", "who", "which",
                                                               "that", "whose", "of", "'s", "to"):
            # "Trump at the time said": a reporting verb close behind still makes a subject
            for x in range(j, min(hi, j + 7)):
                if self.kind[x] != "w":
                    break
                if self._is_report_verb(x):
                    return True, main, True
            return False, False, False
        return True, main, False

    def _verb_like(self, k: int) -> bool:
        """Does the lower-case word at k look like a finite verb ("praised", "says", "has")?"""
        w = self.low[k]
        if self.kind[k] != "w" or not self.tt[k][:1].islower():
            return False
        if w in ("has", "had", "is", "was", "will", "would", "could", "should", "did", "does", "can",
                 "may", "might", "must") or self._is_report_verb(k) or w in WEAK_VERBS:
            return True
        return len(w) > 3 and (w.endswith("ed") or (w.endswith("s") and not w.endswith(_NOT_VERB_ENDINGS))) and \
            w not in PREPOSITIONS and w not in SUBORDINATORS and w not in _S_ADVERBS

    def _resolve_name(self, a: int, b: int) -> tuple[Optional[str], Optional[Entity]]:
        """Resolve the capitalised run [a, b) (titles included) to a full name."""
        lo = self.sent_start[self.sent[a]]
        names = list(self._names_in_run(a, b, lo))
        if not names:
            return None, None
        s, e, titles = names[-1]
        m = self.mention_at.get(s)
        if m is not None:
            ent = self._canon(m[2])
        else:
            nm = self._name_text(s, e)
            toks = [t for t in nm.split() if t.lower() not in HONORIFICS] or nm.split()
            core = [t for t in toks if t.lower() not in SUFFIXES] or toks
            if len(core) == 1:
                fl = core[0].lower()
                cands = self.by_last.get(fl) or [e for e in self.by_first.get(fl, ())
                                                 if fl in MALE_NAMES or fl in FEMALE_NAMES]
                if not cands:
                    return nm, None
                ent = self._canon(self._pick(cands, s))
            else:
                ent = self.entities.get(f"{core[0].lower()} {core[-1].lower()}")
                if ent is None:
                    return " ".join(toks), None
        return self._full_name(ent, s), ent

    def _full_name(self, ent: Entity, pos: int) -> str:
        ent = self._canon(ent)
        return ent.full

    def _resolve_pronoun(self, i: int) -> tuple[Optional[str], Optional[Entity]]:
        w = self.low[i]
        g = PRONOUNS.get(w)
        if g not in ("m", "f", "p"):
            return None, None
        k = bisect.bisect_left(self.subject_pos, i) - 1
        # Look back over named subjects; the first whose gender fits wins.
        while k >= 0:
            pos, ent = self.subjects[k]
            ent = self._canon(ent)
            k -= 1
            if g == "p":
                if ent.org and self.ne_index[self.tpara[i]] - self.ne_index[self.tpara[pos]] <= 2:
                    return ent.full, ent
                if ent.person:
                    return None, None
                continue
            if not ent.person or ent.org:
                continue
            if ent.gender and ent.gender != g:
                continue
            return ent.full, ent
        if g in ("m", "f"):
            # No subject fits: the last named person (object or not) whose gender does not
            # conflict, a possessive ("Obama's speech") only when nobody else is named
            k0 = bisect.bisect_left(self.mention_starts, i) - 1
            for possessive_ok in (False, True):
                k = k0
                while k >= 0:
                    a, b, ent, poss = self.mentions[k]
                    k -= 1
                    ent = self._canon(ent)
                    if ent.person and not ent.org and (possessive_ok or not poss) and (
                            ent.gender == g or (ent.gender is None and not possessive_ok)) and not self._in_title(a):
                        return ent.full, ent
        return None, None

    def _in_title(self, k: int) -> bool:
        return self.tpara[k] in self.title_para

    def _resolve_desc(self, a: int, b: int) -> tuple[Optional[str], Optional[Entity]]:
        """'the Ukrainian leader', 'the former secretary of state': unique title match only."""
        words = [self.low[k].rstrip(".") for k in range(a, b)
                 if self.kind[k] == "w" and self.low[k] not in DETERMINERS and self.low[k] != "of"]
        if not words or any(is_possessive(self.tt[k]) for k in range(a, b)):
            return None, None
        head = words[-1]
        if head not in HEAD_TITLES and head not in ROLE_SYNONYMS:
            return None, None
        matches = []
        for ent in {id(e): e for e in (self._canon(x) for x in self.entities.values())}.values():
            if not ent.person or ent.org:
                continue
            ok = True
            for w in words:
                syn = ROLE_SYNONYMS.get(w, {w})
                if not (syn & ent.titles) and not (w in ("ukrainian", "russian") and w in ent.titles):
                    ok = False
                    break
            if ok:
                matches.append(ent)
        if len(matches) == 1:
            return matches[0].full, matches[0]
        return None, None

    def _finish(self, at: Optional[Attr]) -> Optional[Attr]:
        """Resolve an attribution's mention to a name."""
        if at is None:
            return None
        if at.kind == "pron":
            at.name, ent = self._resolve_pronoun(at.ment_start)
        elif at.kind == "name":
            a, b = at.ment_start, at.ment_end
            name, ent = self._resolve_name(a, b)
            # mention offsets: the name proper, without titles
            lo = self.sent_start[self.sent[a]]
            ns = list(self._names_in_run(a, b, lo))
            if ns:
                at.ment_start, at.ment_end = ns[-1][0], ns[-1][1]
            else:
                # all titles ("the President"): a description
                at.kind = "desc"
                at.name, ent = self._resolve_desc(a, b)
                at.key = ent.key if ent else None
                return at
            if name and ent is None and name.lower() in STOP_CAPS:
                name = None
            if name and all(is_nationality(w) for w in name.split()):
                name = None  # "Democratic", "Republican", "American": an adjective, not a name
            if ent is None and name is not None and self._sentence_initial(at.ment_start) \
                    and " " not in name and name.lower() in self._lower_words:
                name = None
            at.name = name
        elif at.kind == "desc":
            at.name, ent = self._resolve_desc(at.ment_start, at.ment_end)
        else:
            ent = None
        at.key = self._canon(ent).key if ent else (at.name.lower() if at.name else None)
        return at

    def _is_person_name(self, at: Attr) -> bool:
        key = at.key
        for e in self.entities.values():
            e = self._canon(e)
            if e.key == key:
                return e.person and not e.org
        return False
