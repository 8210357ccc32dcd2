"""Speakers: names and the aliases they are quoted under."""
from __future__ import annotations

from flask.views import MethodView
from flask_smorest import abort

from .. import repository, services
from ..auth import requires
from ..db import get_session, read
from ..errors import ApiBlueprint
from ..schemas import (
    SpeakerCreateSchema,
    SpeakerListArgsSchema,
    SpeakerPageSchema,
    SpeakerSchema,
    SpeakerUpdateSchema,
)

PREFIX = "/speakers"
blp = ApiBlueprint("speakers", __name__, description="Who said it: names, aliases, Wikidata ids.")


def get_or_404(speaker_id: int):
    speaker = repository.get_speaker(get_session(), speaker_id)
    if speaker is None:
        abort(404, message=f"Speaker {speaker_id} not found.")
    return speaker


@blp.route("")
class Speakers(MethodView):
    @requires("read")
    @blp.arguments(SpeakerListArgsSchema, location="query")
    @blp.response(200, SpeakerPageSchema)
    def get(self, args):
        """List speakers

        `q` finds speakers by a name or alias, whole or in part as the
        engine keys names (a surname finds everyone with it).
        """
        page = read(lambda session: repository.list_speakers(session, q=args.get("q"), page=args["page"],
                                                             per_page=args["per_page"]))
        return {"items": page.items, "total": page.total, "page": page.page,
                "per_page": page.per_page, "pages": page.pages}

    @requires("write")
    @blp.arguments(SpeakerCreateSchema)
    @blp.response(201, SpeakerSchema)
    def post(self, data):
        """Add a speaker

        409 if a speaker already has this exact name or alias.
        """
        session = get_session()
        speaker = services.create_speaker(session, data["name"], data.get("aliases") or [],
                                          data.get("description"), data.get("wikidata_id"),
                                          data.get("gender"), data.get("roles") or [])
        session.commit()
        return repository.get_speaker(session, speaker.id)


@blp.route("/<id:speaker_id>")
class SpeakerById(MethodView):
    @requires("read")
    @blp.response(200, SpeakerSchema)
    def get(self, speaker_id):
        """One speaker"""
        return get_or_404(speaker_id)

    @requires("write")
    @blp.arguments(SpeakerUpdateSchema, required=False)
    @blp.response(200, SpeakerSchema)
    def patch(self, data, speaker_id):
        """Change a speaker: name, description, Wikidata id, aliases, gender, roles

        `aliases` replaces the list; `add_aliases` and `remove_aliases`
        edit it. Verification picks the new names up at once.
        """
        session = get_session()
        speaker = get_or_404(speaker_id)
        services.update_speaker(session, speaker, data)
        session.commit()
        session.expire_all()
        return repository.get_speaker(session, speaker_id)
