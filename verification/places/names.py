"""Fixed vocabulary of place names and the lookup key every name is compared by."""
from __future__ import annotations

import re
import unicodedata

# --------------------------------------------------------------------------
# Static vocabulary

# AP style abbreviations of US states (and common older forms).
_AP_STATES = {
    "AL": ["Ala."], "AZ": ["Ariz."], "AR": ["Ark."], "CA": ["Calif.", "Cal."], "CO": ["Colo.", "Col."],
    "CT": ["Conn."], "DE": ["Del."], "DC": ["D.C."],
    "FL": ["Fla.", "Flor."], "GA": ["Ga."], "IL": ["Ill."], "IN": ["Ind."], "KS": ["Kan.", "Kans."],
    "KY": ["Ky."], "LA": ["La."], "MD": ["Md."], "MA": ["Mass."], "MI": ["Mich."], "MN": ["Minn."],
    "MS": ["Miss."], "MO": ["Mo."], "MT": ["Mont."], "NE": ["Neb.", "Nebr."], "NV": ["Nev."],
    "NH": ["N.H."], "NJ": ["N.J."], "NM": ["N.M.", "N.Mex."], "NY": ["N.Y."], "NC": ["N.C."],
    "ND": ["N.D.", "N.Dak."], "OK": ["Okla."], "OR": ["Ore.", "Oreg."], "PA": ["Pa.", "Penn.", "Penna."],
    "RI": ["R.I."], "SC": ["S.C."], "SD": ["S.D.", "S.Dak."], "TN": ["Tenn."], "TX": ["Tex."],
    "VT": ["Vt."], "VA": ["Va."], "WA": ["Wash.", "Washington state", "Washington State"],
    "WV": ["W.Va.", "W. Va."], "WI": ["Wis.", "Wisc."], "WY": ["Wyo."],
}
# Other first-level regions with well-known names: (country, geonames admin1
# code) -> names; the first name is the display name, short forms follow.
_OTHER_REGIONS = {
    ("GB", "ENG"): ["England"],
    ("GB", "SCT"): ["Scotland"],
    ("GB", "WLS"): ["Wales"],
    ("GB", "NIR"): ["Northern Ireland", "N. Ireland"],
    ("CA", "01"): ["Alberta", "Alta.", "AB"],
    ("CA", "02"): ["British Columbia", "B.C.", "BC"],
    ("CA", "03"): ["Manitoba", "Man.", "MB"],
    ("CA", "04"): ["New Brunswick", "N.B.", "NB"],
    ("CA", "05"): ["Newfoundland and Labrador", "Newfoundland", "Nfld.", "NL"],
    ("CA", "07"): ["Nova Scotia", "N.S.", "NS"],
    ("CA", "08"): ["Ontario", "Ont.", "ON"],
    ("CA", "09"): ["Prince Edward Island", "P.E.I.", "PE"],
    ("CA", "10"): ["Quebec", "Que.", "QC"],
    ("CA", "11"): ["Saskatchewan", "Sask.", "SK"],
    ("CA", "12"): ["Yukon", "YT"],
    ("CA", "13"): ["Northwest Territories", "N.W.T.", "NT"],
    ("CA", "14"): ["Nunavut", "NU"],
    ("AU", "01"): ["Australian Capital Territory", "ACT"],
    ("AU", "02"): ["New South Wales", "NSW"],
    ("AU", "03"): ["Northern Territory", "NT"],
    ("AU", "04"): ["Queensland", "Qld", "Qld."],
    ("AU", "05"): ["South Australia", "SA"],
    ("AU", "06"): ["Tasmania", "Tas."],
    ("AU", "07"): ["Victoria", "Vic."],
    ("AU", "08"): ["Western Australia", "WA"],
}
# Common names of countries beyond the gazetteer's own.
_COUNTRY_ALIASES = {
    "US": ["US", "U.S.", "USA", "U.S.A.", "America", "United States of America", "the States"],
    "GB": ["UK", "U.K.", "Britain", "Great Britain", "United Kingdom of Great Britain and Northern Ireland"],
    "RU": ["Russian Federation"],
    "KR": ["Korea", "Republic of Korea", "S. Korea"],
    "KP": ["DPRK", "Democratic People's Republic of Korea", "N. Korea"],
    "CZ": ["Czech Republic"],
    "CI": ["Cote d'Ivoire", "Côte d'Ivoire"],
    "NL": ["Netherlands", "Holland"],
    "MM": ["Burma"],
    "AE": ["UAE", "U.A.E.", "Emirates"],
    "CD": ["DRC", "DR Congo", "Congo-Kinshasa"],
    "CG": ["Congo", "Congo-Brazzaville"],
    "VA": ["Vatican City", "Holy See"],
    "TR": ["Türkiye", "Turkiye"],
    "PS": ["Palestine", "Palestinian Territories"],
    "MK": ["Macedonia"],
    "SZ": ["Swaziland"],
    "CV": ["Cape Verde"],
    "TL": ["East Timor", "Timor-Leste"],
    "GM": ["The Gambia"],
    "BS": ["The Bahamas"],
    "VN": ["Viet Nam"],
    "LA": ["Lao PDR"],
    "SY": ["Syrian Arab Republic"],
    "IR": ["Islamic Republic of Iran"],
    "TW": ["Republic of China"],
    "CN": ["People's Republic of China", "PRC", "Mainland China"],
    "MD": ["Republic of Moldova"],
    "BO": ["Plurinational State of Bolivia"],
    "VE": ["Bolivarian Republic of Venezuela"],
}
_OBSOLETE_COUNTRIES = {"CS", "AN"}

# Common short names of cities: nickname -> (name, country, admin1).
_CITY_NICKNAMES = {
    "NYC": ("New York City", "US", "NY"),
    "New York City": ("New York City", "US", "NY"),
    "LA": ("Los Angeles", "US", "CA"),
    "L.A.": ("Los Angeles", "US", "CA"),
    "Vegas": ("Las Vegas", "US", "NV"),
    "D.C.": ("Washington", "US", "DC"),
    "Washington, D.C.": ("Washington", "US", "DC"),
    "Philly": ("Philadelphia", "US", "PA"),
    "San Fran": ("San Francisco", "US", "CA"),
}
# Parts of a city that the gazetteer lists as places of their own: a claim
# naming one fits a record of the city, and the other way round.
_CITY_PARTS = {
    "New York City": ["Manhattan", "Brooklyn", "Queens", "Bronx", "The Bronx", "Staten Island"],
}
# Bare names whose news sense is a city rather than the region or country of
# the same name.
_CITY_FIRST = {"washington", "dc"}
# How a region is written after a city in messages.
_REGION_DISPLAY = {("US", "DC"): "D.C."}
# How a region is written on its own.
_REGION_BARE_DISPLAY = {("US", "WA"): "Washington state", ("US", "DC"): "Washington, D.C."}

# Alternate city names containing these words are dropped ("White House" is
# an alternate name of Casablanca).
_VENUE_WORDS = {
    "house", "palace", "office", "hall", "street", "building", "hotel", "center", "centre",
    "church", "cathedral", "mosque", "temple", "airport", "stadium", "arena", "university",
    "school", "base", "court", "tower", "square", "bridge", "castle", "white", "red", "black",
}
# Words that name a kind of place, not a place: an unplaced name made only
# of these ("the Hall", "Convention Center") fits no other name by being
# part of it.
_GENERIC_WORDS = _VENUE_WORDS - {"white", "red", "black"} | {
    "the", "a", "an", "of", "and", "at", "in", "city", "town", "village", "county", "state",
    "park", "field", "fairgrounds", "fairground", "grounds", "convention", "conference", "civic",
    "community", "event", "events", "expo", "exposition", "theatre", "theater", "auditorium",
    "gym", "gymnasium", "college", "academy", "library", "museum", "club", "room", "ballroom",
    "plaza", "pavilion", "coliseum", "dome", "garden", "gardens", "memorial", "national", "main",
    "downtown", "north", "south", "east", "west", "central", "rally", "campus", "headquarters",
}
_VENUE_RE = re.compile(r"\b(?:" + "|".join(sorted(_VENUE_WORDS)) + r")\b")
_PREPOSITIONS = {"in", "at", "near", "outside", "inside", "from"}
_PHRASE_CUT_WORDS = {
    "on", "during", "after", "before", "when", "while", "where", "with", "as", "last", "this",
    "next", "earlier", "later", "and", "to", "for", "about", "that", "which", "who", "said",
    "says", "told", "ahead", "following", "amid", "in", "at", "near", "outside", "from", "by",
}
_NAME_CONNECTORS = {
    "of", "de", "del", "della", "la", "le", "les", "du", "des", "da", "do", "dos", "das", "el",
    "los", "las", "am", "an", "upon", "sur", "y", "i", "al", "en", "on",
}
_TIME_WORDS = {
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "today",
    "yesterday", "tonight", "morning", "evening", "afternoon", "night", "january", "february",
    "march", "april", "may", "june", "july", "august", "september", "october", "november",
    "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
}


# --------------------------------------------------------------------------
# Normalisation

_SPECIAL = str.maketrans({
    "ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ß": "ss", "æ": "ae", "Æ": "AE",
    "œ": "oe", "Œ": "OE", "ı": "i", "’": "'", "‘": "'", "ʻ": "'", "ʼ": "'", "`": "'",
    "–": "-", "—": "-",
})
_SPECIAL_PAIRS = [(chr(k), v) for k, v in _SPECIAL.items()]
_TOKEN_EXPANSIONS = {"st": "saint", "ste": "sainte", "ft": "fort", "mt": "mount", "pt": "port"}
_SIMPLE_KEY = re.compile(r"^[a-z]+(?: [a-z]+)*$")
_NEEDS_WORDS = re.compile(r"\b(?:st|ste|ft|mt|pt|the)\b")


def _ascii(text: str) -> str:
    if text.isascii():
        return text
    text = unicodedata.normalize("NFKD", text.translate(_SPECIAL))
    return text.encode("ascii", "ignore").decode("ascii")


def _keys_bulk(texts: list[str]) -> list[str]:
    """``[_key(t) for t in texts]`` for names in Latin script, in a few
    passes over one joined string (fast enough to index the gazetteer's
    ~350,000 names at load). Other scripts lose their letters in the ascii
    fold and come out empty or as short fragments, which the loader skips."""
    big = "\n".join(texts)
    if big.count("\n") != len(texts) - 1:
        big = "\n".join(t.replace("\n", " ") for t in texts)
    for ch, rep in _SPECIAL_PAIRS:  # str.translate is slow on a string this size
        if ch in big:
            big = big.replace(ch, rep)
    big = unicodedata.normalize("NFKD", big).encode("ascii", "ignore").decode("ascii")
    big = big.lower().replace("&", " and ")
    big = re.sub(r"['.]", "", big)
    big = re.sub(r"[^a-z0-9\n]+", " ", big)
    # Runs of separators are single spaces now, so one space at most on
    # either side of a line break.
    big = big.replace(" \n", "\n").replace("\n ", "\n").strip(" ")
    big = re.sub(r"^the (?=\S)", "", big, flags=re.M)
    big = re.sub(r"\b(?:st|ste|ft|mt|pt)\b", lambda m: _TOKEN_EXPANSIONS[m.group(0)], big)
    out = big.split("\n")
    assert len(out) == len(texts)
    return out


def _key(text: str) -> str:
    """A lookup key: ascii, lower case, punctuation dropped ("N.C." -> "nc"),
    "St." -> "saint", a leading "the" dropped."""
    s = _ascii(text).replace("`", "'").lower()
    if not _SIMPLE_KEY.match(s):
        s = s.replace("&", " and ")
        s = re.sub(r"['.]", "", s)
        s = re.sub(r"[^a-z0-9]+", " ", s).strip()
    if not _NEEDS_WORDS.search(s):
        return s
    words = s.split()
    if words and words[0] == "the" and len(words) > 1:
        words = words[1:]
    return " ".join(_TOKEN_EXPANSIONS.get(w, w) for w in words)

