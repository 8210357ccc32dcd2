"""Command line for sources: ``flask --app wsgi sources add FILE ...`` (a transcript for the record)."""
from __future__ import annotations

import json
from typing import Any, Optional

import click
from flask.cli import AppGroup
from marshmallow import ValidationError

from . import transcripts
from .db import get_session
from .services import Conflict, InvalidInput

sources_cli = AppGroup("sources", help="Sources on record: add a transcript.")


def format_result(answer: dict[str, Any]) -> str:
    """The answer of POST /api/v1/sources as an editor reads it."""
    src = answer["source"]
    name = " \u2014 ".join(x for x in (src.get("publisher"), src.get("title"), src.get("url")) if x)
    lines = [f"Stored {answer['stored']} quote(s) ({answer['status']}) from source {src['id']}: {name}"]
    for s in answer["speakers"]:
        labels = f" (as {', '.join(s['labels'])})" if s["labels"] else ""
        lines.append(f"  {s['speaker']}: {s['quotes']}{labels}")
    if answer["skipped"]:
        lines.append("Skipped:")
    for s in answer["skipped"]:
        who = f" {s['label']}:" if s["label"] else ""
        lines.append(f"  {s['count']} \u00d7 {s['reason']}{who} {s['message']}")
        for example in s["examples"][:1]:
            lines.append(f"      e.g. \u201c{example[:100]}\u201d")
    return "\n".join(lines)


@sources_cli.command("add")
@click.argument("file", type=click.File("r", encoding="utf-8"))
@click.option("--speaker", help="Whose remarks these are (text before any label, and labels fitting the name).")
@click.option("--label", "labels", multiple=True, metavar="LABEL=NAME",
              help='Who a label is, e.g. --label "MODERATOR=Lester Holt"; repeat for several.')
@click.option("--spoken-at", help="When it was said (2025-09-03).")
@click.option("--location", help="Where (Beijing, China).")
@click.option("--event", help="The event (News conference).")
@click.option("--title")
@click.option("--publisher")
@click.option("--published-at")
@click.option("--url", help="Where the transcript is published (recorded, not fetched).")
@click.option("--language", help="Language tag (en).")
@click.option("--html", "is_html", is_flag=True, default=None, help="FILE is HTML (default: by its extension).")
@click.option("--review", is_flag=True, help="Store the quotes as pending_review instead of approved.")
@click.option("--json", "as_json", is_flag=True, help="Print the API's JSON answer instead.")
def sources_add(file: Any, speaker: Optional[str], labels: tuple[str, ...], spoken_at: Optional[str],
                location: Optional[str], event: Optional[str], title: Optional[str], publisher: Optional[str],
                published_at: Optional[str], url: Optional[str], language: Optional[str],
                is_html: Optional[bool], review: bool, as_json: bool) -> None:
    """Put the transcript in FILE on record: every sentence of every named speaker, in order."""
    from .articles import html_to_text
    from .source_schemas import TranscriptSchema

    try:
        mapping = transcripts.label_arguments(list(labels))
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--label") from None
    content = file.read()
    if is_html is None:
        is_html = str(getattr(file, "name", "")).lower().endswith((".html", ".htm"))
    body = {"text": html_to_text(content) if is_html else content, "speaker": speaker, "speakers": mapping or None,
            "spoken_at": spoken_at, "location": location, "event": event, "title": title,
            "publisher": publisher, "published_at": published_at, "url": url, "language": language,
            "review": review}
    try:
        data = TranscriptSchema().load({k: v for k, v in body.items() if v is not None})
    except ValidationError as exc:
        raise click.ClickException(json.dumps(exc.messages, ensure_ascii=False)) from None
    session = get_session()
    try:
        result = transcripts.add_transcript(session, data["text"], data)
        session.commit()
    except (Conflict, InvalidInput) as exc:
        session.rollback()
        raise click.ClickException(str(exc)) from None
    answer = transcripts.as_json(session, result)
    if as_json:
        click.echo(json.dumps(answer, indent=2, ensure_ascii=False, default=str))
    else:
        click.echo(format_result(answer))
