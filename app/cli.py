"""Command line: ``flask --app wsgi db|keys|speakers|quotes|demo|verify ...``."""
from __future__ import annotations

import json
import os
import sys
import textwrap
from typing import Any, Optional

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext
from sqlalchemy import func, or_, select

from . import auth, bulk_import, importer, repository, services
from .db import get_engine, get_session
from .models import ApiKey, Quote, Speaker

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEMO_DIR = os.path.join(ROOT, "data", "demo")

db_cli = AppGroup("db", help="Database schema (Alembic migrations).")
keys_cli = AppGroup("keys", help="API keys: create, list, revoke.")
quotes_cli = AppGroup("quotes", help="Bulk operations on canonical quotes.")
speakers_cli = AppGroup("speakers", help="Speakers: add one, or record their gender, roles and aliases.")
demo_cli = AppGroup("demo", help="The seed article's quotes (data/demo).")


# --- db ----------------------------------------------------------------------------


@db_cli.command("upgrade")
@click.argument("revision", default="head")
def db_upgrade(revision: str) -> None:
    """Migrate the database to REVISION (default: the latest)."""
    from . import migrate

    engine = get_engine()
    migrate.upgrade(engine, revision)
    click.echo(f"Database {engine.url.render_as_string(hide_password=True)} "
               f"is at revision {migrate.current_revision(engine)}.")


@db_cli.command("downgrade")
@click.argument("revision")
def db_downgrade(revision: str) -> None:
    """Migrate the database down to REVISION (``base`` empties it)."""
    from . import migrate

    engine = get_engine()
    migrate.downgrade(engine, revision)
    click.echo(f"Database is at revision {migrate.current_revision(engine)}.")


@db_cli.command("current")
def db_current() -> None:
    """Show the database's revision and the latest one."""
    from . import migrate

    engine = get_engine()
    click.echo(f"current: {migrate.current_revision(engine)}  head: {migrate.head_revision()}")


# --- keys --------------------------------------------------------------------------


@keys_cli.command("create")
@click.argument("name")
@click.option("--scope", "scopes", multiple=True, default=("read",), show_default=True,
              help="read, write or admin; repeat or comma-separate for several.")
@click.option("--webhook-secret", is_flag=True,
              help="Also create the secret that signs this key's job webhooks (needed for callback_url).")
def keys_create(name: str, scopes: tuple[str, ...], webhook_secret: bool) -> None:
    """Create a key. The key is printed once, as the last line (the webhook secret after it)."""
    try:
        auth.normalize_scopes(scopes)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--scope") from None
    session = get_session()
    row, secret = auth.create_key(session, name, scopes, webhook_secret=webhook_secret)
    session.commit()
    click.echo(f"Created key {row.id} '{row.name}' with scopes {', '.join(row.scope_list)}.", err=True)
    click.echo("Store it now; it is not shown again:", err=True)
    click.echo(secret)
    if row.webhook_secret:
        click.echo("Webhook secret (checks the X-Verbatim-Signature of its job webhooks; not shown again):",
                   err=True)
        click.echo(row.webhook_secret)


@keys_cli.command("list")
def keys_list() -> None:
    """List keys (never the keys themselves)."""
    rows = repository.list_api_keys(get_session())
    if not rows:
        click.echo("No API keys. Create one with: flask --app wsgi keys create NAME --scope write")
        return
    click.echo(f"{'ID':>4}  {'PREFIX':<13} {'SCOPES':<18} {'CREATED':<20} {'STATUS':<8} NAME")
    for k in rows:
        status = "revoked" if k.revoked_at else "active"
        click.echo(f"{k.id:>4}  {k.prefix + '…':<13} {','.join(k.scope_list):<18} "
                   f"{k.created_at:%Y-%m-%d %H:%M}Z{'':<3} {status:<8} {k.name}")


def _one_key(session: Any, key: str) -> ApiKey:
    conds = [ApiKey.prefix == key[:12], ApiKey.key_hash == auth.hash_key(key)]
    if key.isdigit():
        conds.append(ApiKey.id == int(key))
    rows = list(session.scalars(select(ApiKey).where(or_(*conds))))
    if len(rows) != 1:
        raise click.ClickException(f"No single key matches {key!r} ({len(rows)} found).")
    return rows[0]


@keys_cli.command("revoke")
@click.argument("key")
def keys_revoke(key: str) -> None:
    """Revoke a key, given its id, its prefix or the key itself."""
    session = get_session()
    row = _one_key(session, key)
    auth.revoke_key(session, row)
    session.commit()
    click.echo(f"Revoked key {row.id} '{row.name}'.")


@keys_cli.command("webhook-secret")
@click.argument("key")
def keys_webhook_secret(key: str) -> None:
    """Create (or replace) the webhook secret of a key, given its id, prefix or the key itself.

    Printed once, as the last line. A replaced secret stops signing at once.
    """
    session = get_session()
    row = _one_key(session, key)
    if row.revoked_at is not None:
        raise click.ClickException(f"Key {row.id} is revoked.")
    replaced = row.webhook_secret is not None
    row.webhook_secret = auth.new_webhook_secret()
    session.commit()
    click.echo(f"{'Replaced' if replaced else 'Created'} the webhook secret of key {row.id} '{row.name}'; "
               "store it now, it is not shown again:", err=True)
    click.echo(row.webhook_secret)


# --- speakers ----------------------------------------------------------------------

ROLE_HELP = ('An office held, as "TITLE" or "TITLE:START:END" with dates YYYY-MM-DD (either may be '
             'empty), e.g. "President of the United States:2009-01-20:2017-01-20". Repeat for several.')


def _roles(values: tuple[str, ...]) -> list[dict[str, Any]]:
    from marshmallow import ValidationError

    from .schemas import RoleSchema

    out = []
    for value in values:
        title, start, end = value.rsplit(":", 2) if value.count(":") >= 2 else (value, "", "")
        try:
            out.append(RoleSchema().load({"title": title, "start": start or None, "end": end or None}))
        except ValidationError as exc:
            raise click.BadParameter(f"{value!r}: {exc.messages}", param_hint="--role") from None
    return out


def _speaker_summary(sp: Speaker) -> str:
    roles = "; ".join(f"{r['title']} ({r.get('start') or '…'} to {r.get('end') or '…'})" for r in sp.roles or [])
    return (f"Speaker {sp.id} '{sp.name}': gender {sp.gender or 'not recorded'}; "
            f"roles {roles or 'none'}; aliases {', '.join(sp.alias_names) or 'none'}.")


@speakers_cli.command("add")
@click.argument("name")
@click.option("--alias", "aliases", multiple=True, help="Another name they are quoted under. Repeatable.")
@click.option("--gender", type=click.Choice(["female", "male"]), help="As the record knows it.")
@click.option("--role", "roles", multiple=True, help=ROLE_HELP)
def speakers_add(name: str, aliases: tuple[str, ...], gender: Optional[str], roles: tuple[str, ...]) -> None:
    """Add a speaker."""
    session = get_session()
    try:
        sp = services.create_speaker(session, name, aliases, gender=gender, roles=_roles(roles))
    except services.Conflict as exc:
        raise click.ClickException(str(exc)) from None
    session.commit()
    click.echo(_speaker_summary(sp))


@speakers_cli.command("update")
@click.argument("speaker")
@click.option("--alias", "aliases", multiple=True, help="An alias to add. Repeatable.")
@click.option("--gender", type=click.Choice(["female", "male", "none"]),
              help="As the record knows it; none forgets it.")
@click.option("--role", "roles", multiple=True, help=ROLE_HELP + " Replaces the roles.")
@click.option("--clear-roles", is_flag=True, help="Forget every role.")
def speakers_update(speaker: str, aliases: tuple[str, ...], gender: Optional[str], roles: tuple[str, ...],
                    clear_roles: bool) -> None:
    """Change a speaker, given by id or exact name or alias."""
    session = get_session()
    found = ([repository.get_speaker(session, int(speaker))] if speaker.isdigit()
             else repository.speakers_with_exact_name(session, speaker))
    found = [sp for sp in found if sp is not None]
    if len(found) != 1:
        raise click.ClickException(f"No single speaker is {speaker!r} ({len(found)} found).")
    data: dict[str, Any] = {}
    if aliases:
        data["add_aliases"] = list(aliases)
    if gender:
        data["gender"] = None if gender == "none" else gender
    if roles or clear_roles:
        data["roles"] = _roles(roles)
    try:
        sp = services.update_speaker(session, found[0], data)
    except services.Conflict as exc:
        raise click.ClickException(str(exc)) from None
    session.commit()
    click.echo(_speaker_summary(sp))


# --- quotes ------------------------------------------------------------------------


def _print_import_result(result: bulk_import.ImportResult, limit: int = 20) -> None:
    click.echo(f"Imported {result.imported} quote(s); {result.rejected} line(s) rejected.")
    for e in result.errors[:limit]:
        click.echo(f"  line {e['line']}: {json.dumps(e['errors'], ensure_ascii=False)}", err=True)
    if len(result.errors) > limit:
        click.echo(f"  ... and {len(result.errors) - limit} more.", err=True)


@quotes_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(["auto", "jsonl", "csv"]), default="auto",
              show_default=True, help="auto: .csv is CSV, anything else JSON Lines.")
def quotes_import(file: str, fmt: str) -> None:
    """Import quotes from FILE (JSON Lines or CSV), with a progress bar."""
    kind = importer.kind_for_filename(file) if fmt == "auto" else ("csv" if fmt == "csv" else "ndjson")
    size = os.path.getsize(file)
    session = get_session()
    with open(file, "rb") as raw, click.progressbar(length=size, label="Importing",
                                                    file=sys.stderr, show_pos=False) as bar:
        last = [0]

        def progress(_n: int) -> None:
            # (A CSV text wrapper closes the file when it is done with it.)
            pos = size if raw.closed else raw.tell()
            bar.update(pos - last[0])
            last[0] = pos

        try:
            records = importer.records_from_bytes_stream(raw, kind)
            result = bulk_import.import_quotes(session, records, chunk_size=current_app.config["IMPORT_CHUNK_SIZE"],
                                            workers=current_app.config["IMPORT_WORKERS"], on_progress=progress)
        except importer.FileError as exc:
            raise click.ClickException(str(exc)) from None
        bar.update(size - last[0])
    _print_import_result(result)


@quotes_cli.command("reindex")
def quotes_reindex() -> None:
    """Recompute search text, places and speaker keys with the current engine.

    Run after upgrading the engine's normalisation, gazetteer or name keys.
    """
    session = get_session()
    places = services.PlaceCache()
    n = 0
    for q in repository.iter_all_quotes(session):
        cols = {**services.text_columns(q.text), **places.columns(q.location)}
        for k, v in cols.items():
            if getattr(q, k) != v:
                setattr(q, k, v)
        n += 1
        if n % 500 == 0:
            session.commit()
    speakers = list(session.scalars(select(Speaker)))
    for s in speakers:
        services.rebuild_speaker_keys(session, s)
    session.commit()
    from .sources import refresh_boundaries

    boundaries = refresh_boundaries(session)
    session.commit()
    click.echo(f"Reindexed {n} quote(s) and {len(speakers)} speaker(s); {boundaries} sequence boundary key(s) changed.")


# --- demo --------------------------------------------------------------------------


@demo_cli.command("load")
@click.option("--dir", "directory", default=DEMO_DIR, show_default=True, type=click.Path(file_okay=False))
@click.option("--if-empty", is_flag=True,
              help="Only load into a store that has no quotes yet (what `make run` does).")
def demo_load(directory: str, if_empty: bool) -> None:
    """Load the demo speakers and quotes; running it again adds nothing."""
    session = get_session()
    if if_empty:
        stored = session.scalar(select(func.count()).select_from(Quote))
        if stored:
            click.echo(f"Demo data not loaded: the store already has {stored} quote(s).")
            return
    new_speakers = 0
    for s in services.demo_records(os.path.join(directory, "speakers.jsonl")):
        existing = repository.speakers_with_exact_name(session, s["name"])
        if existing:
            continue
        services.create_speaker(session, s["name"], s.get("aliases") or [], s.get("description"),
                                s.get("wikidata_id"))
        new_speakers += 1
    session.commit()
    path = os.path.join(directory, "quotes.jsonl")
    with open(path, "rb") as f:
        result = bulk_import.import_quotes(session, importer.iter_ndjson(f), skip_existing=True)
    total = session.scalar(select(func.count()).select_from(Quote))
    click.echo(f"Demo data: {new_speakers} new speaker(s), {result.imported} new quote(s); "
               f"{total} quote(s) stored.")
    if result.errors:
        _print_import_result(result)
        raise click.ClickException("The demo data has invalid lines.")


# --- verify ------------------------------------------------------------------------


def format_verdict(answer: dict[str, Any]) -> str:
    """A verify answer as a journalist reads it."""
    lines: list[str] = []
    verdict = answer["verdict"].upper()
    kinds = ", ".join(i["type"] for i in answer.get("issues", []))
    lines.append(f"{verdict}" + (f": {kinds}" if kinds else ""))
    for issue in answer.get("issues", []):
        lines.append(f"  - {issue['message']}")
    if answer.get("message"):
        lines.append(f"  {answer['message']}")
    m = answer.get("match")
    if m:
        q = m["quote"]
        facts = ", ".join(x for x in (q.get("speaker"), q.get("spoken_at"), q.get("location")) if x)
        lines.append("")
        lines.append(f"On record (quote {q['id']}, score {m['score']:.0f}): {facts}")
        lines.extend(textwrap.wrap(f"\u201c{q['text']}\u201d", width=88, initial_indent="  ",
                                   subsequent_indent="  "))
        passage = m.get("passage")
        if passage:
            lines.append(f"  A passage of {len(passage['quote_ids'])} quotes in order (source {passage['source_id']}, "
                         f"quotes {', '.join(map(str, passage['quote_ids']))}):")
            lines.extend(textwrap.wrap(f"\u201c{passage['text']}\u201d", width=88, initial_indent="  ",
                                       subsequent_indent="  "))
        for s in q.get("sources") or []:
            src = " \u2014 ".join(x for x in (s.get("publisher"), s.get("title"), s.get("published_at"),
                                              s.get("url")) if x)
            lines.append(f"  Source: {src}")
        checks = "; ".join(f"{k} {m[k]['status']}" for k in ("speaker", "date", "location") if k in m)
        lines.append(f"  Text {m['text']['status']}; {checks}")
        context = m.get("context")
        if context:
            lines.append(f"  In context ({context.get('url') or 'source ' + str(context['source_id'])}):")
            for label, words in (("before", context["before"]), ("after", context["after"])):
                if words:
                    lines.extend(textwrap.wrap(f"{label}: \u2026{words}" if label == "before" else
                                               f"{label}: {words}\u2026", width=88,
                                               initial_indent="    ", subsequent_indent="      "))
    alts = answer.get("alternatives") or []
    if alts:
        lines.append(f"  ({len(alts)} other close quote(s) on record)")
    return "\n".join(lines)


@click.command("verify")
@with_appcontext
@click.argument("text")
@click.option("--speaker", help="Who is said to have said it.")
@click.option("--date", help="When, as written (2025-09-03, September 2025, on Wednesday).")
@click.option("--location", help="Where, as written (Paris).")
@click.option("--reference-date", help="Anchor for relative dates (YYYY-MM-DD). Default: today.")
@click.option("--json", "as_json", is_flag=True, help="Print the API's JSON answer instead.")
def verify_command(text: str, speaker: Optional[str], date: Optional[str], location: Optional[str],
                   reference_date: Optional[str], as_json: bool) -> None:
    """Verify TEXT against the canonical record and print the verdict."""
    from marshmallow import ValidationError

    from .schemas import QuoteSchema, VerifySchema

    body = {"text": text, "speaker": speaker, "date": date, "location": location}
    if reference_date:
        body["reference_date"] = reference_date
    try:
        data = VerifySchema().load({k: v for k, v in body.items() if v is not None})
    except ValidationError as exc:
        raise click.ClickException(json.dumps(exc.messages)) from None
    answer = services.verify_claim(get_session(), data, candidate_limit=current_app.config["CANDIDATE_LIMIT"],
                                   quote_serializer=QuoteSchema().dump)
    if as_json:
        click.echo(json.dumps(answer, indent=2, ensure_ascii=False))
    else:
        click.echo(format_verdict(answer))


def init_app(app: Flask) -> None:
    from .sources_cli import sources_cli  # `sources add`: a transcript for the record

    for group in (db_cli, keys_cli, speakers_cli, quotes_cli, demo_cli, sources_cli):
        app.cli.add_command(group)
    app.cli.add_command(verify_command)
    from . import jobs_cli  # bulk verification: `jobs list|resume|purge` and the RQ `worker`

    jobs_cli.init_app(app)
    from . import webhooks  # `webhooks deliver`

    webhooks.init_app(app)
