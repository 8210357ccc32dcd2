"""PolNeAR's attribution annotations read as a gold standard for quotes and their speakers.

In: ``polnear-train/`` (``text/*.txt``, ``attributions/*.ann`` in brat standoff,
``metadata.tsv``). Out: :func:`load` gives an :class:`Article` per text with its
publication date, every annotated Content range (for precision) and its gold
quote pieces (:class:`GoldPiece`): one per quoted piece of an attribution, with
the kind of its speaker (a named person, a named organisation, a person named by
he/she) and the head names that count as right.

The rules, exactly:

* **Quoted pieces.** The characters of a Content span (all its fragments) that
  lie between a pair of double quotation marks (" “ ” « » and the typewriter
  '' of the New York Times texts), paired inside the Content text itself: a
  straight mark toggles, a curly opening mark opens, a closing mark closes; a
  closing mark with no opening mark closes a quote that began at the Content's
  start, an opening mark never closed runs to the Content's end (multi-paragraph
  quotes). Independent of the extractor's pairing. Every piece counts: the two
  halves of ``"…," he said. "…"`` are two gold pieces with one speaker.
* **Direct quote.** An attribution whose quoted pieces hold five words or more
  in all; all its pieces are gold.
* **Speaker**, from the Source span (:func:`source_heads`): the head proper
  name of its noun phrase, with titles and role nouns before the name
  ("psychologist Elaine Ducharme", "White House press secretary Josh Earnest",
  "Sen. Ted Cruz (R-Texas)", "Mr. King"), possessive determiners ("The New
  Republic's Jeet Heer"), appositives and relative clauses ("Amy Pope, deputy
  homeland security advisor,"), and postmodifiers ("Stephen Vladeck of the
  University of Texas") removed; a list of sources ("Trump and Ryan") gives
  several heads, any of which is right. When the head is a common noun and an
  appositive names the source ("Her campaign manager, Robby Mook,"), the
  appositive's name is the head. A head that is an organisation word
  (Times, Campaign, Committee, House, News …), an acronym (CNN, FBI), a
  proper name after "the" ("the Washington Post") or a proper modifier of an
  organisation noun ("the Clinton campaign") is an **organisation**; other
  proper heads are **persons**. A single capitalised word that the article
  also writes in lower case ("Analysts") is no name. Sources with a common-noun
  head ("the Florida senator", "a spokesman") are **descriptions**: not gold
  (this benchmark has no coreference to say whom they describe), counted.
* **he/she** Sources are resolved to the person Source of an earlier
  attribution in the same paragraph or the two before it, when exactly one
  such surname (of compatible gender, where a first name tells) is there;
  otherwise not gold (counted). "they", "it", "who" are not gold.
* A speaker is **right** when the surname (last name token, Jr./III and
  possessives aside, accents and apostrophes folded) of the extracted speaker
  equals the surname of one of the gold heads, or a gold head of one word (a
  first name: "Hillary shot back") is the extracted name's first word; for
  organisations, when the last word of the extracted name equals the last word
  of the gold head.
"""
from __future__ import annotations

import csv
import glob
import os
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Optional

_PRONOUNS = {"he", "she", "they", "it", "i", "we", "you", "who", "which", "that", "his", "her",
             "him", "them", "their", "its", "one", "whom", "this", "these"}
# Titles and honorifics written capitalised before a name ("Former Secretary of State
# Madeleine Albright", "Sen. Ted Cruz"): stripped from the front of a name run. Role nouns
# written in lower case ("psychologist") never join a run, so they need no list.
_TITLES = set("""
president vice prime minister premier chancellor senator sen sen. rep rep. representative
congressman congresswoman gov gov. governor lt lt. mayor secretary attorney general gen gen.
justice judge chief director chairman chairwoman chair ceo founder spokesman spokeswoman
spokesperson press aide adviser advisor strategist pollster manager candidate nominee hopeful
frontrunner front-runner leader speaker majority minority whip commissioner ambassador deputy
assistant former king queen prince princess pope rev rev. reverend rabbi dr dr. prof prof.
professor mr mr. mrs mrs. ms ms. miss sir col col. colonel capt capt. captain sgt sgt. maj
adm host anchor correspondent reporter columnist editor analyst economist historian author
lawmaker delegate superdelegate democratic republican gop presidential campaign communications
political senior top u.s. us state federal national then-candidate then republican democrat
independent conservative liberal progressive del del. sens sens. reps reps. gens gens.
archbishop bishop cardinal father sister brother lord lady dame
""".split())
_ORG = set("""
times post news network campaign committee house party department council court university
college institute association agency bureau office ministry congress senate administration
foundation inc inc. corp corp. company group club fund bank pac union commission journal
tribune magazine center centre organization board caucus coalition alliance government
kremlin pentagon cnn msnbc fox abc nbc cbs npr bbc reuters ap afp fbi cia police army
twitter facebook google school church media press channel radio review daily herald gazette
examiner caller observer report monitor today politico breitbart hill street service
project watch republicans democrats americans voters sun register
""".split())
# lower-case heads that make a proper modifier an organisation: "the Clinton campaign"
_ORG_NOUNS = {"campaign", "campaigns", "committee", "office", "administration", "government",
              "team", "staff", "ministry", "department", "spokesman's", "camp", "website"}
_FEMALE = set("""hillary hilary carly sarah michelle melania ivanka kellyanne hope huma cheryl
debbie donna nikki condoleezza madeleine susan mary nancy elizabeth megyn maxine kamala
tulsi dianne ruth sonia elena jill janet katrina kathleen kate anna laura rachel amy lisa
karen jennifer linda barbara margaret patricia jessica emily ashley michele jeanne""".split())
_MALE = set("""donald bernie ted marco jeb ben john chris mike michael barack joe bill george
jim james mitt paul rand rick scott lindsey jeff tim mark steve david robert bob richard
thomas tom william charles peter kevin brian jason eric andrew joseph daniel matthew
anthony ronald newt reince corey sean rudy harry mitch chuck al dick colin jimmy
martin larry gary roger jack frank carl greg ken dennis jonathan nick sam patrick ed alan
adam ryan luis jose juan carlos""".split())
_SUFFIX = {"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"}
_CONNECT = {"de", "van", "von", "del", "la", "al", "bin", "da", "di", "du", "le", "el", "ibn", "der"}
_PREPS = {"of", "for", "at", "from", "with", "in", "on", "to", "about", "during", "after", "via"}
_RELATIVE = {"who", "whose", "which", "that", "whom"}
_TOKEN = re.compile(r"[\w'’.\-&]+|[,()\[\]:;]")


def words(s: str) -> int:
    return len(re.findall(r"[^\W_]+(?:['’][^\W_]+)*", s))


def fold(s: str) -> str:
    s = s.replace("’", "'")
    return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c)).lower()


def surname(name: Optional[str]) -> Optional[str]:
    """Last name token, suffixes and a possessive 's aside, accents folded."""
    if not name:
        return None
    toks = [t.strip(".,'’\"()") for t in name.split()]
    toks = [t for t in toks if t and t.lower() not in _SUFFIX]
    if not toks:
        return None
    return fold(re.sub(r"['’]s?$", "", toks[-1]))


def _is_cap(t: str) -> bool:
    return t[:1].isupper()


def _is_title(t: str) -> bool:
    tl = t.lower()
    return tl in _TITLES or tl.rstrip(".") in _TITLES


def _possessive(t: str) -> bool:
    return bool(re.search(r"['’]s?$", t)) and len(t) > 2 and t[-2:] not in ("'", "’")


def _strip_poss(t: str) -> str:
    return re.sub(r"['’]s?$", "", t)


def _head_of_np(toks: list[str]) -> tuple[str, list[str]]:
    """('person'|'org'|'desc'|'other', [name]) for one noun phrase without commas."""
    # relative clauses and postmodifying phrases end the head noun phrase
    cut = len(toks)
    for i, t in enumerate(toks):
        tl = t.lower()
        if tl in _RELATIVE and i > 0:
            cut = i
            break
        if tl in _PREPS and i > 0:
            prev = toks[i - 1]
            if _is_title(prev) and _is_cap(prev):
                continue  # "Secretary of State John Kerry", "Speaker of the House"
            if _is_cap(prev) and _strip_poss(prev).lower() in _ORG:
                continue  # "The Council on American-Islamic Relations … Director Nihad Awad"
            cut = i
            break
    toks = toks[:cut]
    # possessive determiners: "The New Republic's Jeet Heer" -> "Jeet Heer"
    for i in range(len(toks) - 2, -1, -1):
        if _possessive(toks[i]):
            toks = toks[i + 1:]
            break
    toks = [t for t in toks if t.lower() not in _SUFFIX] or toks
    if not toks:
        return "other", []
    head = _strip_poss(toks[-1])
    if not head or not head[:1].isalpha():
        return "other", []
    if not _is_cap(head):
        # "the Clinton campaign": a proper modifier of an organisation noun
        if head.lower() in _ORG_NOUNS and len(toks) >= 2 and _is_cap(toks[-2]) and not _is_title(toks[-2]):
            return "org", [_strip_poss(toks[-2]) + " " + head]
        return "desc", []
    # the capitalised run ending at the head
    a = len(toks) - 1
    while a - 1 >= 0 and (_is_cap(toks[a - 1]) or (toks[a - 1].lower() in _CONNECT and a - 2 >= 0
                                                   and _is_cap(toks[a - 2]))
                          or (toks[a - 1].lower() == "of" and a - 2 >= 0 and _is_title(toks[a - 2]))
                          or (toks[a - 1].lower() == "the" and a - 2 >= 0 and toks[a - 2].lower() == "of")):
        a -= 1
    run = toks[a:]
    run[-1] = _strip_poss(run[-1])
    if len(run) > 1 and all(t.isupper() for t in run):
        return "other", []  # a headline in capitals
    before = toks[a - 1].lower() if a > 0 else ""
    # strip titles from the front; the last word always stays ("Mr. King", "Amy Pope")
    k = 0
    while k < len(run) - 1 and (_is_title(run[k]) or run[k].lower() in ("of", "the")):
        k += 1
    name = run[k:]
    low_head = name[-1].lower()
    if low_head in _ORG or low_head.rstrip(".") in _ORG:
        return "org", [" ".join(name)]
    if len(name) == 1 and len(name[0]) >= 2 and name[0].replace("-", "").replace("&", "").isupper():
        return "org", [name[0]]  # CNN, FBI, DNC
    if before == "the" and not _is_title(run[0]):
        return "org", [" ".join(name)]  # "the Washington Post", "the Las Vegas Sun"
    if any(not ch.isalpha() for ch in name[-1].replace("-", "").replace("'", "").replace("’", "").replace(".", "")):
        return "other", []  # "Article 33"
    return "person", [" ".join(name)]


def source_heads(src: str) -> tuple[str, list[str]]:
    """The kind of a Source span and its head name(s).

    Kinds: 'pron' (with the pronoun), 'person', 'org', 'desc' (a common-noun head,
    "the Florida senator"), 'other'."""
    s = " ".join(src.split()).replace("’", "'")
    toks = _TOKEN.findall(s)
    if not toks:
        return "other", []
    if len(toks) == 1 and toks[0].lower() in _PRONOUNS:
        return "pron", [toks[0].lower()]
    # the main noun phrase ends at the first comma or bracket; what follows is an
    # appositive or a party tag ("(R-Texas)")
    segs: list[list[str]] = [[]]
    for t in toks:
        if t in (",", "(", ")", "[", "]", ":", ";"):
            segs.append([])
        else:
            segs[-1].append(t)
    segs = [x for x in segs if x]
    if not segs:
        return "other", []
    main, rest = segs[0], segs[1:]

    def members(np: list[str]) -> list[list[str]]:
        out, cur = [], []
        for t in np:
            if t.lower() in ("and", "&"):
                if cur:
                    out.append(cur)
                cur = []
            else:
                cur.append(t)
        if cur:
            out.append(cur)
        return out

    kinds, names = [], []
    for m in members(main):
        k, n = _head_of_np(m)
        kinds.append(k)
        names.extend(n)
    if all(k == "desc" for k in kinds) and rest:
        # "Her campaign manager, Robby Mook," / "Two analysts, Patrick Megahan and Chris Harman,"
        kinds2, names2 = [], []
        for m in members(rest[0]):
            k, n = _head_of_np(m)
            kinds2.append(k)
            names2.extend(n)
        if kinds2 and all(k == "person" for k in kinds2):
            return "person", names2
    if names and all(k == "person" for k in kinds):
        return "person", names
    if names and all(k == "org" for k in kinds):
        return "org", names
    if names and "person" in kinds:
        return "person", [n for k, n in zip(kinds, names) if k == "person"] or names
    if kinds and all(k == "desc" for k in kinds):
        return "desc", []
    return "other", []


def quoted_parts(text: str, frags: list) -> list[tuple[int, int]]:
    """Absolute character ranges of the Content inside paired double quotes."""
    out = []
    for (a, b) in frags:
        seg = text[a:b]
        opened: Optional[int] = None
        first = True
        olen = 1
        for m in re.finditer(r"''|``|[\"“”«»]", seg):
            ch = {"''": '"', "``": "“"}.get(m.group(), m.group())
            i = m.start()
            ln = m.end() - i
            if ch in "“«" or (ch == '"' and opened is None and not (first and _closing_shape(seg, i, ln))):
                opened, olen = i, ln
            else:
                if opened is not None:
                    out.append((a + opened + olen, a + i))
                    opened = None
                elif first:
                    out.append((a, a + i))
            first = False
        if opened is not None:
            out.append((a + opened + olen, b))
    return [(s, e) for s, e in out if e > s and text[s:e].strip()]


def _closing_shape(seg: str, i: int, ln: int = 1) -> bool:
    prev = seg[i - 1] if i > 0 else " "
    nxt = seg[i + ln] if i + ln < len(seg) else " "
    return prev not in " \t\n(" and (not nxt.isalnum())


# ---------------------------------------------------------------------------
# Reading brat standoff


@dataclass
class Span:
    typ: str
    frags: list  # [(start, end)]
    text: str


def read_ann(path: str) -> tuple[dict, list]:
    spans: dict[str, Span] = {}
    events: list[dict] = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("T"):
                parts = line.split("\t")
                if len(parts) < 3 or " " not in parts[1]:
                    continue
                typ, rest = parts[1].split(" ", 1)
                try:
                    frags = [tuple(map(int, s.split())) for s in rest.split(";")]
                except ValueError:
                    continue
                spans[parts[0]] = Span(typ, frags, parts[2])
            elif line.startswith("E"):
                parts = line.split("\t")
                if len(parts) < 2:
                    continue
                args = {}
                for a in parts[1].split():
                    if ":" in a:
                        k, v = a.split(":", 1)
                        args[re.sub(r"\d+$", "", k)] = v
                events.append(args)
    return spans, events


# ---------------------------------------------------------------------------
# Gold


@dataclass
class GoldPiece:
    start: int
    end: int
    kind: str                  # 'person', 'org', 'pron' (he/she resolved to a person)
    names: list                # head names, any of which is right
    attribution: int           # index of its attribution in the article (pieces share it)


@dataclass
class Article:
    name: str
    text: str
    published: Optional[date]
    publisher: str = ""
    gold: list = field(default_factory=list)
    contents: list = field(default_factory=list)   # all Content ranges
    excluded: Counter = field(default_factory=Counter)


def _paragraph_window_start(text: str, pos: int, paras: int = 3) -> int:
    start = pos
    for _ in range(paras):
        k = text.rfind("\n", 0, start)
        while k > 0 and text[k - 1] == "\n":
            k -= 1
        start = max(0, k)
        if k <= 0:
            break
    return start


def gold_for(text: str, spans: dict, events: list) -> tuple[list, list, Counter]:
    """(gold pieces, Content ranges, excluded counts) of one article."""
    contents = [fr for sp in spans.values() if sp.typ == "Content" for fr in sp.frags]
    attrs = []
    for e in events:
        c = spans.get(e.get("Content", ""))
        if c is None:
            continue
        attrs.append((spans.get(e.get("Source", "")), c))
    attrs.sort(key=lambda a: (a[0].frags[0][0] if a[0] else a[1].frags[0][0]))
    persons_before: list[tuple[int, str]] = []
    gold: list[GoldPiece] = []
    excluded: Counter = Counter()
    for n, (src, content) in enumerate(attrs):
        kind, names = ("other", [])
        if src is not None:
            kind, names = source_heads(src.text)
            if kind == "person":
                # "Analysts", "Officials", "Will": a single word the article also writes in lower case
                names = [nm for nm in names if " " in nm or not re.search(
                    r"(?<![\w’'])" + re.escape(nm.lower()) + r"(?![\w’'])", text)]
                if not names:
                    kind = "other"
            if kind == "person":
                for nm in names:
                    persons_before.append((src.frags[0][0], nm))
        parts = quoted_parts(text, content.frags)
        if sum(words(text[s:e]) for s, e in parts) < 5:
            continue
        if kind == "pron":
            if names[0] not in ("he", "she"):
                excluded["pronoun other than he/she"] += 1
                continue
            pos = src.frags[0][0]
            win = _paragraph_window_start(text, pos)
            cands = {}
            for (p0, nm) in persons_before:
                if not (win <= p0 < pos):
                    continue
                first = nm.split()[0].lower()
                if (names[0] == "he" and first in _FEMALE) or (names[0] == "she" and first in _MALE):
                    continue
                cands.setdefault(surname(nm), nm)
            if len(cands) != 1:
                excluded["he/she not resolved"] += 1
                continue
            kind, names = "pron", [next(iter(cands.values()))]
        elif kind not in ("person", "org"):
            excluded["description" if kind == "desc" else "no source / other"] += 1
            continue
        for (s, e) in parts:
            gold.append(GoldPiece(s, e, kind, names, n))
    return gold, contents, excluded


def load(root: Path) -> list[Article]:
    base = root / "polnear-train"
    meta = {}
    with open(base / "metadata.tsv", encoding="utf-8") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            meta[row["filename"]] = row
    anns = defaultdict(list)
    for p in sorted(glob.glob(str(base / "attributions" / "*.ann"))):
        stem = re.sub(r"_[0-9a-f]{4}\.ann$", "", os.path.basename(p))
        anns[stem].append(p)
    arts = []
    for p in sorted(glob.glob(str(base / "text" / "*.txt"))):
        stem = os.path.basename(p)[:-4]
        with open(p, encoding="utf-8") as f:
            text = f.read()
        pub = None
        m = meta.get(stem) or {}
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", m.get("publication_date", "")):
            pub = date.fromisoformat(m["publication_date"])
        art = Article(stem, text, pub, m.get("publisher", stem.split("_")[0]))
        if stem in anns:
            spans, events = read_ann(anns[stem][0])
            art.gold, art.contents, art.excluded = gold_for(text, spans, events)
        arts.append(art)
    return arts


def speaker_right(piece: GoldPiece, predicted: Optional[str]) -> bool:
    if not predicted:
        return False
    if piece.kind == "org":
        last = fold(predicted.split()[-1]) if predicted.split() else ""
        return any(fold(n.split()[-1]) == last for n in piece.names)
    if surname(predicted) in {surname(n) for n in piece.names}:
        return True
    # a Source written by first name only ("Hillary shot back") is that person
    first = fold(predicted.split()[0])
    return any(" " not in n.strip() and fold(n.strip()) == first for n in piece.names)
