"""Job webhooks: when a job with a ``callback_url`` ends, POST a signed summary there.

When a job reaches ``finished`` or ``failed``, :func:`job_ended` stores a
delivery (``job_webhooks``: one per job and event, unique, so a runner that
reaches the same end twice sends once) and wakes this process's dispatcher.
The runner goes on at once: attempts are made by a :class:`Dispatcher`
thread, never by the runner.

An attempt:

* the body is the job's summary (:func:`payload`: id, name, status, counts,
  the status and results URLs, the delivery's id and a ``timestamp``);
* signed with the submitting key's webhook secret: ``X-Verbatim-Signature:
  sha256=<hex HMAC-SHA256 of the raw body>``, and the same ``timestamp`` in
  ``X-Verbatim-Timestamp``. The timestamp is inside the signed body, so a
  receiver that checks the signature and refuses old timestamps (five
  minutes) cannot be fed a replayed request;
* sent to addresses the fetching rules allow (app/fetch.py: http(s) only, the
  name resolved once and every address checked, the connection pinned to the
  checked address, no proxies; no loopback, private or link-local targets
  unless ``WEBHOOK_ALLOW_PRIVATE`` or ``WEBHOOK_ALLOWED_NETWORKS``), on every
  redirect too (at most five; the POST and its body are sent again to the new
  address, whatever the 3xx);
* a 2xx answer delivers it; anything else (an error status, a refused or
  unreachable address, a time-out) is retried with exponential backoff:
  ``WEBHOOK_RETRY_BASE`` seconds, doubling, at most ``WEBHOOK_RETRY_MAX``
  apart, until ``WEBHOOK_RETRY_FOR`` after the job ended; then it is
  ``failed``. Every attempt is logged on the delivery (``GET /jobs/<id>``).

Deliveries survive the process: they are rows. A process takes an attempt
with a compare-and-set lease (``locked_until``), so two dispatchers never send
the same attempt; a process killed mid-attempt leaves a lease that runs out,
and the attempt is made again (a receiver dedupes on ``X-Verbatim-Delivery``).
A job that ended without its delivery being stored (its runner died in
between) is found by the next dispatcher round, which stores it.

Dispatchers run in the web process (started when a job with a callback is
submitted or ends there) while there is anything to wait for: a delivery not
yet delivered or given up, or a job with a callback that has not ended (at
scale the job ends in an RQ worker; the dispatcher sees its delivery within
``WEBHOOK_POLL_SECONDS``). ``flask --app wsgi webhooks deliver`` sends what
is due from the command line.
"""
from __future__ import annotations

import atexit
import datetime as dt
import hashlib
import hmac
import json
import logging
import os
import threading
import time
import uuid
from typing import Any, Optional
from urllib.parse import urljoin

import click
import requests
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy import exists, literal, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .db import EXTENSION as DB_EXTENSION
from .fetch import Fetcher, FetchError, address_policy, parse_networks, pinned_session
from .models import JOB_FAILED, JOB_FINISHED, JOB_QUEUED, JOB_RUNNING, ApiKey, Job, JobWebhook, utcnow

log = logging.getLogger(__name__)

EXTENSION = "verbatim_webhooks"
EVENTS = {JOB_FINISHED: "job.finished", JOB_FAILED: "job.failed"}
PENDING, DELIVERED, FAILED = "pending", "delivered", "failed"
USER_AGENT = "Verbatim-Webhook/1"
SIGNATURE_HEADER = "X-Verbatim-Signature"
TIMESTAMP_HEADER = "X-Verbatim-Timestamp"
MAX_REDIRECTS = 5
MAX_LOGGED_ATTEMPTS = 50


def sign(secret: str, body: bytes) -> str:
    """The signature header's value: ``sha256=`` and the hex HMAC-SHA256 of the raw body."""
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


# --- the address rules ------------------------------------------------------------------


def fetcher(config: Any) -> Fetcher:
    """The fetching rules with the webhook settings (ValueError on bad WEBHOOK_ALLOWED_NETWORKS)."""
    policy = config.get("WEBHOOK_IS_ALLOWED") or address_policy(
        bool(config.get("WEBHOOK_ALLOW_PRIVATE")), parse_networks(config.get("WEBHOOK_ALLOWED_NETWORKS")))
    timeout = float(config.get("WEBHOOK_TIMEOUT", 10))
    return Fetcher(is_allowed=policy, connect_timeout=min(5.0, timeout), read_timeout=timeout,
                   total_timeout=timeout, max_redirects=MAX_REDIRECTS)


def _explain(exc: FetchError) -> str:
    return exc.message.replace("Refused to fetch", "Refused to send to").replace(
        "can be fetched (unless ALLOW_PRIVATE_FETCH is set)",
        "receive webhooks (unless WEBHOOK_ALLOW_PRIVATE or WEBHOOK_ALLOWED_NETWORKS allows it)")


def check_callback_url(config: Any, url: str) -> Optional[str]:
    """Why ``url`` cannot be a callback (the same rules as a delivery), or None.

    ValueError when WEBHOOK_ALLOWED_NETWORKS is invalid (the server's fault, not the URL's)."""
    if len(url) > 2000:
        return "At most 2000 characters."
    try:
        fetcher(config).check_url(url)
    except FetchError as exc:
        return _explain(exc)
    return None


def post(config: Any, url: str, body: bytes, headers: dict[str, str]) -> tuple[int, str]:
    """POST ``body`` to ``url`` under the address rules, following redirects; (status, final URL).

    Raises FetchError when no answer came (refused address, connection, time-out).
    """
    checker = fetcher(config)
    deadline = time.monotonic() + checker.total_timeout
    for _ in range(MAX_REDIRECTS + 1):
        _, ip = checker.check_url(url)
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise FetchError(f"No answer within {checker.total_timeout:g} s.", 504, "timeout")
        session = pinned_session(ip)
        try:
            response = session.post(url, data=body, headers=headers, allow_redirects=False, stream=True,
                                    timeout=(min(checker.connect_timeout, remaining), remaining))
            response.close()  # the answer's body is not needed
        except requests.exceptions.Timeout:
            raise FetchError(f"No answer within {checker.total_timeout:g} s.", 504, "timeout") from None
        except requests.exceptions.RequestException as exc:
            raise FetchError(f"Could not connect: {type(exc).__name__}: {str(exc)[:200]}", 502,
                             "upstream_error") from None
        finally:
            session.close()
        location = response.headers.get("Location", "").strip()
        if response.is_redirect and location:
            url = urljoin(url, location)
            continue
        return response.status_code, url
    raise FetchError(f"Too many redirects (more than {MAX_REDIRECTS}).", 422, "too_many_redirects")


# --- the summary --------------------------------------------------------------------------


def job_urls(job: Job, public_url: Optional[str]) -> dict[str, str]:
    base = (public_url or job.base_url or "/").rstrip("/") + "/"
    status = urljoin(base, f"api/v1/jobs/{job.id}")
    return {"url": status, "results": {"ndjson": status + "/results", "csv": status + "/results?format=csv"}}


def payload(job: Job, delivery: JobWebhook, public_url: Optional[str], timestamp: int) -> dict[str, Any]:
    out: dict[str, Any] = {
        "event": delivery.event,
        "delivery": delivery.id,
        "timestamp": timestamp,
        "id": job.id,
        "name": job.name,
        "status": JOB_FINISHED if delivery.event == EVENTS[JOB_FINISHED] else JOB_FAILED,
        "total": job.total,
        "done": job.done,
        "rejected": job.rejected,
        "summary": {"verified": job.verified, "mismatch": job.mismatch, "unverified": job.unverified,
                    "error": job.errored},
        "created_at": _iso(job.created_at),
        "finished_at": _iso(job.finished_at),
    }
    if job.error:
        out["error"] = job.error
    out.update(job_urls(job, public_url))
    return out


def _iso(value: Optional[dt.datetime]) -> Optional[str]:
    return value.isoformat() if value is not None else None


def describe(session: Session, job: Job) -> Optional[dict[str, Any]]:
    """The job's ``webhook`` field: its URL and each delivery with its attempts."""
    if not job.callback_url:
        return None
    rows = session.scalars(select(JobWebhook).where(JobWebhook.job_id == job.id)
                           .order_by(JobWebhook.created_at)).all()
    return {"url": job.callback_url, "deliveries": [{
        "id": d.id, "event": d.event, "state": d.state, "attempts": d.attempts,
        "next_attempt_at": _iso(d.next_attempt_at) if d.state == PENDING else None,
        "give_up_at": _iso(d.give_up_at), "created_at": _iso(d.created_at), "ended_at": _iso(d.ended_at),
        "log": d.log or [],
    } for d in rows]}


# --- scheduling -----------------------------------------------------------------------------


def job_ended(app: Flask, job_id: str) -> Optional[str]:
    """Called by a runner when a job reached finished or failed: store its delivery (once) and
    wake the dispatcher. Never raises (a webhook must not fail the job); returns the delivery id."""
    try:
        delivery_id = _store_delivery(app, job_id)
    except Exception:
        log.exception("job %s: could not schedule its webhook", job_id)
        return None
    if delivery_id:
        dispatcher(app).wake()
    return delivery_id


def _store_delivery(app: Flask, job_id: str) -> Optional[str]:
    factory = app.extensions[DB_EXTENSION]["write_sessions"]
    with factory() as session:
        job = session.get(Job, job_id)
        if job is None or not job.callback_url or job.status not in EVENTS:
            return None
        event = EVENTS[job.status]
        existing = session.scalar(select(JobWebhook.id).where(JobWebhook.job_id == job_id,
                                                              JobWebhook.event == event))
        if existing:
            return existing
        now = utcnow()
        delivery = JobWebhook(id=uuid.uuid4().hex, job_id=job_id, event=event, url=job.callback_url,
                              state=PENDING, attempts=0, log=[], next_attempt_at=now,
                              give_up_at=now + dt.timedelta(seconds=float(app.config["WEBHOOK_RETRY_FOR"])),
                              created_at=now)
        session.add(delivery)
        try:
            session.commit()
        except IntegrityError:  # another runner stored it first
            session.rollback()
            return session.scalar(select(JobWebhook.id).where(JobWebhook.job_id == job_id,
                                                              JobWebhook.event == event))
        return delivery.id


def backoff(config: Any, attempts: int) -> float:
    """Seconds before the next attempt, after ``attempts`` failed ones."""
    base = float(config["WEBHOOK_RETRY_BASE"])
    return min(float(config["WEBHOOK_RETRY_MAX"]), base * (2 ** max(0, attempts - 1)))


# --- attempts -----------------------------------------------------------------------------


def _ended_unscheduled(app: Flask):
    """Jobs with a callback that ended (within WEBHOOK_RETRY_FOR) without a delivery for that end:
    a runner between its status commit and :func:`job_ended`, or one that died there."""
    since = utcnow() - dt.timedelta(seconds=float(app.config["WEBHOOK_RETRY_FOR"]))
    sent = select(JobWebhook.id).where(JobWebhook.job_id == Job.id,
                                       JobWebhook.event == literal("job.").concat(Job.status))
    return (Job.callback_url.is_not(None), Job.status.in_(tuple(EVENTS)), Job.updated_at >= since,
            ~exists(sent))


def schedule_missed(app: Flask, limit: int = 100) -> int:
    """Store the deliveries of jobs that ended without one (:func:`_ended_unscheduled`)."""
    with app.extensions[DB_EXTENSION]["read_sessions"]() as session:
        ids = session.scalars(select(Job.id).where(*_ended_unscheduled(app)).limit(limit)).all()
    for job_id in ids:
        _store_delivery(app, job_id)
    return len(ids)


def attempt_due(app: Flask, limit: int = 20) -> int:
    """Make one attempt for each delivery that is due (at most ``limit``); returns how many.

    Deliveries a runner did not get to store are stored first."""
    schedule_missed(app)
    reads = app.extensions[DB_EXTENSION]["read_sessions"]
    now = utcnow()
    with reads() as session:
        ids = session.scalars(select(JobWebhook.id).where(
            JobWebhook.state == PENDING, JobWebhook.next_attempt_at <= now,
            or_(JobWebhook.locked_until.is_(None), JobWebhook.locked_until < now),
        ).order_by(JobWebhook.next_attempt_at).limit(limit)).all()
    return sum(1 for delivery_id in ids if attempt(app, delivery_id))


def attempt(app: Flask, delivery_id: str) -> bool:
    """One attempt at a delivery, if it is due and no other process holds it; whether one was made."""
    config = app.config
    writes = app.extensions[DB_EXTENSION]["write_sessions"]
    now = utcnow()
    lease = now + dt.timedelta(seconds=float(config.get("WEBHOOK_TIMEOUT", 10)) * (MAX_REDIRECTS + 1) + 30)
    with writes() as session:
        taken = session.execute(update(JobWebhook).where(
            JobWebhook.id == delivery_id, JobWebhook.state == PENDING, JobWebhook.next_attempt_at <= now,
            or_(JobWebhook.locked_until.is_(None), JobWebhook.locked_until < now),
        ).values(locked_until=lease).execution_options(synchronize_session=False)).rowcount
        session.commit()
        if taken != 1:
            return False
        delivery = session.get(JobWebhook, delivery_id)
        job = session.get(Job, delivery.job_id) if delivery else None
        key = session.get(ApiKey, job.api_key_id) if job is not None and job.api_key_id else None
        if delivery is None or job is None:
            return False
        secret = key.webhook_secret if key is not None and key.revoked_at is None else None
        timestamp = int(time.time())
        body = json.dumps(payload(job, delivery, config.get("PUBLIC_URL"), timestamp),
                          ensure_ascii=False).encode("utf-8")
        url, event = delivery.url, delivery.event
        session.rollback()  # nothing held while the request is out

    entry: dict[str, Any] = {"at": _iso(utcnow()), "url": url}
    started = time.monotonic()
    final = False
    if secret is None:
        entry["error"] = "The key that submitted the job was revoked or has no webhook secret: not sent."
        final = True
    else:
        headers = {"Content-Type": "application/json", "User-Agent": USER_AGENT,
                   "X-Verbatim-Event": event, "X-Verbatim-Delivery": delivery_id,
                   TIMESTAMP_HEADER: str(timestamp), SIGNATURE_HEADER: sign(secret, body)}
        try:
            status, final_url = post(config, url, body, headers)
            entry["status"] = status
            if final_url != url:
                entry["redirected_to"] = final_url
            if not 200 <= status < 300:
                entry["error"] = f"The receiver answered {status}."
        except FetchError as exc:
            entry["error"] = _explain(exc)
        except ValueError as exc:
            entry["error"] = f"Webhooks are misconfigured: {exc}"
    entry["ms"] = round((time.monotonic() - started) * 1000)
    _record(app, delivery_id, entry, final)
    return True


def _record(app: Flask, delivery_id: str, entry: dict[str, Any], final: bool) -> None:
    writes = app.extensions[DB_EXTENSION]["write_sessions"]
    with writes() as session:
        delivery = session.get(JobWebhook, delivery_id)
        if delivery is None:
            return  # the job was deleted meanwhile
        now = utcnow()
        delivery.attempts += 1
        delivery.log = ([*(delivery.log or []), entry])[-MAX_LOGGED_ATTEMPTS:]
        delivery.locked_until = None
        if "error" not in entry:
            delivery.state, delivery.ended_at, delivery.next_attempt_at = DELIVERED, now, None
        else:
            retry_at = now + dt.timedelta(seconds=backoff(app.config, delivery.attempts))
            if final or retry_at > delivery.give_up_at:
                delivery.state, delivery.ended_at, delivery.next_attempt_at = FAILED, now, None
            else:
                delivery.next_attempt_at = retry_at
        session.commit()
        log.info("webhook %s (job %s) attempt %d: %s", delivery_id, delivery.job_id, delivery.attempts,
                 delivery.state if "error" not in entry else entry["error"])


# --- the dispatcher -----------------------------------------------------------------------


def _waiting_for(app: Flask, unended_jobs: bool = True) -> Optional[float]:
    """Seconds until something may be due (0: now), or None when there is nothing to wait for
    (no pending delivery and, with ``unended_jobs``, no job with a callback still to end)."""
    reads = app.extensions[DB_EXTENSION]["read_sessions"]
    poll = float(app.config["WEBHOOK_POLL_SECONDS"])
    with reads() as session:
        # In the order a job goes through them (running, ended without a delivery, a pending
        # delivery): where each statement sees the latest commits (PostgreSQL), a job that moves
        # on between two of them is still seen by the next.
        unended = unended_jobs and session.scalar(select(exists().where(
            Job.callback_url.is_not(None), Job.status.in_((JOB_QUEUED, JOB_RUNNING)))))
        missed = session.scalar(select(exists().where(*_ended_unscheduled(app))))
        nxt = session.scalar(select(JobWebhook.next_attempt_at).where(JobWebhook.state == PENDING)
                             .order_by(JobWebhook.next_attempt_at).limit(1))
    if nxt is not None:
        return max(0.0, min(poll, (nxt - utcnow()).total_seconds()))
    if missed:
        return min(poll, 0.2)  # a job just ended: store its delivery next round
    return poll if unended else None


class Dispatcher:
    """A daemon thread that makes the due attempts, while there is anything to wait for."""

    def __init__(self, app: Flask):
        self.app = app
        self.lock = threading.Lock()
        self.event = threading.Event()
        self.thread: Optional[threading.Thread] = None
        self.pid = os.getpid()
        self.stopped = False
        self.draining = False
        self.exit_hook = False

    def wake(self) -> None:
        if self.stopped:
            return
        with self.lock:
            if self.pid != os.getpid():  # forked: the parent's thread is not here
                self.thread, self.pid = None, os.getpid()
            if self.thread is None or not self.thread.is_alive():
                self.thread = threading.Thread(target=self._loop, name="verbatim-webhooks", daemon=True)
                self.thread.start()
                if not self.exit_hook:
                    atexit.register(self.drain)
                    self.exit_hook = True
        self.event.set()

    def drain(self) -> None:
        """At exit (a command such as `jobs resume` that ended a job): one last round of due
        attempts, bounded by the attempt time-out, rather than none."""
        thread = self.thread
        if thread is None or not thread.is_alive() or self.pid != os.getpid():
            return
        self.draining = True
        self.event.set()
        thread.join(float(self.app.config.get("WEBHOOK_TIMEOUT", 10)) + 1)

    def stop(self, timeout: float = 5.0) -> None:
        """Stop the thread after its current attempt (tests; a process exiting needs nothing)."""
        self.stopped = True
        self.event.set()
        thread = self.thread
        if thread is not None:
            thread.join(timeout)

    def _loop(self) -> None:
        while not self.stopped:
            self.event.clear()
            try:
                with self.app.app_context():
                    attempt_due(self.app)
                    wait = _waiting_for(self.app)
            except Exception:
                log.exception("webhook dispatcher: a round failed")
                wait = float(self.app.config["WEBHOOK_POLL_SECONDS"])
            if self.draining:
                return
            if wait is None:  # nothing to wait for: stop (the next job with a callback wakes it)
                with self.lock:
                    if not self.event.is_set():
                        self.thread = None
                        return
                continue
            self.event.wait(wait)


def dispatcher(app: Flask) -> Dispatcher:
    ext = app.extensions.setdefault(EXTENSION, {})
    if "dispatcher" not in ext:
        ext["dispatcher"] = Dispatcher(app)
    return ext["dispatcher"]


# --- command line ------------------------------------------------------------------------


webhooks_cli = AppGroup("webhooks", help="Job webhooks: send what is due.")


@webhooks_cli.command("deliver")
@click.option("--wait", is_flag=True, help="Keep going until no delivery is pending (retries included).")
def webhooks_deliver(wait: bool) -> None:
    """Make an attempt at every due webhook delivery (after a restart, or from cron)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    total = attempt_due(app, limit=10_000)
    while wait:
        delay = _waiting_for(app, unended_jobs=False)
        if delay is None:
            break
        time.sleep(delay)
        total += attempt_due(app, limit=10_000)
    click.echo(f"{total} attempt(s) made.")


def init_app(app: Flask) -> None:
    app.cli.add_command(webhooks_cli)
