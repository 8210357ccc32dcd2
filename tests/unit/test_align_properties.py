"""Property tests for align(): typography never matters, a changed word always does."""
from hypothesis import HealthCheck, Phase, assume, find, given, settings
from hypothesis import strategies as st

from verification.align import _myers, align
from verification.normalize import tokenize

SEED = [
    "Our American partners told us that Putin invited me to Moscow, and I believe that if "
    "you want to avoid a meeting, you should invite me to Moscow.",
    "Russia has started talking about a meeting, which is already not bad. But, so far, "
    "we do not see their desire to end the war. And adult leaders should come out of a "
    "meeting of this level with some kind of result, preferably the end of the war.",
    "Among the security guarantees that we see, membership in the European Union represents "
    "essential economic, political, and geopolitical security assurances for us. Therefore, "
    "within our approach, this is an important point that has been singled out into a "
    "separate clause.",
    "I have never refused this, provided the meeting is well-prepared and can lead to some "
    "positive potential outcomes.",
    "(US President) Donald (Trump) asked me if I could possibly arrange such a meeting. "
    "I replied that yes, it's possible. Ultimately, if Zelenskyy is ready, let him come "
    "to Moscow \u2013 then the meeting will take place.",
]
# Quotes without editorial brackets: any run of their words is a plain fragment.
PLAIN = SEED[:4]

APOSTROPHES = ["'", "\u2019", "\u2018", "`", "\u00b4", "\u2032", "\u02bc"]
DASHES = ["-", "\u2013", "\u2014", "\u2012", "\u2212", "\u2010"]
SPACES = [" ", "  ", "\n", "\t", " \u00a0", "\u2003"]
WRAPS = [("", ""), ('"', '"'), ("\u201c", "\u201d"), ("\u00ab", "\u00bb"), ("'", "'")]
# Characters NFKC folds back to ASCII letters: fullwidth forms and a ligature.
FULLWIDTH = {c: chr(ord(c) - 0x41 + 0xFF21) for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"}
FULLWIDTH.update({c: chr(ord(c) - 0x61 + 0xFF41) for c in "abcdefghijklmnopqrstuvwxyz"})

PROPS = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def retyped(draw, text):
    """``text`` with random quote styles, dashes, case, whitespace and
    NFKC-equivalent letters, and perhaps wrapped in quotation marks."""
    out = []
    for ch in text:
        if ch in "'\u2019":
            out.append(draw(st.sampled_from(APOSTROPHES)))
        elif ch in "-\u2013":
            out.append(draw(st.sampled_from(DASHES)))
        elif ch == " ":
            out.append(draw(st.sampled_from(SPACES)))
        elif ch.isalpha():
            style = draw(st.integers(0, 9))
            if style == 0:
                out.append(ch.swapcase())
            elif style == 1:
                out.append(FULLWIDTH.get(ch, ch))
            else:
                out.append(ch)
        elif ch in ",." and draw(st.integers(0, 3)) == 0:
            out.append("")  # drop some punctuation
        else:
            out.append(ch)
    body = "".join(out).replace("fi", draw(st.sampled_from(["fi", "\ufb01"])))
    if draw(st.booleans()):
        body = body.upper() if draw(st.booleans()) else body.lower()
    left, right = draw(st.sampled_from(WRAPS))
    pad = draw(st.sampled_from(["", " ", "\n  "]))
    return pad + left + body + right + pad


@st.composite
def retyped_quote(draw):
    text = draw(st.sampled_from(SEED))
    return draw(retyped(text)), text


@PROPS
@given(retyped_quote())
def test_a_quote_aligns_to_itself_in_any_typography(pair):
    claim, canonical = pair
    m = align(claim, canonical)
    assert m.status in ("exact", "normalized"), [d for d in m.diff if d.op != "equal"]
    assert m.score == 100.0
    assert m.coverage == 1.0
    assert m.flags == []
    assert all(d.op == "equal" for d in m.diff)


def _word_spans(text):
    return [(t.start, t.end) for t in tokenize(text) if not t.editorial]


@st.composite
def fragment(draw, quotes=SEED):
    """A contiguous run of a quote's words, cut from the original text."""
    text = draw(st.sampled_from(quotes))
    spans = _word_spans(text)
    i = draw(st.integers(0, len(spans) - 1))
    j = draw(st.integers(i, min(len(spans) - 1, i + 25)))
    return text[spans[i][0]:spans[j][1]], text, j - i + 1


@PROPS
@given(fragment())
def test_any_contiguous_run_of_words_is_a_fragment(sample):
    claim, canonical, n = sample
    m = align(claim, canonical)
    total = len(_word_spans(canonical))
    assert m.status == ("normalized" if n == total else "fragment") or m.status == "exact"
    assert m.score == 100.0 and m.flags == []
    assert m.claimed_words >= n


@st.composite
def two_pieces(draw):
    text = draw(st.sampled_from(PLAIN))
    spans = _word_spans(text)
    a, b, c, d = sorted(draw(st.lists(st.integers(0, len(spans) - 1), min_size=4, max_size=4, unique=True)))
    glue = draw(st.sampled_from([" ... ", "\u2026", " \u2026 ", " [...] ", ". . . "]))
    claim = text[spans[a][0]:spans[b][1]] + glue + text[spans[c][0]:spans[d][1]]
    whole = a == 0 and c == b + 1 and d == len(spans) - 1
    return claim, text, whole


@PROPS
@given(two_pieces())
def test_pieces_joined_by_an_ellipsis_are_a_fragment(sample):
    claim, canonical, whole = sample
    m = align(claim, canonical)
    # An ellipsis that skips nothing leaves the whole quote: normalized.
    assert m.status == ("normalized" if whole else "fragment"), [d for d in m.diff if d.op != "equal" and not d.gap]
    assert m.score == 100.0
    assert m.flags == []


NEW_WORD = st.text(alphabet="bcdfghjklmnpqrstvwxz", min_size=3, max_size=9)


@st.composite
def substituted(draw, quotes=SEED, vocabulary=None):
    """A fragment (or the whole quote) with one word replaced by another."""
    text = draw(st.sampled_from(quotes))
    spans = _word_spans(text)
    i = draw(st.integers(0, len(spans) - 1))
    j = draw(st.integers(i, len(spans) - 1))
    k = draw(st.integers(i, j))
    old = text[spans[k][0]:spans[k][1]]
    new = draw(vocabulary if vocabulary is not None else NEW_WORD)
    assume(new.lower() != old.lower())
    claim = text[spans[i][0]:spans[k][0]] + new + text[spans[k][1]:spans[j][1]]
    return claim, text


@PROPS
@given(substituted())
def test_a_substituted_word_is_always_altered(sample):
    claim, canonical = sample
    m = align(claim, canonical)
    assert m.status == "altered", (claim, m.status)
    assert m.score < 100.0
    assert [d for d in m.diff if d.op != "equal" and not d.gap and not d.editorial]


@PROPS
@given(st.one_of(retyped_quote(), fragment().map(lambda f: f[:2]), two_pieces().map(lambda t: t[:2]),
                 substituted(), st.tuples(st.text(max_size=80), st.sampled_from(SEED))))
def test_the_diff_accounts_for_every_word_in_order(sample):
    """Read one way the diff is the canonical text, read the other the claim."""
    claim, canonical = sample
    m = align(claim, canonical)
    canon_side = [d.canonical for d in m.diff if d.op != "insert"]
    claim_side = [d.claimed for d in m.diff if d.op != "delete"]
    assert canon_side == [t.raw for t in tokenize(canonical)]
    assert claim_side == [t.raw for t in tokenize(claim)]
    assert 0.0 <= m.score <= 100.0 and 0.0 <= m.coverage <= 1.0
    assert m.claimed_words == sum(not t.editorial for t in tokenize(claim))


def _is_run_of(words, seq):
    n = len(words)
    return any(seq[s:s + n] == words for s in range(len(seq) - n + 1))


@st.composite
def substituted_from_the_quote(draw):
    """As above, but the new word is another word of the same quote, so it
    can easily align somewhere else; only claims that are not themselves a
    run of the quote's words count."""
    text = draw(st.sampled_from(PLAIN))
    vocabulary = st.sampled_from(sorted({t.raw for t in tokenize(text)}))
    claim, text = draw(substituted(quotes=[text], vocabulary=vocabulary))
    claim_words = [t.norm for t in tokenize(claim)]
    assume(not _is_run_of(claim_words, [t.norm for t in tokenize(text)]))
    return claim, text


@PROPS
@given(substituted_from_the_quote())
def test_a_word_swapped_for_another_word_of_the_quote_is_altered(sample):
    claim, canonical = sample
    assert align(claim, canonical).status == "altered"


# --- the bit-parallel search against the textbook DP ----------------------------


def _naive_search(pattern, text):
    m = len(pattern)
    prev = list(range(m + 1))
    out = []
    for ch in text:
        cur = [0]
        for i in range(1, m + 1):
            cur.append(min(prev[i] + 1, cur[i - 1] + 1, prev[i - 1] + (pattern[i - 1] != ch)))
        out.append(cur[m])
        prev = cur
    return out


WORDS = st.sampled_from(["the", "war", "meeting", "moscow", "not", "a"])


@settings(max_examples=300, deadline=None)
@given(st.lists(WORDS, min_size=1, max_size=70), st.lists(WORDS, max_size=40))
def test_myers_search_equals_the_dynamic_programme(pattern, text):
    assert _myers(pattern, text) == _naive_search(pattern, text)


def test_the_typography_generator_really_varies_the_text():
    """Guard against a generator that silently returns its input."""
    claim, canonical = find(
        retyped_quote(),
        lambda p: any(c in p[0] for c in APOSTROPHES[1:])
        and any(c in p[0] for c in DASHES[1:])
        and any(0xFF21 <= ord(c) <= 0xFF5A for c in p[0]),
        settings=settings(max_examples=2000, database=None, phases=[Phase.generate]),
    )
    assert claim != canonical
    assert align(claim, canonical).status == "normalized"
