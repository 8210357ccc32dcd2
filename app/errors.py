"""Every error is JSON: ``{"code", "status", "message", "errors"?}``.

400 malformed body, 401 no (or a bad) key, 403 wrong scope, 404, 405, 409,
413 body too large, 415, 422 invalid fields (``errors`` says which), 503
engine or database unavailable. Unexpected exceptions are logged and answered
as a JSON 500 without internals; bad input must never get there.
"""
from __future__ import annotations

import json
import logging
from typing import Any

from flask import Flask, Response, current_app, has_request_context, jsonify, request
from flask_smorest import Api, Blueprint
from sqlalchemy.exc import InterfaceError, OperationalError
from webargs import core
from webargs.flaskparser import FlaskParser, abort, is_json_request
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Request


log = logging.getLogger(__name__)

_MESSAGES = {
    400: "The request is malformed.",
    401: "An API key is required.",
    403: "This API key may not do that.",
    404: "Not found.",
    405: "This method is not allowed here.",
    409: "Conflict with the current state of the resource.",
    413: "The request body is too large.",
    415: "Unsupported content type.",
    422: "Some fields are invalid.",
    500: "Internal error. It has been logged.",
    503: "Temporarily unavailable.",
}


# Seconds a client should wait before trying again after a 503 (the
# database restarting, SQLite's write lock held by a long import).
RETRY_AFTER = "5"


def error_payload(code: int, status: str, message: str, errors: Any = None) -> dict:
    out: dict[str, Any] = {"code": code, "status": status, "message": message}
    if errors:
        out["errors"] = errors
    return out


def _summarize(errors: Any) -> str:
    """A one-line message from marshmallow's nested errors ("text: Missing data...")."""
    parts: list[str] = []

    def walk(prefix: str, node: Any) -> None:
        if isinstance(node, dict):
            for k, v in node.items():
                if k in ("json", "query", "querystring"):
                    walk(prefix, v)
                else:
                    walk(f"{prefix}.{k}" if prefix else str(k), v)
        elif isinstance(node, list) and node and all(isinstance(x, str) for x in node):
            parts.append(f"{prefix}: {' '.join(node)}" if prefix else " ".join(node))
        elif isinstance(node, list):
            for i, v in enumerate(node):
                walk(f"{prefix}[{i}]", v)
        elif node is not None:
            parts.append(f"{prefix}: {node}" if prefix else str(node))

    walk("", errors)
    text = "; ".join(parts[:5])
    if len(parts) > 5:
        text += f"; and {len(parts) - 5} more"
    return text


def _flatten_location(errors: Any) -> Any:
    """webargs nests errors under the location ({"json": {...}}); drop that level."""
    if isinstance(errors, dict) and len(errors) == 1:
        (loc, inner), = errors.items()
        if loc in ("json", "query", "querystring", "files", "form") and isinstance(inner, dict):
            return inner
    return errors


def http_error_response(error: HTTPException) -> tuple[dict, int, dict]:
    code = error.code or 500
    data = getattr(error, "data", None) or {}
    headers = dict(data.get("headers") or {})
    errors = data.get("errors", data.get("messages"))
    errors = _flatten_location(errors)
    message = data.get("message")
    if not message and code == 422 and errors:
        message = _summarize(errors)
    if not message and code == 400 and errors:
        message = "The request body is not valid JSON."
    if not message and code == 429:
        message = f"Too many requests: the budget of {error.description} is spent; retry after Retry-After seconds."
    if not message and code == 413:
        limit = request.max_content_length if has_request_context() else None
        if limit is None:
            limit = current_app.config.get("MAX_CONTENT_LENGTH")
        message = f"The request body is too large (limit: {limit} bytes)."
    if not message:
        message = _MESSAGES.get(code) or error.description or error.name
    if code == 503:
        headers.setdefault("Retry-After", RETRY_AFTER)
    if code == 405 and hasattr(error, "valid_methods") and error.valid_methods:
        headers.setdefault("Allow", ", ".join(error.valid_methods))
    return error_payload(code, error.name, message, errors), code, headers


class VerbatimApi(Api):
    """flask-smorest's Api with our error payload (always a ``message``)."""

    def handle_http_exception(self, error: HTTPException):  # type: ignore[override]
        # An unhandled exception is logged once, by Flask (log_exception), before it gets here.
        return http_error_response(error)


class JsonBodyParser(FlaskParser):
    """Reads the JSON body even without ``Content-Type: application/json``.

    ``curl -d '{...}'`` sends form encoding by default; rather than answer a
    puzzling "text: Missing data", we parse the body as JSON when it is one,
    and say clearly when it is not.
    """

    def _raw_load_json(self, req):  # type: ignore[override]
        if req.mimetype and req.mimetype.startswith("multipart/") and not is_json_request(req):
            return core.missing
        data = whole_body(req)
        try:
            if is_json_request(req):
                return core.parse_json(data)
            if not data or not data.strip():
                return core.missing
            return core.parse_json(data)
        except RecursionError:
            abort(400, message="The JSON body is nested too deeply.", messages={"json": ["Nested too deeply."]})
        except (json.JSONDecodeError, UnicodeDecodeError):
            if is_json_request(req):
                raise
            abort(400, message="Send a JSON body (Content-Type: application/json).",
                  messages={"json": ["Invalid JSON body."]})

    def _handle_invalid_json_error(self, error, req, *args, **kwargs):  # type: ignore[override]
        abort(400, exc=error, message=f"The request body is not valid JSON: {error}",
              messages={"json": ["Invalid JSON body."]})


def whole_body(req: Request) -> bytes:
    """The request body, or 413 if it is over the limit.

    A body without Content-Length (chunked) is cut at the limit by the
    stream that reads it: what was read is the limit or more, so the body
    is too large (rather than a shorter, malformed one: a 400).
    """
    data = req.get_data(cache=True)
    limit = req.max_content_length
    if req.content_length is None and limit is not None and len(data) >= limit:
        abort(413, message=f"The request body is too large (limit: {limit} bytes).")
    return data


class ApiBlueprint(Blueprint):
    ARGUMENTS_PARSER = JsonBodyParser()


def init_app(app: Flask) -> None:
    from .services import Conflict, InvalidInput

    @app.errorhandler(InvalidInput)
    def _invalid(exc: InvalidInput) -> tuple[Response, int]:
        message = exc.message or _summarize(exc.errors) or _MESSAGES[422]
        return jsonify(error_payload(422, "Unprocessable Entity", message, exc.errors)), 422

    @app.errorhandler(Conflict)
    def _conflict(exc: Conflict) -> tuple[Response, int]:
        return jsonify(error_payload(409, "Conflict", str(exc))), 409

    @app.errorhandler(RecursionError)
    def _too_deep(exc: RecursionError) -> tuple[Response, int]:
        # JSON nested about a thousand deep, wherever a body is parsed.
        log.warning("Refused a request nested too deeply: %s", exc)
        return jsonify(error_payload(400, "Bad Request", "The request is nested too deeply.")), 400

    @app.errorhandler(OperationalError)
    @app.errorhandler(InterfaceError)
    def _db_down(exc: OperationalError | InterfaceError) -> tuple[Response, int, dict]:
        detail = str(exc.orig) if exc.orig is not None else str(exc)
        log.error("Database error: %s", detail.strip().splitlines()[0] if detail.strip() else type(exc).__name__)
        if "no such table" in detail or "does not exist" in detail:
            message = "The database has no schema yet: run `flask --app wsgi db upgrade`."
        elif "locked" in detail:
            message = "The database is busy; try again."
        else:
            message = "The database is unavailable."
        return jsonify(error_payload(503, "Service Unavailable", message)), 503, {"Retry-After": RETRY_AFTER}
