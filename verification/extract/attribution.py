"""Stage 3, attribution rules: who said each quote.

In: the quoted pieces, tokens, clauses and names. Out: ``q.attr`` (an
:class:`~.records.Attr`, resolved by ``names``), ``q.own_attr``/``q.strong``
(the quote's own, direct attribution), ``q.drop`` (scare quotes, terms and
titles) and ``q.short`` (a fragment of fewer than four words with no direct
attribution: dropped, listed only on request) on every quote;
``speaker_labels`` adds transcript lines ("TRUMP: We are going to win.") as
quotes of their labelled speaker.

Order (``attribute``): the clause right after the quote (``_attr_after``,
credit lines with any dash, verbs outside the lexicon in a bare clause), then
the nearest reporting verb before it in its sentence (``_attr_before``), a name
and a colon (``_colon_name``), the first piece of a split quote
(``_split_partner``); then, for a quote with nothing of its own, an attributed
quote of the same sentence, the sentence's subject (weak), the other pieces of
a multi-paragraph quote, a quote or reporting clause of the same paragraph,
the subject of the sentence before (``_prev_sentence_subject``), a name line
after it, a lead-in ending with a colon (``_lead_in``), the last speaker of the
paragraph before. The rules in words are in ``docs/extraction.md``.
"""
from __future__ import annotations

import re
from typing import Optional

from .lexicon import (
    DASHES, DETERMINERS, HONORIFICS, INVERTING, NOT_NP_START, ORG_WORDS, PREPOSITIONS, PRONOUNS,
    REPORT_VERBS, SCARE_BEFORE, SKIP_BEFORE_VERB, SPEAKER_LABEL_STOP, SPEECH_NOUNS, TITLE_WORDS,
    WEAK_VERBS, WEEKDAYS, is_nationality, is_possessive, is_role_noun,
)
from .marks import is_title_case, word_count
from .records import Attr, Quote


# Subordinators of clauses that are not the quote's attribution ("as" is: "as Smith put it").
_ADVERBIAL_SUBORDINATORS = {"when", "whenever", "if", "because", "after", "before", "while", "although",
                            "though", "since", "until", "unless", "once"}


# Adverbs that may stand between "and"/"but" and a coordinated verb.
_ADVERBS = {"now", "then", "later", "also", "instead", "still", "again", "even", "soon", "finally", "quickly"}


_LABEL_RE = re.compile(
    r"^(?P<label>(?:[A-Z][A-Z'’.\-]+(?: [A-Z][A-Z'’.\-]+){0,3})|(?:(?:Mr|Mrs|Ms|Dr)\. )?[A-Z][a-z'’\-]+(?: [A-Z][a-z'’\-]+){0,2})"
    r"\s*:\s+(?P<body>\S.*)$"
)


class Attribution:
    def _attr_after(self, q: Quote) -> Optional[Attr]:
        i = q.tok + 1
        n = len(self.tt)
        if i >= n or self.tpara[i] != q.para:
            return None
        hi = i
        sid = self.sent[i]
        while hi < n and self.tpara[hi] == q.para and self.kind[hi] != "q" and self.sent[hi] == sid \
                and self.tt[hi] != ";":
            hi += 1
        if hi > i and self.tt[hi - 1] in ".!?":
            hi -= 1
        content = self.text[q.start:q.end].rstrip()
        ends = content.rstrip("'’\"”")[-1:]
        j = i
        lead_comma = False
        if j < hi and self.tt[j] in (",", ":"):
            lead_comma = True
            j += 1
        if j + 1 < hi and self.tt[j] in ("”", '"') and self.ts[j] == self.te[j - 1] and (
                lead_comma or self.tt[j + 1] == ","):
            # '“… he’s like 6’2”,” Rubio said': the inch mark closed the quote, the stray mark is its end
            j += 1
            if self.tt[j] == ",":
                lead_comma = True
                j += 1
        d = j
        while d < hi and self.tt[d] in DASHES:
            d += 1
        if d > j and d < hi and self._is_cap(d):
            # a credit line: "…" — Name / "…" -- Name, farmer / "…" ― Name (any dash)
            b = self._name_run_fwd(d, hi)
            if b >= hi or self.tt[b] in (",", "(", ".") or b == hi:
                if self.sent_start[self.sent[q.tok]] < q.tok:
                    before = self._attr_before(q)
                    if before is not None and before.kind in ("name", "pron"):
                        # 'Rajoy insisted that his party was "still the No. 1 force."--Kim
                        # Hjelmgaard.': a quote inside a reported sentence; the dash signs the item
                        return None
                return Attr(d, b, "name", -1)
        if j >= hi:
            return None
        # according to X
        if self.low[j] == "according" and j + 1 < hi and self.low[j + 1] == "to":
            at = self._np_after(j + 2, hi)
            if at:
                at.verb = j
            return at
        # inverted: said Putin
        if self.low[j] in INVERTING and self._is_report_verb(j):
            at = self._np_after(j + 1, hi)
            if at is not None:
                at.verb = j
                return at
            return None
        # '"… Moscow." Zelenskyy said.', '"… run!" He said.': a capitalised clause after a quote
        # ending a sentence attributes it only when bare (a name after "?" or "!" may start it)
        ends_period = ends == "." or (ends in ("!", "?") and self.low[j] in PRONOUNS)
        # subject then verb within a short window
        for v in range(j, min(hi, j + 30)):
            if self.kind[v] == "q":
                break
            if self._is_report_verb(v):
                if v == j:
                    return None
                at = self._np_before(v, j)
                if at is not None and at.kind == "desc" and (
                        self.low[at.ment_start] in PREPOSITIONS or self.low[at.ment_start] in NOT_NP_START):
                    return None
                if at is None or at.ment_start != j:
                    # the subject must start the clause ("…," Putin said)
                    if at is not None and at.kind == "name":
                        k = j
                        # (titles, modifiers and role nouns before the name: "White House press
                        # secretary Josh Earnest", "Cruz constituent Dan Golvach said")
                        while k < at.ment_start and (self.low[k] in TITLE_WORDS or self.low[k] in DETERMINERS
                                                     or is_nationality(self.tt[k]) or self._is_cap(k)
                                                     or self.low[k].rstrip(".") in TITLE_WORDS
                                                     or self._role_chain(k, at.ment_start) > k
                                                     or self.tt[k] == ","
                                                     or (self.low[k] in ("and", "&") and k > j
                                                         and self._is_cap(k - 1) and self._is_cap(k + 1))):
                            k = max(k + 1, self._role_chain(k, at.ment_start))
                        if k != at.ment_start:
                            return None
                    else:
                        return None
                if ends_period and not lead_comma and not self._bare_after(v, hi):
                    return None  # '"… broken." Candidate Hillary Clinton said Wednesday she …': a new sentence
                if ends_period and not lead_comma and (self.low[j] in ("but", "and", "so", "yet") or any(
                        self.low[x] in ("not", "never", "n't") for x in range(at.ment_end, v))):
                    return None  # '"… bad." But Mr. Trump did not respond in kind.'
                return at
            w = self.low[v]
            if self.kind[v] == "w" and self.tt[v][:1].islower() and w not in TITLE_WORDS and \
                    w not in DETERMINERS and w not in SKIP_BEFORE_VERB and w not in PREPOSITIONS and \
                    w not in PRONOUNS and w not in WEEKDAYS and w not in ("who", "whose", "and", "the") and \
                    self._role_chain(v, hi) == v:
                # a word that is neither a subject nor the verb: some other clause, or a
                # reporting verb outside the lexicon ("…," Hannity started. / "…," implored Smith.)
                unlisted = self._unlisted_verb_after(j, v, hi)
                if unlisted is not None:
                    return unlisted
                if v > j and self.tt[v - 1] != ",":
                    # allow appositive words only between commas
                    in_appos = any(self.tt[x] == "," for x in range(j, v))
                    if not in_appos:
                        return None
        return None

    def _unlisted_verb_after(self, j: int, v: int, hi: int) -> Optional[Attr]:
        """A past-tense verb outside the lexicon in a bare clause right after a quote, with a
        name or he/she before it or a name after it: '"…?" Beck questioned.', '"…," Hannity
        started.', '"…," implored Jane Doe.' A weak attribution (it never rescues a short
        quote)."""
        w = self.low[v]
        if not (len(w) > 4 and w.endswith("ed") and self.tt[v][:1].islower()) or w in WEAK_VERBS:
            return None
        if v == j:
            at = self._np_after(v + 1, hi)
            if at is None or at.kind != "name" or not (at.ment_end >= hi or self.tt[at.ment_end] in (",", ".", "(")):
                return None
        else:
            at = self._np_before(v, j, allow_appos=False)
            if at is None or at.kind not in ("name", "pron") or at.ment_start != j or not self._bare_after(v, hi):
                return None
        at.verb = v
        at.strong = False
        return at

    def _colon_name(self, i: int, lo: int) -> Optional[Attr]:
        """The speaker named right before the colon at token i: "Rubio: “…”", "Republican
        pollster Daron Shaw: “…”", "Rep. Trey Gowdy (R-S.C.): “…”", "Bush's Facebook post: “…”".
        A reporting verb before the colon is not handled here."""
        k = i - 1
        if k > lo and self.tt[k] == ")":
            # "Rep. Trey Gowdy (R-S.C.): “…”"
            x = k
            while x > lo and self.tt[x] != "(" and k - x < 8:
                x -= 1
            if self.tt[x] == "(":
                k = x - 1
        if k >= lo and self.kind[k] == "w":
            # a reporting verb before the colon is handled below; a bare name here
            a = self._name_run_back(k, lo) if self._is_cap(k) else None
            if a is not None and a - 2 >= lo and self.tt[a - 1] == "," and self._is_cap(a - 2) and (
                    any(self.low[x].rstrip(".") in ORG_WORDS for x in range(a, k + 1)) or self.tt[k].isupper()):
                # "Dana Reyes, Fox News: “…”": the person, not the outlet after her name
                a2 = self._name_run_back(a - 2, lo)
                if (a2 == lo or self.tt[a2 - 1] in DASHES or self.kind[a2 - 1] == "q") and \
                        not self._is_place_run(a2, a - 1):
                    return Attr(a2, a - 1, "name", -1)
            if a is not None and (a == lo or self.tt[a - 1] in (",", "—", "–", "(", "-") or self.kind[a - 1] == "q"
                                  or (self.low[a - 1] in ("from", "by") and not self._is_place_run(a, k + 1))
                                  or (self.tt[a - 1][:1].islower() and is_role_noun(self.low[a - 1])
                                      and not self._object_of_preposition(a - 1, lo))):
                # "Rubio: “…”", "Republican pollster Daron Shaw: “…”"
                return Attr(a, k + 1, "name", -1)
            if self.low[k] in SPEECH_NOUNS and k - 1 >= lo:
                p = k - 1
                if p - 1 >= lo and self._is_cap(p) and not is_possessive(self.tt[p]) and is_possessive(self.tt[p - 1]):
                    p -= 1  # "Bush's Facebook post:"
                if is_possessive(self.tt[p]) and self._is_cap(p):
                    a = self._name_run_back(p, lo)
                    return Attr(a, p + 1, "name", -1)
        return None

    def _later_clause_subject(self, v: int, q: Quote) -> Optional[Attr]:
        """A clause with its own named subject between another quote (the one the verb at v
        introduces) and this one: 'in a clip that Judge Mosman called “distasteful,” Santilli
        expressed a desire to “…”' -> Santilli (weak)."""
        mid = [x for x in range(v + 1, q.tok) if self.kind[x] == "q"]
        if not mid:
            return None
        for y in range(mid[-1] + 1, q.tok - 1):
            if not self._is_cap(y) or not (self.tt[y - 1] == "," or self.low[y - 1] in ("and", "but")
                                            or y - 1 == mid[-1]):
                continue
            b = self._name_run_fwd(y, q.tok)
            if b < q.tok and self._verb_like(b) and not self._is_report_verb(b):
                at = self._finish(Attr(y, b, "name", b))
                if at.name and self._is_person_name(at):
                    at.strong = False
                    return at
        return None

    def _subordinate_subject(self, a: int, v: int) -> Optional[Attr]:
        """The subject of the nearest clause opened by a subordinator ("as", "when" …) between
        tokens a and v: a name or he/she right after the subordinator."""
        for x in range(v - 2, a - 1, -1):
            if self.low[x] not in _ADVERBIAL_SUBORDINATORS and self.low[x] != "as":
                continue
            y = x + 1
            if self.low[y] in ("he", "she"):
                return Attr(y, y + 1, "pron", v)
            if self._is_cap(y):
                b = self._name_run_fwd(y, v)
                if b < v and self.tt[b][:1].islower() and self.kind[b] == "w" and not is_possessive(self.tt[b - 1]):
                    at = self._finish(Attr(y, b, "name", v))
                    if at.name and self._is_person_name(at):
                        return at
        return None

    def _in_adverbial_clause(self, v: int, lo: int, i: int) -> bool:
        """Is the verb at v in a clause opened by "when", "if", "because" … that ends with a
        comma before the quote, its words not the quote ('Clinton said that when Ms. Warren
        railed against Wall Street from her perch in the Senate, “she is speaking for all of
        us”')? The quote then belongs to the clause around it."""
        if self.tt[i] != "," or i - v < 4 or self.low[v].endswith("ing"):
            return False
        if any(self.kind[x] == "q" or self.tt[x] in (",", ":") for x in range(v + 1, i)):
            return False
        at = self._np_before(v, lo, allow_appos=False)
        if at is None or at.kind not in ("name", "pron"):
            return False
        p = at.ment_start - 1
        while p >= lo and (self.low[p] in TITLE_WORDS or self.low[p].rstrip(".") in TITLE_WORDS):
            p -= 1
        return p >= lo and self.low[p] in _ADVERBIAL_SUBORDINATORS

    def _object_of_preposition(self, k: int, lo: int) -> bool:
        """Is the role noun at k, with its modifiers, the object of a preposition or a verb
        ("told the Dutch newspaper NRC Handelsblad:", "wrote to party chairman Reince Priebus:")?"""
        x = k - 1
        while x >= lo and x > k - 6 and self.kind[x] == "w" and (
                self.tt[x][:1].islower() or is_nationality(self.tt[x])) and self.low[x] not in PREPOSITIONS \
                and self.low[x] not in DETERMINERS and not self._is_report_verb(x):
            x -= 1
        if x >= lo and self.low[x] in DETERMINERS:
            x -= 1
        return x >= lo and self.kind[x] == "w" and (self.low[x] in PREPOSITIONS or self._is_report_verb(x))

    def _attr_before(self, q: Quote) -> Optional[Attr]:
        i = q.tok - 1
        if i < 0 or self.tpara[i] != q.para:
            return None
        lo = self.sent_start[self.sent[q.tok]]
        if lo > i:
            return None
        # colon form: Name: "…"
        if self.tt[i] == ":":
            named = self._colon_name(i, lo)
            if named is not None:
                return named
        short = q.words < 4
        weak_ok = not short
        for v in range(i, lo - 1, -1):
            if self.kind[v] != "w":
                continue
            w = self.low[v]
            if w == "according" and v + 1 <= i and self.low[v + 1] == "to":
                at = self._np_after(v + 2, q.tok)
                if at is not None:
                    at.verb = v
                    return at
                continue
            strong = self._is_report_verb(v) or (v == lo and w.endswith("ing") and w in REPORT_VERBS)
            if not strong and v == lo and w in INVERTING and self._is_cap(v):
                # "Said Dorothy Poynter, who grew up with Ali, “…”"
                at = self._np_after(v + 1, q.tok)
                if at is not None:
                    at.verb = v
                    return at
            weak = (not strong) and weak_ok and w in WEAK_VERBS and self.tt[v][:1].islower()
            if not (strong or weak):
                continue
            if self._in_adverbial_clause(v, lo, i):
                continue
            later = self._later_clause_subject(v, q)
            if later is not None:
                return later
            # passive: "was asked by host Bill Maher, “…”"
            if v + 2 <= i and self.low[v + 1] == "by" and v - 1 >= lo and self.low[v - 1] in (
                    "was", "were", "is", "are", "been", "being"):
                at = self._np_after(v + 2, q.tok)
                if at is not None and at.kind in ("name", "pron"):
                    at.verb = v
                    at.strong = strong
                    return at
            if w.endswith("ing") and not (v - 2 >= lo and self.low[v - 1] == "as" and self.low[v - 2] == "quoted"):
                # "with Gorka noting '…'", "Sanders is pledging to '…'": the noun phrase before it;
                # a participle after a comma ("…, saying '…'"): the subject of the main clause
                at = None
                if v - 1 >= lo and self.tt[v - 1] != ",":
                    at = self._np_before(v, lo)
                    if at is not None and at.kind not in ("name", "pron"):
                        at = None
                    if at is not None and at.ment_start - 1 >= lo:
                        pb = self.low[at.ment_start - 1]
                        if (pb in PREPOSITIONS and pb != "with") or pb in DETERMINERS:
                            at = None  # "a statement to Wired explaining …"
                if at is None and v == lo:
                    at = self._subject_after_opener(q)
                if at is None and v - 1 >= lo and self.tt[v - 1] == ",":
                    at = self._main_subject(v, lo)
                    sub = self._subordinate_subject(at.ment_end if at is not None else lo, v)
                    if at is None or at.kind not in ("name", "pron"):
                        # "It was a one-two punch, as Mrs. Clinton echoed the criticism, saying …"
                        at = sub or at
                    elif sub is not None and self._finish(sub).key != self._finish(at).key:
                        # "He tweeted when Clinton ended the debate …, remarking, “…”": whose
                        # participle it is, the words do not say
                        at = Attr(v, v, "none", v)
                elif at is None:
                    at = self._main_subject(v, lo)
                if at is not None:
                    at.strong = strong
                return at
            at = None
            if v - 1 >= lo and self.tt[v - 1] == "," or v == lo:
                if w in INVERTING:
                    at = self._np_after(v + 1, q.tok)
                    # inversion ("…, said Smith, “…”") needs punctuation after the name;
                    # "…, said Obama “understood …”" has Obama as the subject of the complement
                    if at is not None and at.ment_end < len(self.tt) and self.tt[at.ment_end] in (",", ":", "(", "—", "–"):
                        at.verb = v
                    else:
                        at = None
                if at is None:
                    at = self._np_before(v, lo)
                    if at is None or at.kind == "desc":
                        at2 = self._main_subject(v, lo)
                        at = at2 or at
            elif v - 1 >= lo and self.low[v - 1] == "to":
                # an infinitive: "went on to say, “…”", "was prompted to say, “…”"
                at = self._nearest_subject(v, lo, main_only=True) or self._nearest_subject(v, lo) or \
                    self._main_subject(v, lo)
            else:
                at = self._np_before(v, lo)
                if at is None or (at.kind == "desc" and self.low[at.ment_start] in NOT_NP_START) or (
                        at.kind == "desc" and self.low[at.ment_end - 1] in NOT_NP_START) or (
                        at.kind == "desc" and at.ment_start - 1 >= lo and self.low[at.ment_start - 1] in (
                            "and", "but") and all(self.low[x] in _ADVERBS for x in range(at.ment_start, at.ment_end))):
                    # coordinated verbs: "Hayek confirmed she had been and said, “…”", "… used to
                    # support Rand Paul, but now said Trump had “…”" (adverbs are no subject)
                    at = self._nearest_subject(v, lo) or self._main_subject(v, lo) or at
            if at is None:
                at = Attr(v, v, "none", v)
            at.strong = strong
            return at
        # "Hillary Clinton cracked, “…”": a past-tense verb, a comma and the quote
        if self.tt[i] == "," and i - 1 >= lo and self.kind[i - 1] == "w" and self.low[i - 1].endswith("ed") \
                and self.tt[i - 1][:1].islower():
            at = self._np_before(i - 1, lo)
            if at is None or at.kind not in ("name", "pron"):
                at = self._main_subject(i - 1, lo)
            if at is not None and at.kind in ("name", "pron"):
                at.strong = False
                return at
        # "… then leaned in and boomed: “…”" -- a clause ending in a colon introduces the quote
        if self.tt[i] == ":" and i - 1 >= lo and self.kind[i - 1] == "w":
            at = self._main_subject(i, lo)
            if at is not None:
                at.strong = False
                return at
        return None

    def attribute(self) -> None:
        qs = self.quotes
        for q in qs:
            if q.kind == "l":
                continue
            at = None
            if not q.cont_prev:
                after = self._attr_after(q)
                before = None
                if after is None or self._after_introduces_next(after):
                    before = self._attr_before(q)
                at = before if (before is not None and before.kind != "none") else (after or before)
                if after is None and (at is None or at.kind not in ("name", "pron")):
                    partner = self._split_partner(q)
                    if partner is not None:
                        # '"…," said Sherman, speaking of politicians, "and leave …"'
                        q.attr, q.own_attr, q.strong = partner.attr, True, partner.strong
                        continue
            else:
                at = self._attr_after(q)
            if at is not None:
                at = self._finish(at)
                q.attr = at
                q.own_attr = True
                q.strong = at.strong
        # a quote with nothing of its own takes an attributed quote of the same sentence
        # ("Guns are “…” and “…,” Howard Dean proclaimed"), else the sentence's subject
        for q in qs:
            if q.attr is not None or q.kind == "l" or q.cont_prev:
                continue
            same = [x for x in qs if x is not q and x.attr is not None and x.own_attr and x.tok >= 0
                    and self.sent[x.tok] == self.sent[q.tok] and x.attr.kind != "none"
                    and not self._introduced_after(q, x)]
            if same:
                q.attr = same[0].attr
                q.own_attr = True
                q.strong = same[0].strong
                continue
            at = self._sentence_final_clause(q)
            if at is not None:
                # "… will carry “a great deal of weight” and help …, DFA spokesman Neil Sroka said."
                q.attr, q.own_attr, q.strong = self._finish(at), True, False
                continue
            at = self._sentence_subject(q)
            if at is not None:
                at = self._finish(at)
                if at.kind == "pron" or (at.name and self._is_person_name(at)):
                    q.attr = at
                    q.own_attr = True
                    q.strong = False
        # groups of multi-paragraph pieces
        g = 0
        for idx, q in enumerate(qs):
            if q.cont_prev and idx > 0 and qs[idx - 1].cont_next:
                q.group = qs[idx - 1].group
            else:
                g += 1
                q.group = g
        # scare quotes / terms
        for q in qs:
            if q.kind == "l":
                continue
            before = self.text[max(self.paras[q.para][0], q.open - 60):q.open]
            if SCARE_BEFORE.search(before) and not (q.own_attr and q.attr and q.attr.kind != "none"
                                                     and q.attr.verb >= 0 and q.attr.verb > q.tok):
                q.drop = True
                continue
            group_words = sum(x.words for x in qs if x.group == q.group)
            if group_words < 4 and not (q.own_attr and q.strong):
                q.drop = q.short = True  # a fragment: listed only when asked (include_short)
                if q.attr is None:
                    split = self._split_continuation(q)
                    if split is not None:
                        q.attr = split.attr  # '“…,” said Javier Palomarez, the president. “Marco gets it.”'
                continue
            if not q.strong and group_words <= 10 and is_title_case(self.text[q.start:q.end]):
                q.drop = True
        # inheritance: group pieces, then paragraph neighbours, then colon lead-ins
        for _ in range(2):
            for idx, q in enumerate(qs):
                if q.attr is not None or q.drop:
                    continue
                src = None
                for x in qs:
                    if x.group == q.group and x is not q and x.attr is not None and not x.drop and x.own_attr:
                        src = x
                        break
                if src is None:
                    same = [x for x in qs if x.para == q.para and x is not q and x.attr is not None
                            and not x.drop and x.words >= 1 and x.attr.kind != "none"]
                    named = [x for x in same if x.attr.name]
                    same = named or same
                    prev = [x for x in same if x.open < q.open]
                    nxt = [x for x in same if x.open > q.open]
                    if prev:
                        src = prev[-1]
                    elif nxt:
                        src = nxt[0]
                if src is None and not q.cont_prev:
                    # a reporting clause earlier in the same paragraph:
                    # "Lynch announced on Monday the lawsuit. “We are seeking …”"
                    cl = None
                    for at in self._find_clauses():
                        v = at.verb if at.verb >= 0 else at.ment_start
                        if 0 <= v < q.tok and self.tpara[v] == q.para and at.name:
                            cl = at
                    if cl is not None:
                        q.attr = cl
                        q.inherited = True
                        continue
                    prev_subj = self._prev_sentence_subject(q)
                    if prev_subj is not None:
                        q.attr = prev_subj
                        q.inherited = True
                        continue
                if src is None and not q.cont_prev and self._para_ends_with(q):
                    tag = self._name_line_after(q)
                    if tag is not None:
                        q.attr = tag
                        q.own_attr = True
                        continue
                if src is None and (q.cont_prev or self._para_starts_with(q)):
                    src_at = self._lead_in(q)
                    if src_at is not None:
                        q.attr = src_at
                        q.inherited = True
                        continue
                if src is None:
                    for x in qs:
                        if x.group == q.group and x is not q and x.attr is not None and not x.drop:
                            src = x
                            break
                if src is not None:
                    q.attr = src.attr
                    q.inherited = True
                    continue
                if self._para_starts_with(q) and not q.cont_prev:
                    prev_at = self._prev_para_speaker(q)
                    if prev_at is not None:
                        q.attr = prev_at
                        q.inherited = True

    def _split_continuation(self, q: Quote) -> Optional[Quote]:
        """The quote before q in its paragraph when only that quote's own reporting clause
        stands between them ('“…,” said Javier Palomarez, the president of the chamber. “Marco
        gets it.”'): q goes on with the same speaker."""
        prev = [x for x in self.quotes if x.para == q.para and 0 <= x.tok < q.tok]
        if not prev:
            return None
        x = prev[-1]
        if x.attr is None or not x.own_attr or not x.strong or x.attr.kind not in ("name", "pron"):
            return None
        v = x.attr.verb if x.attr.verb >= 0 else x.attr.ment_start
        if not x.tok < v < q.tok or not x.tok < x.attr.ment_start < q.tok:
            return None
        if self.sent_start[self.sent[q.tok]] != q.tok and self.tt[q.tok - 1] not in (",", ":"):
            return None
        return x

    def _introduced_after(self, q: Quote, x: Quote) -> bool:
        """Is x a later quote introduced by a clause standing between q and x ('“We are not
        terrorists.” Mr. Zahed said: “The attack …”')? That clause is x's, not q's."""
        if x.tok < q.tok or x.attr is None:
            return False
        v = x.attr.verb if x.attr.verb >= 0 else x.attr.ment_start
        return q.tok < v < x.tok and (self.tt[x.tok - 1] in (",", ":") or q.tok < x.attr.ment_start < x.tok)

    def _sentence_final_clause(self, q: Quote) -> Optional[Attr]:
        """A bare reporting clause closing the quote's sentence after a comma: ", Neil Sroka
        said." / ", said Neil Sroka." / ", Zuckoff said." (weak: it never rescues a fragment)."""
        hi = self.sent_end[self.sent[q.tok]]
        if hi > q.tok + 1 and self.tt[hi - 1] in ".!?":
            hi -= 1
        c = hi - 1
        while c > q.tok and self.tt[c] != "," and self.kind[c] != "q":
            c -= 1
        if c <= q.tok or self.tt[c] != "," or hi - c > 14:
            return None
        j = c + 1
        for v in range(j, hi):
            if not self._is_report_verb(v):
                continue
            if v == j and self.low[v] in INVERTING:
                at = self._np_after(v + 1, hi)
                if at is not None and at.kind == "name" and at.ment_end >= hi:
                    at.verb = v
                    return at
                return None
            at = self._np_before(v, j, allow_appos=False)
            if at is None or at.kind not in ("name", "pron") or not self._bare_after(v, hi):
                return None
            k = j
            while k < at.ment_start and (self._is_cap(k) or self.low[k] in TITLE_WORDS
                                         or self._role_chain(k, at.ment_start) > k):
                k = max(k + 1, self._role_chain(k, at.ment_start))
            return at if k == at.ment_start else None
        return None

    def _subject_after_opener(self, q: Quote) -> Optional[Attr]:
        """'Acknowledging that Trump “says a lot of stupid stuff,” though, Allen did suggest …':
        a quote inside an opening participial clause belongs to the subject of the main clause,
        which follows the clause's comma."""
        hi = self.sent_end[self.sent[q.tok]]
        k = q.tok + 1
        while k < hi and self.tt[k] != "," and self.kind[k] != "q":
            k += 1
        if k >= hi or self.tt[k] != ",":
            return None
        at = self._np_initial(k + 1, hi)
        if at is None or at.kind not in ("name", "pron"):
            return None
        at.verb = -1  # (the verb of the main clause is not needed: the mention anchors place and date)
        return at

    def _split_partner(self, q: Quote) -> Optional[Quote]:
        """The first piece of a quote split by its reporting clause: the previous quote of
        the same sentence, attributed by a verb that stands between the two pieces."""
        if q.tok <= 0:
            return None
        for x in reversed(self.quotes):
            if x.tok < 0 or x.tok >= q.tok or x.para != q.para:
                continue
            if self.sent[x.tok] != self.sent[q.tok] or x.attr is None or not x.own_attr:
                return None
            v = x.attr.verb if x.attr.verb >= 0 else x.attr.ment_start
            return x if x.tok < v < q.tok and x.attr.name else None
        return None

    def _prev_sentence_subject(self, q: Quote) -> Optional[Attr]:
        """A quote that opens a sentence takes the named subject of the sentence before it in
        the same paragraph: 'Clinton touted her credentials as a co-sponsor. "We need …"'."""
        if q.tok <= 0 or self.sent_start[self.sent[q.tok]] != q.tok:
            return None
        if self._unread_clause_after(q):
            return None
        p = q.tok - 1
        if self.tpara[p] != q.para:
            return None
        lo = self.sent_start[self.sent[p]]
        at = self._np_initial(lo, p + 1)
        if at is None or at.kind != "name":
            return None
        at = self._finish(at)
        if not at.name or not self._is_person_name(at):
            return None
        at.strong = False
        return at

    def _unread_clause_after(self, q: Quote) -> bool:
        """Does the quote's sentence go on with a reporting clause that no rule could read
        ('“…,” perhaps only 10%, he quoted one analyst')? Then the quote is someone's the
        sentence names, and the speaker of a neighbouring sentence is a guess."""
        hi = self.sent_end[self.sent[q.tok]]
        for k in range(q.tok + 1, hi):
            if self.kind[k] == "q":
                return False
            if self._is_report_verb(k) or self.low[k] in ("quoted", "quoting", "quotes"):
                return True
        return False

    def _prev_para_speaker(self, q: Quote) -> Optional[Attr]:
        """A paragraph that is only a quote continues the speaker of the paragraph before it
        (the news convention): the last attributed quote or reporting clause there."""
        # the quote's paragraph must hold no attribution of its own
        if any(x.para == q.para and x.attr is not None and x is not q and not x.drop for x in self.quotes):
            return None
        p = q.para - 1
        while p >= 0 and not self.text[self.paras[p][0]:self.paras[p][1]].strip():
            p -= 1
        if p < 0:
            return None
        best_pos, best = -1, None
        for x in self.quotes:
            if x.para == p and x.attr is not None and not x.drop and x.attr.name and x.open > best_pos:
                best_pos, best = x.open, x.attr
        for at in self._find_clauses():
            v = at.verb if at.verb >= 0 else at.ment_start
            if 0 <= v < len(self.tpara) and self.tpara[v] == p and at.name and self.ts[v] > best_pos:
                best_pos, best = self.ts[v], at
        return best

    def _para_ends_with(self, q: Quote) -> bool:
        a, b = self.paras[q.para]
        return not self.text[q.outer_end:b].strip(" \t.,")

    def _name_line_after(self, q: Quote) -> Optional[Attr]:
        """A short next paragraph that is only a name: '“…”' / '- Clinton.' or
        '“…”' / 'Josh Bivens, Economic Policy Institute.'"""
        k = q.tok + 1
        while k < len(self.tt) and self.tpara[k] == q.para:
            k += 1
        if k >= len(self.tt):
            return None
        p = self.tpara[k]
        if self.ne_index[p] - self.ne_index[q.para] != 1:
            return None
        end = k
        while end < len(self.tt) and self.tpara[end] == p:
            end += 1
        if end - k > 14 or any(self.kind[x] == "q" for x in range(k, end)):
            return None
        j = k
        while j < end and self.tt[j] in DASHES:
            j += 1
        if j >= end or not self._is_cap(j):
            return None
        b = self._name_run_fwd(j, end)
        if b < end and self.tt[b] not in (",", ".", "(") or b - j > 4:
            return None
        if j == k and not (b < end and self.tt[b] == ","):
            return None  # needs a dash ("- Clinton.") or a comma ("Josh Bivens, EPI.")
        if all(self.tt[x].isupper() for x in range(j, b)):
            return None  # a section head in capitals
        return self._finish(Attr(j, b, "name", -1))

    def _para_starts_with(self, q: Quote) -> bool:
        a, b = self.paras[q.para]
        return not self.text[a:q.open].strip()

    def _lead_in(self, q: Quote) -> Optional[Attr]:
        """A quote paragraph after a paragraph ending with a colon: 'Cruz called them on it:'."""
        k = q.tok - 1
        while k >= 0 and self.tpara[k] == q.para:
            k -= 1
        if k < 0 or self.tt[k] != ":" or self.tpara[k] < q.para - 2:
            return None
        lo = self.sent_start[self.sent[k]]
        named = self._colon_name(k, lo)
        if named is not None:
            # "Frank quotes former Carter adviser Alfred Kahn:" -- the name before the colon
            return self._finish(named)
        for v in range(k - 1, lo - 1, -1):
            if self.kind[v] == "q":
                break
            if self._is_report_verb(v) or (self.low[v] in WEAK_VERBS and self.tt[v][:1].islower()):
                at = self._np_before(v, lo)
                if at is None and self.low[v] in INVERTING:
                    at = self._np_after(v + 1, k)
                return self._finish(at) if at else None
        # any clause: its sentence-initial subject, if the article names it ("Wait, it gets
        # better:" names nobody)
        at = self._finish(self._main_subject(k, lo))
        if at is not None and at.kind == "name" and at.key not in self._known_speakers():
            return None
        return at

    def _known_speakers(self) -> set:
        """Keys of the people and organisations the article names."""
        keys = getattr(self, "_speaker_keys", None)
        if keys is None:
            keys = self._speaker_keys = {e.key for e in (self._canon(x) for x in self.entities.values())
                                         if e.person or e.org}
        return keys

    def speaker_labels(self) -> None:
        """Transcript lines 'TRUMP: We are going to win.' (no quote marks)."""
        text = self.text
        for pi, (a, b) in enumerate(self.paras):
            line = text[a:b]
            if not line or ":" not in line[:45]:
                continue
            if any(q.para == pi for q in self.quotes):
                continue
            m = _LABEL_RE.match(line)
            if not m:
                continue
            label = m.group("label").strip()
            if label.lower().rstrip(".") in SPEAKER_LABEL_STOP or label.split()[0].lower() in SPEAKER_LABEL_STOP:
                continue
            if len(label) <= 2:
                continue
            body_s = a + m.start("body")
            body_e = b
            while body_e > body_s and text[body_e - 1].isspace():
                body_e -= 1
            nice = " ".join(w if w.lower() in ("mr.", "mrs.", "ms.", "dr.") else (w.capitalize() if w.isupper() else w)
                            for w in label.split())
            toks = [t for t in nice.split() if t.lower() not in HONORIFICS]
            if not toks:
                continue
            cands = [e for e in self.by_last.get(toks[-1].lower().rstrip(":"), ())
                     if self._canon(e).person and not self._canon(e).org]
            if label.isupper():
                if not cands and not word_count(label) <= 3:
                    continue
            elif not cands:
                continue  # Title Case label: only a person the article names
            words = word_count(text[body_s:body_e])
            if words < 2:
                continue
            name = self._canon(self._pick(cands, 0)).full if cands else " ".join(toks)
            lq = Quote(open=body_s - 1, close=None, para=pi, start=body_s, end=body_e, kind="l",
                        words=words, label_name=name)
            lq.attr = Attr(-1, -1, "label", -1, name=name, key=name.lower())
            lq.own_attr = True
            lq.strong = True
            lq._label_span = (a + m.start("label"), a + m.end("label"))  # type: ignore[attr-defined]
            self.quotes.append(lq)
