"""Quote extraction against PolNeAR's attribution annotations (training split).

    python bench/polnear.py            # the table
    python bench/polnear.py --errors   # plus examples of misses, false alarms, wrong speakers

Data: ``../shared/data/polnear-train`` (override the data root with
``VERBATIM_SHARED_DATA``); read in place, never copied. ``text/*.txt`` (first
line the headline), ``attributions/*.ann`` (brat standoff: ``T`` lines are
Source / Cue / Content spans with character offsets, ``E`` lines tie one
attribution's Source, Cue and Content together), ``metadata.tsv`` (publisher,
publication date). Sixteen articles were annotated by several annotators; the
first annotation file in name order is used for each article.

Gold (the rule, exactly):

* Quoted part of a Content span: the characters of the Content (all its
  fragments) that lie between a pair of double quotation marks (" “ ” « », and
  the typewriter '' of the New York Times texts),
  paired inside the Content text itself: a straight mark toggles, a curly
  opening mark opens, a closing mark closes; a closing mark with no opening
  mark in the Content closes a quote that began at the Content's start, an
  opening mark never closed runs to the Content's end (multi-paragraph
  quotes). This pairing is independent of the extractor's.
* A gold direct quote is an attribution whose Content has at least five words
  in its quoted part and whose Source is a named person: the Source text,
  titles and determiners aside, heads on a proper name (a capitalised run not
  preceded by "the", not followed by a possessive or a common noun, without
  organisation words such as Times, Campaign, Committee, House, News; a single
  capitalised word that the article also writes in lower case, such as
  "Analysts", is not a name). He/she Sources are resolved to the named Source
  of an earlier attribution in the same paragraph or the two before it, when
  exactly one such surname is there (skipping names whose first name clearly
  has the other gender); otherwise, and for other pronouns ("they", "it",
  "who"), the quote is excluded. This is a heuristic on the gold side and is
  itself sometimes wrong, which is why both speaker figures are printed.
* Recall: a gold quote is found when the extractor's quotes cover at least
  half of its quoted characters.
* Precision: every extracted quote of five words or more counts; it is right
  when it overlaps any annotated Content span (quoted or not, any source).
  The stricter variant (at least half of its characters inside Content spans)
  is printed too.
* Speaker accuracy: over found gold quotes, the surname (last name token,
  suffixes such as Jr. aside, accents folded) of the speaker of the extracted
  quote that overlaps it most equals the gold Source's surname; no speaker is
  wrong. Reported for gold with a named Source ("named") and with resolved
  he/she Sources included ("named + resolved he/she").

Timing: each article is extracted ``--repeats`` times (default 3) and the best
run kept; the one-off gazetteer load is done before timing starts.
"""
from __future__ import annotations

import argparse
import csv
import glob
import os
import re
import statistics
import sys
import time
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Optional

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from verification.extract import extract_quotes  # noqa: E402


def data_root() -> Path:
    env = os.environ.get("VERBATIM_SHARED_DATA")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[1].parent / "shared" / "data"


# ---------------------------------------------------------------------------
# Reading brat standoff


@dataclass
class Span:
    typ: str
    frags: list  # [(start, end)]
    text: str


@dataclass
class Attribution:
    source: Optional[Span]
    content: Optional[Span]
    cue: Optional[Span]


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
# Gold selection

_DQ = '"“”«»'
_PRONOUNS = {"he", "she", "they", "it", "i", "we", "you", "who", "which", "that", "his", "her",
             "him", "them", "their", "its", "one", "whom", "this", "these"}
_TITLES = set("""
president vice prime minister premier chancellor senator sen sen. rep rep. representative
congressman congresswoman gov gov. governor lt lt. mayor secretary attorney general gen gen.
justice judge chief director chairman chairwoman chair ceo founder spokesman spokeswoman
spokesperson press aide adviser advisor strategist pollster manager candidate nominee hopeful
frontrunner front-runner leader speaker majority minority whip commissioner ambassador deputy
assistant former king queen prince princess pope rev rev. reverend rabbi dr dr. prof prof.
professor mr mr. mrs mrs. ms ms. miss sir col col. colonel capt capt. captain sgt sgt. maj
adm host anchor correspondent reporter columnist editor analyst economist historian author
businessman billionaire mogul executive activist lawyer attorney actor actress singer star
comedian coach lawmaker delegate superdelegate surrogate democratic republican gop
presidential campaign communications political senior top u.s. us state federal national
then-candidate then republican democrat independent conservative liberal progressive
""".split())
_ORG = set("""
times post news network campaign committee house party department council court university
college institute association agency bureau office ministry congress senate administration
foundation inc inc. corp corp. company group club fund bank pac union commission journal
tribune magazine center centre organization board caucus coalition alliance government
kremlin pentagon cnn msnbc fox abc nbc cbs npr bbc reuters ap afp fbi cia police army
twitter facebook google school church media press channel radio review daily herald gazette
examiner caller observer report monitor today politico breitbart hill street service
project watch republicans democrats americans voters
""".split())
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
    return [(s, e) for s, e in out if e > s]


def _closing_shape(seg: str, i: int, ln: int = 1) -> bool:
    prev = seg[i - 1] if i > 0 else " "
    nxt = seg[i + ln] if i + ln < len(seg) else " "
    return prev not in " \t\n(" and (not nxt.isalnum())


def words(s: str) -> int:
    return len(re.findall(r"[^\W_]+(?:['’][^\W_]+)*", s))


def _fold(s: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c)).lower()


def surname(name: Optional[str]) -> Optional[str]:
    if not name:
        return None
    toks = [t.strip(".,'’\"()") for t in name.split()]
    toks = [t for t in toks if t and t.lower() not in _SUFFIX]
    if not toks:
        return None
    last = re.sub(r"['’]s$", "", toks[-1])
    return _fold(last)


def source_person(src: str) -> tuple[str, Optional[str]]:
    """('pron', pronoun) / ('name', name) / ('other', None) for a Source text."""
    s = src.strip()
    toks = re.findall(r"[\w'’.\-]+|[,()]", s)
    if not toks:
        return "other", None
    if len(toks) == 1 and toks[0].lower() in _PRONOUNS:
        return "pron", toks[0].lower()
    # walk: determiners/titles/capitalised runs until the head
    i = 0
    best = None
    while i < len(toks):
        t = toks[i]
        tl = t.lower()
        if t in (",", "(", ")"):
            break
        if tl in ("the",):
            # "the New York Times", "the Clinton campaign": not a person head
            return "other", None
        if tl in ("a", "an"):
            i += 1
            continue
        if t[:1].isupper():
            j = i
            run = []
            while j < len(toks) and (toks[j][:1].isupper() or toks[j].lower() in ("de", "van", "von", "del", "la", "al", "bin")):
                run.append(toks[j])
                j += 1
            # strip leading title words inside the run
            k = 0
            last_title = -1
            for idx, r in enumerate(run):
                if r.lower() in _TITLES or r.lower().rstrip(".") in _TITLES:
                    last_title = idx
            name = run[last_title + 1:]
            if name and any(n.lower().rstrip(".") in _ORG or n.lower() in _ORG for n in name):
                return "other", None
            nxt = toks[j] if j < len(toks) else None
            if name and re.search(r"['’]s$", name[-1]) and nxt is not None and nxt not in (",", "(", ")"):
                return "other", None  # "Cruz's lawyers"
            if name:
                if nxt is None or nxt in (",", "(") or nxt.lower() in ("who", "whose", "himself", "herself", "and"):
                    best = " ".join(name)
                    if nxt is not None and nxt.lower() == "and":
                        return "other", None  # two sources
                    return "name", re.sub(r"['’]s$", "", best)
                if nxt[:1].islower() and nxt.lower() not in _TITLES:
                    return "other", None  # "Trump campaign", "Trump supporters"
            i = j
            continue
        if tl in _TITLES or tl.rstrip(".") in _TITLES:
            i += 1
            continue
        return "other", None
    return "other", None


@dataclass
class Gold:
    ranges: list               # quoted character ranges
    source_kind: str           # 'name' or 'pron'
    name: Optional[str]        # named or resolved name
    content: str


@dataclass
class Article:
    name: str
    text: str
    published: Optional[date]
    gold: list = field(default_factory=list)
    contents: list = field(default_factory=list)   # all Content ranges


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
        m = meta.get(stem)
        if m and re.fullmatch(r"\d{4}-\d{2}-\d{2}", m.get("publication_date", "")):
            pub = date.fromisoformat(m["publication_date"])
        art = Article(stem, text, pub)
        if stem in anns:
            spans, events = read_ann(anns[stem][0])
            for sp in spans.values():
                if sp.typ == "Content":
                    art.contents.extend(sp.frags)
            attrs = []
            for e in events:
                c = spans.get(e.get("Content", ""))
                s = spans.get(e.get("Source", ""))
                if c is None:
                    continue
                attrs.append(Attribution(s, c, spans.get(e.get("Cue", ""))))
            attrs.sort(key=lambda a: (a.source.frags[0][0] if a.source else a.content.frags[0][0]))
            named_before: list[tuple[int, str]] = []
            for a in attrs:
                kind, name = ("other", None)
                if a.source is not None:
                    kind, name = source_person(a.source.text)
                    if kind == "name" and " " not in name and re.search(
                            r"(?<![\w’'])" + re.escape(name.lower()) + r"(?![\w’'])", text):
                        kind, name = "other", None  # "Analysts", "Officials": a common word
                    if kind == "name":
                        named_before.append((a.source.frags[0][0], name))
                parts = quoted_parts(text, a.content.frags)
                qwords = sum(words(text[s:e]) for s, e in parts)
                if qwords < 5:
                    continue
                if kind == "pron":
                    if name not in ("he", "she"):
                        continue
                    pos = a.source.frags[0][0]
                    # window: this paragraph and the two before it
                    win_start = pos
                    for _ in range(3):
                        k = text.rfind("\n", 0, win_start)
                        while k > 0 and text[k - 1] == "\n":
                            k -= 1
                        win_start = max(0, k)
                        if k <= 0:
                            break
                    cands = {}
                    for (p0, nm) in named_before:
                        if not (win_start <= p0 < pos):
                            continue
                        first = nm.split()[0].lower()
                        if (name == "he" and first in _FEMALE) or (name == "she" and first in _MALE):
                            continue
                        cands.setdefault(surname(nm), nm)
                    if len(cands) != 1:
                        continue  # unresolvable or ambiguous: excluded
                    resolved = next(iter(cands.values()))
                    art.gold.append(Gold(parts, "pron", resolved, text[a.content.frags[0][0]:a.content.frags[-1][1]]))
                elif kind == "name":
                    art.gold.append(Gold(parts, "name", name, text[a.content.frags[0][0]:a.content.frags[-1][1]]))
        arts.append(art)
    return arts


# ---------------------------------------------------------------------------
# Scoring


def _overlap(a: tuple, b: tuple) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def _chars(text: str, ranges) -> int:
    return sum(len(text[s:e].strip()) for s, e in ranges) or 1


def run(root: Path, show_errors: bool, limit: Optional[int] = None, repeats: int = 3) -> dict:
    """Score the extractor; each article is timed ``repeats`` times and the best run kept
    (the machine's other work only ever adds time)."""
    arts = load(root)
    if limit:
        arts = arts[:limit]
    # warm up lazy loads (gazetteer) outside the timing
    extract_quotes(arts[0].text, arts[0].published)
    times = []
    wordcounts = []
    n_gold = n_found = 0
    n_pred = n_pred_ok = n_pred_strict = 0
    sp_total = {"name": 0, "pron": 0}
    sp_ok = {"name": 0, "pron": 0}
    misses, false_alarms, wrong_speakers = [], [], []
    for art in arts:
        best = None
        for _ in range(repeats):
            t0 = time.perf_counter()
            preds = extract_quotes(art.text, art.published)
            dt = time.perf_counter() - t0
            best = dt if best is None else min(best, dt)
        times.append(best)
        wordcounts.append(words(art.text))
        # precision
        for p in preds:
            if words(p.text) < 5:
                continue
            n_pred += 1
            ov = sum(_overlap((p.start, p.end), c) for c in art.contents)
            if ov > 0:
                n_pred_ok += 1
            else:
                false_alarms.append((art.name, p))
            if ov >= 0.5 * (p.end - p.start):
                n_pred_strict += 1
        # recall and speakers
        for g in art.gold:
            n_gold += 1
            need = _chars(art.text, g.ranges)
            cov = 0
            best = None
            best_ov = 0
            for p in preds:
                ov = sum(_overlap((p.start, p.end), r) for r in g.ranges)
                cov += ov
                if ov > best_ov:
                    best, best_ov = p, ov
            if cov < 0.5 * need:
                misses.append((art.name, g))
                continue
            n_found += 1
            sp_total[g.source_kind] += 1
            pred_name = best.speaker.name if best and best.speaker else None
            if surname(pred_name) == surname(g.name):
                sp_ok[g.source_kind] += 1
            else:
                wrong_speakers.append((art.name, g, best, pred_name))
    recall = n_found / n_gold if n_gold else 0.0
    precision = n_pred_ok / n_pred if n_pred else 0.0
    strict = n_pred_strict / n_pred if n_pred else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    acc_named = sp_ok["name"] / sp_total["name"] if sp_total["name"] else 0.0
    tot = sp_total["name"] + sp_total["pron"]
    acc_all = (sp_ok["name"] + sp_ok["pron"]) / tot if tot else 0.0
    per_kw = [t / (w / 1000) for t, w in zip(times, wordcounts) if w]
    around_1000 = [t for t, w in zip(times, wordcounts) if 800 <= w <= 1200]
    res = {
        "articles": len(arts),
        "gold": n_gold,
        "gold_named": sum(1 for a in arts for g in a.gold if g.source_kind == "name"),
        "found": n_found,
        "recall": recall,
        "predicted": n_pred,
        "precision": precision,
        "precision_strict": strict,
        "f1": f1,
        "speaker_named": acc_named,
        "speaker_named_n": sp_total["name"],
        "speaker_all": acc_all,
        "speaker_all_n": tot,
        "ms_per_article_median": statistics.median(times) * 1000,
        "ms_per_1000_words_median": statistics.median(per_kw) * 1000,
        "ms_per_1000_words_p95": sorted(per_kw)[int(0.95 * (len(per_kw) - 1))] * 1000,
        "words_median": statistics.median(wordcounts),
        "ms_1000_word_articles_median": statistics.median(around_1000) * 1000 if around_1000 else 0.0,
        "n_1000_word_articles": len(around_1000),
    }
    print(f"PolNeAR train: {res['articles']} articles, {res['gold']} gold direct quotes "
          f"({res['gold_named']} with a named Source, {res['gold'] - res['gold_named']} resolved he/she)")
    print()
    print(f"| metric | value | target |")
    print(f"| --- | --- | --- |")
    print(f"| quote recall | {recall:.3f} ({n_found}/{n_gold}) | >= 0.95 |")
    print(f"| quote precision (overlaps a Content span) | {precision:.3f} ({n_pred_ok}/{n_pred}) | >= 0.90 |")
    print(f"| quote precision, strict (>= half inside Content) | {strict:.3f} ({n_pred_strict}/{n_pred}) | |")
    print(f"| quote F1 | {f1:.3f} | |")
    print(f"| speaker accuracy, named Source | {acc_named:.3f} ({sp_ok['name']}/{sp_total['name']}) | >= 0.92 |")
    print(f"| speaker accuracy, named + resolved he/she | {acc_all:.3f} ({sp_ok['name'] + sp_ok['pron']}/{tot}) | |")
    print(f"| time per article, median | {res['ms_per_article_median']:.2f} ms "
          f"(median article {res['words_median']:.0f} words) | |")
    print(f"| time per 1,000 words, median / p95 | {res['ms_per_1000_words_median']:.2f} / "
          f"{res['ms_per_1000_words_p95']:.2f} ms | |")
    print(f"| time for an 800-1,200-word article, median ({res['n_1000_word_articles']} articles) | "
          f"{res['ms_1000_word_articles_median']:.2f} ms | a few ms |")
    if show_errors:
        texts = {a.name: a.text for a in arts}

        def ctx(name, s, e, pad=80):
            t = texts[name]
            return (t[max(0, s - pad):s] + "[[" + t[s:e] + "]]" + t[e:e + pad]).replace("\n", " / ")

        print("\n## Missed gold quotes (first 15)")
        for name, g in misses[:15]:
            s, e = g.ranges[0][0], g.ranges[-1][1]
            print(f"- {name} [{g.name}]: {ctx(name, s, e)[:400]}")
        print("\n## Extracted quotes outside any Content span (first 15)")
        for name, p in false_alarms[:15]:
            print(f"- {name} [{p.speaker.name if p.speaker else None}]: {ctx(name, p.start, p.end)[:400]}")
        print("\n## Wrong speakers (first 25)")
        for name, g, p, pn in wrong_speakers[:25]:
            mention = texts[name][p.speaker.start:p.speaker.end] if p and p.speaker else None
            print(f"- {name} gold={g.name} ({g.source_kind}) predicted={pn} (mention {mention!r}): "
                  f"{ctx(name, p.start, p.end, 60)[:300]}")
    return res


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--errors", action="store_true", help="print examples of errors")
    ap.add_argument("--limit", type=int, default=None, help="only the first N articles")
    ap.add_argument("--data", type=Path, default=None, help="data root (default ../shared/data)")
    ap.add_argument("--repeats", type=int, default=3, help="timing runs per article, best kept (default 3)")
    args = ap.parse_args(argv)
    run(args.data or data_root(), args.errors, args.limit, max(1, args.repeats))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
