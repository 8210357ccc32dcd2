"""Stage 2b, clauses: reporting verbs and the noun phrases around them.

In: the tokens (stage 2a) and the name runs (``names``). Out: whether a token is a
reporting verb in use (``_is_report_verb``: "said", not "the report"; "says"
only after a subject-like word; not "continue to"), and the subject of a verb
as an :class:`~.records.Attr`: before it (``_np_before``: "Putin on Wednesday
said", "Smith, the mayor of X, said", "Kasich (R-OH), said"), after it in
inversion (``_np_after``: "said Putin"), opening the sentence
(``_np_initial``), the main-clause subject of a participle or a coordinated
verb (``_main_subject``, ``_nearest_subject``), the subject of a sentence with
no reporting verb (``_sentence_subject``), and every reporting clause of the
article with a resolved subject (``_find_clauses``).
"""
from __future__ import annotations

from typing import Optional

from .context import looks_like_place
from .lexicon import (
    CLAUSE_OPENERS, DETERMINERS, EVENT_VERBS, FEMALE_NAMES, HEAD_TITLES, INVERTING, MALE_NAMES, MONTHS,
    NOUNISH, OBJECT_VERBS, ORG_WORDS, PHRASAL, PREPOSITIONS, PRONOUNS, REPORT_VERBS, SKIP_BEFORE_VERB,
    SPEECH_NOUNS, STOP_CAPS, SUBORDINATORS, SUFFIXES, TITLE_WORDS, TO_OK, WEEKDAYS, is_nationality,
    is_possessive, is_role_noun, strip_possessive,
)
from .records import Attr, Quote

# Conjunctions and adverbs that open a sentence before its subject ("And then Trump …").
_SENTENCE_ADVERBS = {"and", "but", "so", "then", "also", "yet", "still", "now", "meanwhile", "later",
                     "earlier", "instead", "again", "even", "thus"}
_POSSESSIVE_DETERMINERS = {"his", "her", "their", "its", "our", "my", "your"}
_OBJECT_PRONOUNS = {"him", "her", "them", "me", "us", "you", "everyone", "anyone"}
# Plural listeners after "to": "explained to reporters".
_LISTENERS = {"reporters", "supporters", "journalists", "voters", "students", "lawmakers", "donors",
              "members", "delegates", "viewers", "listeners", "readers", "colleagues", "officials",
              "protesters", "workers", "residents", "attendees", "senators", "legislators", "parents"}
# Words joining a name to the phrases after it ("Jeffrey Lewis of the James Martin Center").
_POSTMODIFIER_LINKS = {"of", "for", "at", "from", "in", "and", "&"}



def _third_person(w: str) -> bool:
    return w.endswith("s") and (w[:-1] in REPORT_VERBS or w[:-2] in REPORT_VERBS
                                or (w.endswith("ies") and w[:-3] + "y" in REPORT_VERBS))


# Reporting verbs in their bare form ("press", "report", "state"): before a role noun they
# are nouns ("press secretary", "state director").
_BASE_FORMS = {w for w in REPORT_VERBS if not w.endswith(("ed", "ing")) and not _third_person(w)} - {
    "said", "told", "wrote", "sang", "sung", "began", "spoke", "put"}


class Clauses:
    def _np_before(self, v: int, lo: int, allow_appos: bool = True) -> Optional[Attr]:
        """The subject noun phrase ending right before verb token v (not before lo)."""
        j = v - 1
        is_ing = v < len(self.low) and self.low[v].endswith("ing")
        # auxiliaries, adverbs, time words between subject and verb
        while j >= lo:
            w = self.low[j]
            if w in ("morning", "afternoon", "evening", "night") and j - 1 >= lo and (
                    self.low[j - 1] in WEEKDAYS or self.low[j - 1] in ("last", "this", "yesterday")):
                j -= 1
                w = self.low[j]
            if w in WEEKDAYS or (w.isdigit() and j - 1 >= lo and self.low[j - 1].rstrip(".") in MONTHS):
                j -= 1 if w in WEEKDAYS else 2
                if j >= lo and self.low[j] in ("on", "last", "this", "late", "early"):
                    j -= 1
                continue
            if w in SKIP_BEFORE_VERB or w in ("yesterday", "today", "tonight", "last", "this") or (
                    w.endswith("ly") and len(w) > 4 and self.tt[j][:1].islower() and j > lo) or (
                    is_ing and w in ("is", "was", "are", "were", "been", "be", "am", "'s")):
                j -= 1
                continue
            if w == "as" and j - 2 >= lo and self.low[j - 1] == "quoted":
                j -= 2
                while j >= lo and self.low[j] in ("was", "is", "been", "has", "had", "being"):
                    j -= 1
                continue
            break
        if j < lo:
            return None
        if self.tt[j] == ")":
            k = j
            while k >= lo and self.tt[k] != "(":
                k -= 1
            if k > lo:
                j = k - 1
        t = self.tt[j]
        w = self.low[j]
        if self.kind[j] == "q":
            return None
        if w in PRONOUNS:
            return Attr(j, j + 1, "pron", v)
        if w == "who" and j - 1 > lo and self.tt[j - 1] == "," and allow_appos:
            # "said Mr. Ekovich, who noted that …": the name before the relative clause
            r = self._np_before(j - 1, lo, allow_appos=False)
            if r is not None and r.kind in ("name", "pron"):
                r.verb = v
                return r
        if t == "," and j - 1 >= lo and self.tt[j - 1] == ")":
            # "Gov. John Kasich (R-OH), said"
            k = j - 1
            while k >= lo and self.tt[k] != "(":
                k -= 1
            if k > lo:
                r = self._np_before(k, lo, allow_appos=False)
                if r is not None and r.kind in ("name", "pron"):
                    r.verb = v
                    return r
        if t == "," and allow_appos:
            # Name, the mayor of X, said -- look for the name before the appositive.
            k = j - 1
            while k >= lo and k > j - 30 and self.tt[k] != "," and self.kind[k] != "q":
                k -= 1
            if k > lo and self.tt[k] == ",":
                inner = [self.low[x] for x in range(k + 1, j)]
                if inner and (inner[0] in DETERMINERS or inner[0] in ("who", "whose", "now", "then", "himself", "herself")
                              or inner[0] in TITLE_WORDS or self._is_cap(k + 1) or inner[0].isdigit()
                              or inner[0].endswith("ed") or inner[0].endswith("ing")):
                    r = self._np_before(k, lo, allow_appos=False)
                    if r is None and k - 2 >= lo and self.low[k - 1] in SKIP_BEFORE_VERB | {
                            "meanwhile", "however", "too", "though", "instead", "nonetheless"} \
                            and self.tt[k - 2] == ",":
                        # "Sanders, meanwhile, who sits at zero endorsements, said"
                        r = self._np_before(k - 2, lo, allow_appos=False)
                    if r is not None and r.kind == "name" and (
                            self._is_place_run(r.ment_start, r.ment_end)
                            or (r.ment_start - 1 >= lo and self.low[r.ment_start - 1] in DETERMINERS)):
                        # "Harry Bond, 30, of Raleigh, N.C., who …, said": not N.C.; "Alixandria
                        # Lapp, executive director of the House Majority PAC, a …, said": not the PAC
                        r = None
                    if r is not None and r.kind in ("name", "pron") and not (
                            r.kind == "name" and r.ment_start - 1 >= lo and self.low[r.ment_start - 1] in PREPOSITIONS):
                        r.verb = v
                        return r
                    if (r is None or r.kind == "desc") and 1 <= j - k - 1 <= 7:
                        # "the White House spokesman, Josh Earnest, said": the appositive names him;
                        # "Henry Clay's biographers, David and Jeanne Heidler, wrote": them
                        named = self._name_list(k + 1, j)
                        if named is not None:
                            named.verb = v
                            return named
            # "Clinton, during a town hall meeting in Columbus, Ohio, said": the subject opens
            # the sentence and is followed by a comma
            r = self._np_initial(lo, v)
            if r is not None and r.kind in ("name", "pron") and r.ment_end < j and self.tt[r.ment_end] in (",", "("):
                r.verb = v
                return r
            return None
        if self._is_cap(j) or (self.kind[j] == "w" and w in SUFFIXES):
            a = self._name_run_back(j, lo)
            org_of = False
            if strip_possessive(self.low[j]).rstrip(".") in ORG_WORDS:
                for x in range(a + 1, j):
                    if self.low[x] == "of":
                        # "Anthony Anton, president and CEO of Washington Restaurant Association
                        # stated": "CEO of …" describes him; the organisation is no speaker
                        a, org_of = x + 1, True
                        break
            if not org_of and a - 1 >= lo and self.low[a - 1] in _POSTMODIFIER_LINKS:
                head = self._postmodified_head(a, lo)
                if head is not None and head[1] > head[0]:
                    # "Jeffrey Lewis of the James Martin Center for Nonproliferation Studies wrote"
                    return Attr(head[0], head[1], "name", v)
                if head is not None and self.low[a - 1] in ("and", "&"):
                    return Attr(a, j + 1, "desc", v)  # "… Institute for Science and International Security"
            if allow_appos and a - 1 >= lo and self.low[a - 1] in ("of", "for", "at", "from", "with", "in"):
                # "Anthony Anton, president and CEO of Washington Restaurant Association stated"
                k = a - 2
                while k >= lo and k > a - 16 and self.tt[k] != "," and self.kind[k] != "q":
                    k -= 1
                if k > lo and self.tt[k] == ",":
                    r = self._np_before(k, lo, allow_appos=False)
                    if r is not None and r.kind == "name":
                        r.verb = v
                        return r
            if org_of or a - 1 >= lo and self.low[a - 1] in ("of", "for", "at", "from", "to", "in", "with") and not (
                    self.low[a - 1] == "of" and a - 2 >= lo and self.low[a - 2] in TITLE_WORDS and self._is_cap(a - 2)):
                # "Chad's Ambassador to France confirmed": the name ends a larger noun phrase
                return Attr(a, j + 1, "desc", v)
            return Attr(a, j + 1, "name", v)
        if self.kind[j] == "w" and t[:1].islower():
            # descriptor: back to a determiner, sentence start or punctuation
            k = j
            n = 0
            while k - 1 >= lo and n < 6:
                p = k - 1
                if self.kind[p] != "w":
                    break
                pw = self.low[p]
                if pw in DETERMINERS or is_possessive(self.tt[p]):
                    k = p
                    break
                if pw in PREPOSITIONS and pw != "of":
                    break
                if pw in REPORT_VERBS or pw in ("and", "or", "but", "that", "who", "which"):
                    break
                k = p
                n += 1
            return Attr(k, j + 1, "desc", v)
        return None

    def _postmodified_head(self, a: int, lo: int) -> Optional[tuple[int, int]]:
        """The capitalised run starting at a ends a chain of names joined by prepositions (and
        "and"): "Jeffrey Lewis of the James Martin Center for Nonproliferation Studies",
        "Archbishop Aris Shirvanian of the Armenian Patriarchate of Jerusalem", "David Albright
        and Serena Kelleher-Vergantini of Washington's Institute for Science and International
        Security". The head is the run before the chain's first preposition: (start, end) when
        it names a person, (a, a) when it does not (a description), None when no preposition
        joins the chain (a list: "Trump and Cruz")."""
        runs = []  # (start, end, link after it), right to left
        x = a
        for _ in range(6):
            p = x - 1
            if p >= lo and self.low[p] == "the" and p - 1 >= lo and self.low[p - 1] in _POSTMODIFIER_LINKS:
                p -= 1
            if p - 1 < lo or self.low[p] not in _POSTMODIFIER_LINKS or not self._is_cap(p - 1) or \
                    self.low[p - 1] in STOP_CAPS:
                break
            x = self._name_run_back(p - 1, lo)
            runs.append((x, p, self.low[p]))
        heads = [r for r in runs if r[2] != "and"]
        if not heads:
            return None
        s, e, _ = heads[-1]
        if s > lo and not (self.tt[s - 1] in (",", "(", "—", "–", ";", ":") or self.kind[s - 1] == "q"
                           or self.low[s - 1] in SUBORDINATORS or self.low[s - 1] in CLAUSE_OPENERS
                           or (self.tt[s - 1][:1].islower() and is_role_noun(self.low[s - 1]))):
            return a, a  # "the Science and Technology Directorate of …", "long time … Committeeman from …"
        names = list(self._names_in_run(s, e, lo))
        if not names:
            return a, a
        ns, ne, titles = names[-1]
        last = strip_possessive(self.low[ne - 1]).rstrip(".")
        if last in ORG_WORDS or self._is_place_run(ns, ne) or is_possessive(self.tt[ne - 1]) or \
                (ne - ns < 2 and not titles and not self._known_person(self.low[ns])):
            return a, a
        return s, ne

    def _known_person(self, w: str) -> bool:
        return any(self._canon(e).person and not self._canon(e).org for e in self.by_last.get(w, ()))

    def _np_after(self, i: int, hi: int) -> Optional[Attr]:
        """The subject noun phrase starting at token i (inverted order: said Putin)."""
        while i < hi and (self.low[i] in WEEKDAYS or self.low[i] in ("yesterday", "today", "tonight")):
            i += 1
        if i >= hi or self.kind[i] != "w":
            return None
        w = self.low[i]
        if w in PRONOUNS:
            return Attr(i, i + 1, "pron", -1)
        k = i
        end = i
        last_cap = None
        of_object = False  # the capitalised words are the object of "of": "the chief executive of NHS Providers"
        while k < hi and k < i + 12:
            wl = self.low[k]
            if self._is_cap(k):
                b = self._name_run_fwd(k, hi)
                # "Stephen Vladeck of the University of Texas School of Law": the name ends at "of"
                for x in range(k + 1, b):
                    if self.low[x] in ("of", "for") and not (self.low[x - 1].rstrip(".") in TITLE_WORDS):
                        b = x
                        break
                last_cap = (k, b)
                of_object = k > i and self.low[k - 1] == "of"
                end = b
                k = b
                if k < hi and self.low[k] in ("of", "for", "at", "from", "in", "with") and any(
                        self.low[x].rstrip(".") not in TITLE_WORDS for x in range(last_cap[0], b)):
                    break
                continue
            if self.kind[k] == "w" and (wl in TITLE_WORDS or wl in ("the", "a", "an") or is_nationality(self.tt[k])
                                        or (wl == "of" and k > i)
                                        or (wl == "and" and self._titles_joined(last_cap, k, hi))
                                        or (k == i and (wl in _POSSESSIVE_DETERMINERS or wl in ("another", "one")))):
                k += 1
                end = k
                continue
            e = self._modifier_chain(k, hi)
            if last_cap and e > k and (e >= hi or not self._is_cap(e)) and is_role_noun(self.low[e - 1]):
                # "said another Twitter user, Johanna Bayer": the head is the role noun
                of_object = True
                end = e
                break
            if e > k and e < hi and self._is_cap(e):
                # "said Idaho nutritional-supplement executive Frank VanderSloot", "said
                # Oversight ranking Democrat Elijah Cummings", "added his campaign manager Jeff Weaver"
                k = end = e
                continue
            break
        if end == i:
            return None
        if last_cap and not of_object and not all(self.low[x] in TITLE_WORDS or is_nationality(self.tt[x])
                                                  for x in range(last_cap[0], last_cap[1])):
            return Attr(last_cap[0], last_cap[1], "name", -1)
        # a description named by "known as" ("said the base chief known as Bob,")
        x = end
        while x < min(hi, end + 3) and self.kind[x] == "w" and self.tt[x][:1].islower() and \
                self.low[x] not in ("known", "identified", "named") and not self._is_report_verb(x):
            x += 1  # ("the base chief known as Bob")
        if x + 2 < hi and self.low[x] in ("known", "identified") and self.low[x + 1] == "as" or (
                x + 1 < hi and self.low[x] == "named"):
            y = x + 2 if self.low[x] != "named" else x + 1
            if y < hi and self.low[y] == "only" and self.low[y - 1] == "as":
                y += 1
            if y < hi and self._is_cap(y):
                b = self._name_run_fwd(y, hi)
                if (b >= hi or self.tt[b] in (",", ".", "(", ";")) and not self._is_place_run(y, b):
                    return Attr(y, b, "name", -1)
        # a description; an appositive after it may name the speaker: "wrote the American
        # ambassador at the time, John E. Herbst."
        for x in range(end, min(hi, end + 6)):
            if self.tt[x] == "," and x + 1 < hi and self._is_cap(x + 1):
                b = self._name_run_fwd(x + 1, hi)
                if (b >= hi or self.tt[b] in (",", ".", "(", ";")) and not self._is_place_run(x + 1, b):
                    return Attr(x + 1, b, "name", -1)
                break
            if self.kind[x] != "w" or self.low[x] in SUBORDINATORS or self.low[x] in ("who", "which"):
                break
        return Attr(i, end, "desc", -1)

    def _titles_joined(self, run: Optional[tuple[int, int]], k: int, hi: int) -> bool:
        """Does "and" at k join two titles ("former Pennsylvania Gov. and Democratic National
        Committee Chairman Ed Rendell"): the capitalised run before it only titles and places,
        a capitalised word or a title after it?"""
        return run is not None and k + 1 < hi and (self._is_cap(k + 1) or self.low[k + 1] in TITLE_WORDS) and all(
            self.low[x].rstrip(".") in TITLE_WORDS or is_nationality(self.tt[x]) or self._is_place_run(x, x + 1)
            for x in range(run[0], run[1]))

    def _name_list(self, a: int, b: int) -> Optional[Attr]:
        """The tokens [a, b) as a name or a list of names joined by "and" (not places): the
        last name, or None."""
        start = a
        for x in range(a, b + 1):
            if x == b or self.low[x] in ("and", "&"):
                if x == start or self._name_run_fwd(start, x) != x or self._is_place_run(start, x):
                    return None
                last = (start, x)
                start = x + 1
        return Attr(last[0], last[1], "name", -1)

    def _is_place_run(self, a: int, b: int) -> bool:
        """Do the tokens [a, b) name a place (and not a person: "David" is also a city)?"""
        if self.low[a] in MALE_NAMES or self.low[a] in FEMALE_NAMES:
            return False
        return looks_like_place(self.text[self.ts[a]:self.te[b - 1]])

    def _role_chain(self, k: int, hi: int) -> int:
        """End of lower-case words from k that describe a person before a name: modifiers
        ending in a role noun ("nutritional-supplement executive", "9/11 widow",
        "organizing director", "17-year-old student"); k when there are none. At most four
        tokens."""
        last_role = k
        e = k
        while e < hi and e < k + 4 and ((self.kind[e] == "w" and (self.tt[e][:1].islower() or self.tt[e][:1].isdigit()))
                                        or (self.tt[e] == "/" and e > k)):
            w = self.low[e]
            if w in PREPOSITIONS or w in DETERMINERS or w in PRONOUNS or w in SUBORDINATORS or \
                    w in ("and", "or", "but", "who", "which", "not") or self._is_report_verb(e):
                break
            e += 1
            if is_role_noun(w):
                last_role = e
        return last_role

    def _modifier_chain(self, k: int, hi: int) -> int:
        """Like :meth:`_role_chain`, but the chain may end in any content word when a
        capitalised word follows ("ranking Democrat Elijah Cummings"). At most three words."""
        e = self._role_chain(k, hi)
        if e > k:
            return e
        e = k
        while e < hi and e < k + 3 and self.kind[e] == "w" and self.tt[e][:1].islower():
            w = self.low[e]
            if w in PREPOSITIONS or w in DETERMINERS or w in PRONOUNS or w in SUBORDINATORS or \
                    w in SKIP_BEFORE_VERB or w in ("and", "or", "but", "who", "which", "not") or \
                    self._is_report_verb(e) or w.endswith("ly"):
                return k
            e += 1
        return e if e < hi and self._is_cap(e) else k

    def _is_report_verb(self, k: int) -> bool:
        c = self._rv_cache
        r = c.get(k)
        if r is None:
            w = self.low[k]
            r = (w in REPORT_VERBS or w in PHRASAL) and self._is_report_verb_uncached(k)
            c[k] = r
        return r

    def _is_report_verb_uncached(self, k: int) -> bool:
        w = self.low[k]
        if self.kind[k] != "w" or not self.tt[k][:1].islower():
            return False
        if w in PHRASAL and w not in REPORT_VERBS:
            return k + 1 < len(self.low) and self.low[k + 1] == PHRASAL[w]
        if w in REPORT_VERBS:
            if k == 0:
                return False
            if k + 1 < len(self.low) and self.low[k + 1] == "to" and w not in TO_OK and not (
                    k + 2 < len(self.low) and (self.kind[k + 2] == "q" or self._listener(k + 2))):
                return False  # "will continue to be", "promised to build" (but: promising to "…",
                #               "proclaimed to a cheering crowd")
            if w in _BASE_FORMS and k + 1 < len(self.low) and self.kind[k + 1] == "w" and \
                    self.tt[k + 1][:1].islower() and is_role_noun(self.low[k + 1]):
                return False  # "White House press secretary Josh Earnest": a noun before a role noun
            p = self.low[k - 1]
            # "the report", "a statement" -- nouns after a determiner are not verbs
            if p in DETERMINERS or is_possessive(self.tt[k - 1]):
                return False
            if w in NOUNISH:
                # "his home state", "Trump's tweets": a bare/-s form reports only after a
                # subject-like word (pronoun, name, adverb) or in inversion after a quote/comma
                cap_ok = False
                if self._is_cap(k - 1):
                    a0 = self._name_run_back(k - 1, 0)
                    cap_ok = not (a0 > 0 and (self.low[a0 - 1] in DETERMINERS or self.low[a0 - 1] in PREPOSITIONS
                                              or is_possessive(self.tt[a0 - 1])))
                ok = (p in PRONOUNS or cap_ok or p in SKIP_BEFORE_VERB or p == "to"
                      or self.kind[k - 1] == "q" or self.tt[k - 1] in (",", ")", "—", "–")
                      or p in ("officials", "aides", "critics", "experts", "sources", "advisers",
                               "analysts", "supporters", "democrats", "republicans", "people",
                               "others", "observers", "voters", "residents", "lawyers", "leaders"))
                if not ok:
                    return False
            return True
        return False

    def _listener(self, k: int) -> bool:
        """Does the word at k, after "to", start a listener rather than an infinitive ("to a
        cheering crowd", "to reporters", "to Fox News", "to them")?"""
        w = self.low[k]
        return self.kind[k] == "w" and (w in DETERMINERS or w in _OBJECT_PRONOUNS or w in _LISTENERS
                                        or self._is_cap(k) or w[:1].isdigit())

    def _after_introduces_next(self, at: Attr) -> bool:
        """'“…?” Mills then writes back, “You look cute.”': the clause after a quote
        introduces the next quote."""
        v = at.verb if at.verb >= 0 else at.ment_end
        k = max(v, at.ment_end) + 1
        n = 0
        while k < len(self.tt) and n < 8 and self.kind[k] != "q" and self.tt[k] not in ".!?;":
            k += 1
            n += 1
        return k < len(self.tt) and self.kind[k] == "q" and self.tt[k - 1] in (",", ":")

    def _bare_after(self, v: int, hi: int) -> bool:
        """After 'X said' following a quote ending in a period: nothing, or time/place adjuncts."""
        k = v + 1
        if self.low[v] in OBJECT_VERBS and k < hi:
            k += 1
        if k >= hi:
            return True
        if hi - k > 10 or any(self.low[x] in PRONOUNS or self.low[x] in ("that", "there", "this")
                              for x in range(k, hi)):
            return False  # "… Clinton said Wednesday she, too, wants …": a new sentence
        return self.low[k] in ("on", "in", "at", "during", "after", "before", "while", "later",
                               "yesterday", "today", "tonight", "earlier", "last", "this", "to",
                               "via", "through", "from") or self.low[k] in WEEKDAYS or self.tt[k] == ","

    def _sentence_subject(self, q: Quote) -> Optional[Attr]:
        """A quote inside a sentence with no reporting verb takes the sentence's subject:
        "Paul Ryan worried that the safety net was becoming “a hammock …”" -> Paul Ryan.
        Weak: it never rescues a short (scare) quote."""
        lo = self.sent_start[self.sent[q.tok]]
        if q.tok - lo < 2:
            return None
        at = self._np_initial(lo, q.tok)
        if at is None or at.kind not in ("name", "pron", "desc"):
            return None
        e = at.ment_end
        if e < len(self.tt) and self.tt[e] == "(":
            while e < q.tok and self.tt[e] != ")":
                e += 1
            e += 1
        if e < q.tok and self.tt[e] == ",":
            # appositive: "Joe Madison, a D.C.-based talk radio host …, recalled"
            k = e + 1
            while k < q.tok and self.tt[k] != ",":
                k += 1
            e = k + 1
        while e < q.tok and self.low[e] in SKIP_BEFORE_VERB:
            e += 1
        if e >= q.tok or self.kind[e] != "w" or not self.tt[e][:1].islower() or \
                self.low[e] in PREPOSITIONS or self.low[e] in ("and", "or", "of", "who", "which", "that"):
            return None
        at.verb = e
        at.strong = False
        return at

    def _nearest_subject(self, v: int, lo: int, main_only: bool = False) -> Optional[Attr]:
        """The nearest name or pronoun before v in subject position ("Tom Ridge smiled and
        said" -> Tom Ridge), for a verb coordinated with an earlier one; with ``main_only``
        the subject of a main clause ("Trump joked that Brooklyn was …, but went on to say"
        -> Trump, not Brooklyn)."""
        k = v - 1
        while k >= lo:
            if self.kind[k] == "q":
                return None
            if self.low[k] in ("he", "she") and (k == lo or self.tt[k - 1] in (",", "and", "but")
                                                  or self.low[k - 1] in CLAUSE_OPENERS):
                return Attr(k, k + 1, "pron", v)
            if self._is_cap(k) and self.low[k] not in STOP_CAPS:
                a = self._name_run_back(k, lo)
                is_subj, main, _ = self._subject_info(a, k + 1)
                if is_possessive(self.tt[k]):
                    is_subj = False  # "Mitt Romney's chief strategist": the strategist is the subject
                if is_subj and (main or not main_only):
                    return Attr(a, k + 1, "name", v)
                k = a
            k -= 1
        return None

    def _main_subject(self, v: int, lo: int) -> Optional[Attr]:
        """Subject of the clause a participle or coordinated verb hangs on: the subject of
        an earlier reporting verb in the sentence, else the sentence's opening noun phrase."""
        for k in range(v - 1, lo - 1, -1):
            if self.kind[k] == "q":
                continue
            if self._is_report_verb(k):
                at = self._np_before(k, lo)
                if self.low[k].endswith("ing"):
                    # "with Donald Trump tweeting that …, and asking, “…”"
                    if at is None or at.kind not in ("name", "pron") or not (
                            at.ment_start - 1 >= lo and self.low[at.ment_start - 1] == "with"):
                        continue
                if at is not None and at.kind in ("name", "pron", "desc"):
                    at.verb = v
                    return at
        return self._np_initial(lo, v)

    def _np_initial(self, lo: int, hi: int) -> Optional[Attr]:
        """The noun phrase opening a sentence, after introductory phrases ending in a comma."""
        k = lo
        while k < hi and self.kind[k] == "p" and self.tt[k] in "(\"'“‘—–-":
            k += 1
        # skip introductory phrases: "On Monday," "In a statement," "Speaking in Paris,"
        for _ in range(3):
            while k + 1 < hi and self.low[k] in _SENTENCE_ADVERBS and self.tt[k + 1] != "," and (
                    self._is_cap(k + 1) or self.low[k + 1] in PRONOUNS or self.low[k + 1] in _SENTENCE_ADVERBS):
                k += 1  # "And then Trump went on the attack, saying …": one word, not up to the comma
            if k < hi and (self.low[k] in PREPOSITIONS or self.low[k].endswith("ing")
                           or self.low[k] in WEEKDAYS or self.low[k] in ("yesterday", "today", "however",
                                                                         "meanwhile", "still", "later",
                                                                         "earlier", "then", "also", "here",
                                                                         "there", "now", "again", "instead",
                                                                         "so", "but", "and", "thus", "hours",
                                                                         "days", "minutes", "moments",
                                                                         "weeks", "months", "years",
                                                                         "back", "even", "just", "once",
                                                                         "when", "while", "as", "if",
                                                                         "because", "although", "though",
                                                                         "since", "unless", "asked")
                           or self.low[k] in MONTHS
                           or (self.low[k].endswith("ly") and len(self.low[k]) > 4 and self.low[k] not in STOP_CAPS
                               and k + 1 < hi and not self._is_cap(k + 1))):
                e = k
                while e < hi and self.tt[e] != "," and self.kind[e] != "q":
                    e += 1
                if e < hi and self.tt[e] == ",":
                    k = e + 1
                    # "At a campaign event in Ames, Iowa, on Sunday, Mrs. Clinton …"
                    if k < hi and self._is_cap(k):
                        b2 = self._name_run_fwd(k, hi)
                        if b2 < hi and self.tt[b2] == "," and looks_like_place(self.text[self.ts[k]:self.te[b2 - 1]]):
                            k = b2 + 1
                    continue
            break
        if k >= hi or self.kind[k] != "w":
            return None
        if self.low[k] in PRONOUNS:
            return Attr(k, k + 1, "pron", hi)
        if self._is_cap(k) and self.low[k] not in STOP_CAPS:
            b = self._name_run_fwd(k, hi)
            # "Ukrainian president responds …": capitalised adjective + role noun
            e = b
            while e < hi and (self.low[e] in TITLE_WORDS and self.tt[e][:1].islower()):
                e += 1
            if e > b and self.low[e - 1] in HEAD_TITLES:
                return Attr(k, e, "desc", hi)
            e = self._role_chain(b, hi)
            if e > b and e < hi and self._is_cap(e):
                # "Band member Flea shared …": the name after the role noun
                k, b = e, self._name_run_fwd(e, hi)
            elif is_possessive(self.tt[b - 1]):
                # "Schilling's son, Grant, defended …": the possessive is a determiner; the
                # appositive names the subject, or nothing does
                if e > b and e + 1 < hi and self.tt[e] == "," and self._is_cap(e + 1):
                    b2 = self._name_run_fwd(e + 1, hi)
                    if b2 < hi and self.tt[b2] == ",":  # (after a role noun: a person, not a place)
                        return Attr(e + 1, b2, "name", hi)
                if e == b and any(self.low[x] in SPEECH_NOUNS for x in range(b, min(hi, b + 3))):
                    return Attr(k, b, "name", hi)  # "Rubio's catch phrase was that …": his words
                return Attr(k, max(e, b), "desc", hi)
            if b < hi and self.low[b] in ("and", "&"):
                one = self._one_subject_of_two(b, hi)
                if one is not None:
                    return one
            if b < hi and (self.tt[b][:1].islower() or self.tt[b] in (",", "(")):
                return Attr(k, b, "name", hi)
            return None
        if self.low[k] in ("the", "a", "an"):
            e = k + 1
            while e < hi and e < k + 7 and self.kind[e] == "w" and (
                    self.low[e] in TITLE_WORDS or is_nationality(self.tt[e]) or self._is_cap(e)):
                e += 1
            if e > k + 1 and self.low[e - 1] in HEAD_TITLES:
                return Attr(k, e, "desc", hi)
        return None

    def _one_subject_of_two(self, b: int, hi: int) -> Optional[Attr]:
        """'Yahoo News and former TV network anchor Katie Couric has promoted …': two
        descriptions of one subject joined by "and" before a verb in the singular; the name
        after "and" is the subject."""
        for x in range(b + 2, min(hi, b + 9)):
            if self.kind[x] != "w":
                return None
            w = self.low[x]
            if self.tt[x][:1].islower() and self._is_cap(x - 1):
                singular = w in ("has", "is", "was", "does") or (
                    w.endswith("s") and not w.endswith("ss") and self._verb_like(x))
                if not singular:
                    if w in PREPOSITIONS or w in DETERMINERS or self._verb_like(x):
                        return None
                    continue  # "former TV network anchor …"
                a = self._name_run_back(x - 1, b + 1)
                return Attr(a, x, "name", hi) if x - a >= 2 and not self._is_place_run(a, x) else None
        return None

    def _find_clauses(self) -> list:
        """Reporting clauses outside quotes with a resolved subject, in text order."""
        if getattr(self, "_clauses", None) is not None:
            return self._clauses
        clauses = []
        for v in self.verb_pos:
            if not (self._is_report_verb(v) or (self.low[v] in EVENT_VERBS and v > 0
                                                and self.low[v - 1] not in DETERMINERS)):
                continue
            lo = self.sent_start[self.sent[v]]
            hi = self.sent_end[self.sent[v]]
            at = None
            if self.low[v] in INVERTING and v - 1 >= lo and self.tt[v - 1] in (",",) or (
                    v - 1 >= lo and self.kind[v - 1] == "q"):
                at = self._np_after(v + 1, hi)
                if at is not None:
                    at.verb = v
            if at is None:
                at = self._np_before(v, lo)
            if at is None:
                continue
            at = self._finish(at)
            if not at or not at.key:
                continue
            clauses.append(at)
        self._clauses = clauses
        return clauses
