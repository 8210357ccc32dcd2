"""Claims for the engine's trust classes (issue 10): who and when.

Each kind is built from the real record in bench/corpus.py (2016 speeches,
LIAR statements) and carries its own expected verdict per claim, because the
right answer depends on who else the record holds:

``honorific``
    "Mrs. Clinton" / "Mr. Obama": the honorific of the speaker's gender
    (expected verified when no other stored speaker of that gender shares
    the surname, else unverified: ambiguous) or of the other gender
    (expected mismatch, misattributed). The *gold* gender never comes from
    the engine's names data: it comes from the LIAR job field's gendered
    words ("Congresswoman", "Assemblyman", "First Lady", ...) and, for the
    four speech authors, the public record (below). The engine itself reads
    gender from first names; unisex first names make it say "unchecked"
    (counted wrong, never unsafe).
``role``
    "Sen. Rubio", "President Obama": the speaker's own title from the LIAR
    job field (expected verified unless another stored speaker with the
    surname holds the same title: unverified), another same-surname
    speaker's title (expected mismatch, misattributed), or a title nobody
    with the surname holds (expected as for the bare surname).
``ambiguous_surname``
    A bare surname that two or more stored speakers share: expected
    unverified (ambiguous_speaker), never verified.
``utc_timestamp``
    A dated record at a place with a known time zone, claimed as an ISO
    timestamp in UTC: a local time on the record's day (expected verified;
    half of them fall on the next UTC day), or a local time on another day
    whose UTC date is the record's date (expected mismatch, wrong_date).
``unreadable_date``
    A date that does not exist ("31 February 2016"): expected unverified
    (unchecked_date), never verified.

The speakers' roles are recorded from the LIAR job field (what a newsroom
would store), with no dates; genders are not recorded (the engine's names
path is what is measured).
"""
from __future__ import annotations

import random
import re
from datetime import datetime, time, timedelta, timezone
from typing import Optional, Sequence
from zoneinfo import ZoneInfo

from verification.model import CanonicalQuote, Claim, Role, SpeakerRef

TRUST_KINDS = ("honorific", "role", "ambiguous_surname", "utc_timestamp", "unreadable_date")
# Kinds whose "verified" answers on a claim expected otherwise are unsafe.
UNSAFE_TRUST = TRUST_KINDS

# Gold gender of the four speech authors (public record; not used by the engine).
_AUTHORS_GENDER = {"Barack Obama": "male", "Donald J. Trump": "male", "Hillary Clinton": "female",
                   "Michelle Obama": "female"}
_FEMALE_JOB = re.compile(r"\b(\w*wom[ae]n|first lady|wife|mother|daughter|actress|queen)\b", re.I)
_MALE_JOB = re.compile(r"\b(\w*m[ae]n|husband|father|son|actor|king)\b", re.I)
_SUFFIX = re.compile(r"\b(Jr|Sr|II|III|IV)\b\.?")
_NOT_GENDER = re.compile(r"\b(chairman of|human|ombudsman)\b", re.I)


def gold_gender(name: str, job: str) -> Optional[str]:
    """The gender a speaker's LIAR job (or the public record) states, if any."""
    if name in _AUTHORS_GENDER:
        return _AUTHORS_GENDER[name]
    if not job or _NOT_GENDER.search(job):
        return None
    f, m = bool(_FEMALE_JOB.search(job)), bool(_MALE_JOB.search(job))
    if f != m:
        return "female" if f else "male"
    return None


def with_roles(speakers: Sequence[SpeakerRef], jobs: dict[str, str]) -> list[SpeakerRef]:
    """The speakers with their LIAR job recorded as a role (no dates)."""
    out = []
    for s in speakers:
        job = jobs.get(s.name, "")
        out.append(SpeakerRef(s.id, s.name, s.aliases, s.gender, (Role(job),) if job else ()))
    return out


def make_trust_claims(kind: str, quotes: Sequence[CanonicalQuote], speakers: Sequence[SpeakerRef],
                      n: int, seed: int, info: dict, case_type, helpers: dict) -> list:
    """``n`` labelled claims of one trust kind (see the module docstring)."""
    r = random.Random(f"{seed}:{kind}")
    surname, title_for, text_for, date_of = (helpers[k] for k in ("surname", "title_for", "text_for", "date_of"))
    by_surname: dict[str, list[SpeakerRef]] = {}
    for s in speakers:
        by_surname.setdefault(surname(s.name).lower(), []).append(s)
    job = {s.name: info.get(s.name, {}).get("job", "") for s in speakers}
    by_id = {q.id: q for q in quotes}
    pool = list(quotes)
    r.shuffle(pool)
    cases: list = []

    def add(q: CanonicalQuote, claim: Claim, verdict: str, issues: set, variant: str,
            reason: Optional[str] = None) -> None:
        # Any quote of the speaker holding the words is a right match (a line
        # said twice), on the same day when the claim gives a readable date.
        same_day = claim.date and kind != "unreadable_date"
        acc = {q.id} | {i for i in helpers["acceptable"](claim.text, q.speaker)
                        if not same_day or (by_id[i].spoken_at or "")[:10] == (q.spoken_at or "")[:10]}
        cases.append(case_type(kind, claim, q.id, verdict, frozenset(issues), frozenset(acc), variant,
                               expected_reason=reason))

    for q in pool:
        if len(cases) >= n:
            break
        sp = q.speaker
        sn = surname(sp.name)
        # News style marks a generational suffix ("Trump Jr."): a bare
        # surname does not mean a Jr. unless the speaker is one.
        junior = _SUFFIX.search(sp.name)
        rivals = [s for s in by_surname.get(sn.lower(), [])
                  if s.name != sp.name and (junior or not _SUFFIX.search(s.name))]
        text, _w, _v = text_for(q, r)
        if kind == "honorific":
            g = gold_gender(sp.name, job[sp.name])
            if g is None:
                continue
            right = r.random() < 0.5
            claimed = g if right else ("male" if g == "female" else "female")
            honorific = r.choice(("Mrs.", "Ms.")) if claimed == "female" else "Mr."
            if right:
                genders = {gold_gender(s.name, job[s.name]) for s in rivals}
                if None in genders:
                    continue  # no gold for a rival: whether it is ambiguous cannot be told
                verdict, issues = ("unverified", set()) if g in genders else ("verified", set())
            else:
                verdict, issues = "mismatch", {"misattributed"}
            add(q, Claim(text=text, speaker=f"{honorific} {sn}"), verdict, issues,
                f"{'right' if right else 'wrong'}:{honorific} {sn}:{len(rivals)} rivals",
                "ambiguous_speaker" if verdict == "unverified" else None)
        elif kind == "role":
            own = title_for(job[sp.name])
            if not own:
                continue
            rival_titles = {title_for(job[s.name]) for s in rivals} - {None}
            choice = r.random()
            if choice < 0.4 or not (rival_titles - {own}):
                title = own
                verdict = "unverified" if own in rival_titles else "verified"
                issues: set = set()
                variant = "own"
            else:
                title = r.choice(sorted(rival_titles - {own}))
                verdict, issues, variant = "mismatch", {"misattributed"}, "rival's"
            add(q, Claim(text=text, speaker=f"{title} {sn}"), verdict, issues,
                f"{variant}:{title} {sn}:{len(rivals)} rivals",
                "ambiguous_speaker" if verdict == "unverified" else None)
        elif kind == "ambiguous_surname":
            if not rivals or len(sn) < 3:
                continue
            add(q, Claim(text=text, speaker=sn), "unverified", set(), f"{sn}:{len(rivals) + 1} speakers",
                "ambiguous_speaker")
        elif kind == "utc_timestamp":
            d = date_of(q)
            tz = helpers["timezone"](q.location) if d else None
            if tz is None:
                continue
            zone = ZoneInfo(tz)
            if r.random() < 0.6 or helpers["holders"](text) > 1:
                # A local time on the record's day, late enough in the west
                # (or early enough in the east) to change the UTC date half
                # of the time.
                local = datetime.combine(d, time(r.randint(6, 23), r.choice((0, 15, 30, 45))), zone)
                verdict, issues, variant = "verified", set(), "same local day"
            else:
                # Another local day whose UTC date is the record's date.
                utc_day = datetime.combine(d, time(0), timezone.utc)
                local = None
                for _ in range(20):
                    moment = utc_day + timedelta(minutes=r.randint(0, 24 * 60 - 1))
                    if moment.astimezone(zone).date() != d:
                        local = moment.astimezone(zone)
                        break
                if local is None:
                    continue  # UTC itself: every UTC time of the day is that local day
                verdict, issues, variant = "mismatch", {"wrong_date"}, "other local day, same UTC date"
            stamp = local.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
            if verdict == "verified" and stamp[:10] != d.isoformat():
                variant += ", next UTC day"
            add(q, Claim(text=text, speaker=sp.name, date=stamp), verdict, issues, f"{variant}:{tz}")
        elif kind == "unreadable_date":
            d = date_of(q)
            if d is None:
                continue
            month = r.choice(("February 30", "February 31", "April 31", "June 31", "September 31",
                              "November 31"))
            add(q, Claim(text=text, speaker=sp.name, date=f"{month}, {d.year}"), "unverified", set(), month,
                "unchecked_date")
        else:
            raise ValueError(kind)
    return cases
