"""Fetching a web page for ingestion, without becoming a proxy into our network.

``POST /api/v1/sources/ingest`` with a ``url`` makes the server fetch a URL a
client chose, which is the classic server-side request forgery hole: a URL
(or a redirect, or a DNS answer) that points at ``127.0.0.1``, the cloud
metadata address ``169.254.169.254`` or a database on the private network.
:class:`Fetcher` closes it:

* only ``http`` and ``https``; redirects are followed by hand (at most
  ``max_redirects``), and every hop is checked again from scratch;
* each hop's host name is resolved once (``socket.getaddrinfo``), *every*
  address it resolves to must pass the address policy, and the connection
  is then made to the checked address itself: the name is not resolved a
  second time, so a DNS answer that changes between the check and the
  connection (DNS rebinding) cannot slip a private address in. The URL,
  the ``Host`` header, TLS SNI and certificate checking keep the name;
* the default policy refuses loopback, private, link-local, multicast,
  reserved, unspecified and other non-public addresses (IPv4-mapped and
  6to4/NAT64 IPv6 forms are unwrapped first) unless ``allow_private``;
  ``allowed_networks`` lets through chosen networks (an intranet transcript
  server) without opening all of them;
* environment proxies and ``.netrc`` are ignored (``trust_env = False``):
  a proxy would resolve the name itself and defeat the check;
* a connect time-out, a read time-out (the longest wait for the next bytes)
  and a deadline for the whole fetch, redirects included (checked between
  chunks, so a server trickling a byte at a time is cut off too);
* the body is streamed and abandoned past ``max_bytes`` (a too-large
  ``Content-Length`` is refused before reading anything);
* only ``text/html``, ``application/xhtml+xml`` and ``text/plain`` answers
  are accepted.

Residual risks, stated plainly: name resolution itself has no time-out of
ours (the system resolver's applies); the policy is about addresses, not
ports, so any port of a public host can be fetched; pinning overrides
urllib3's ``HTTPConnection._new_conn`` (tests/integration/test_ingest.py
fails if an upgrade of urllib3 changes that).

Failures raise :class:`FetchError` with an HTTP status for the API:
422 for what is wrong with the URL or the page and will not change on a
retry (bad scheme, refused address, unknown host, wrong content type, too
large, too many redirects, the page answered 4xx), 502 when the other
server failed (connection refused or reset, 5xx, a broken answer), 504 when
it was too slow.
"""
from __future__ import annotations

import ipaddress
import re
import socket
import time
from dataclasses import dataclass
from typing import Callable, Iterable, Optional, Sequence, Union
from urllib.parse import urljoin, urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError, HTTPError, NewConnectionError, ReadTimeoutError
from urllib3.util import connection as urllib3_connection

IPAddress = Union[ipaddress.IPv4Address, ipaddress.IPv6Address]

HTML_TYPES = ("text/html", "application/xhtml+xml")
TEXT_TYPES = ("text/plain",)
ACCEPTED_TYPES = HTML_TYPES + TEXT_TYPES
USER_AGENT = "Verbatim/1 (quote ingestion; +https://github.com/verbatim)"
CHUNK = 64 * 1024

_NAT64 = ipaddress.ip_network("64:ff9b::/96")


class FetchError(Exception):
    """A fetch that did not give a usable page; ``status`` is the API's answer code."""

    def __init__(self, message: str, status: int = 422, reason: str = "invalid"):
        super().__init__(message)
        self.message = message
        self.status = status
        self.reason = reason


@dataclass
class FetchResult:
    url: str  # the final URL, after redirects
    requested_url: str
    status: int
    content_type: str  # the MIME type only, lower case
    charset: Optional[str]
    body: bytes
    redirects: list[str]

    @property
    def is_html(self) -> bool:
        return self.content_type in HTML_TYPES

    def text(self) -> str:
        """The body decoded: the declared charset, else a <meta> charset, else UTF-8."""
        for enc in (self.charset, _meta_charset(self.body) if self.is_html else None):
            if enc:
                try:
                    return self.body.decode(enc, errors="replace")
                except LookupError:
                    continue
        return self.body.decode("utf-8", errors="replace")


_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)


def _meta_charset(body: bytes) -> Optional[str]:
    m = _META_CHARSET.search(body[:4096])
    return m.group(1).decode("ascii") if m else None


# --- the address policy -------------------------------------------------------------


def address_kind(ip: IPAddress) -> Optional[str]:
    """What kind of non-public address ``ip`` is ("loopback", "private", ...); None if public."""
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = ip.ipv4_mapped or (ip.sixtofour if ip.sixtofour else None)
        if embedded is None and ip in _NAT64:
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if embedded is None and ip.teredo:
            embedded = ip.teredo[1]
        if embedded is not None:
            kind = address_kind(embedded)
            if kind or ip.ipv4_mapped:
                return kind
    if ip.is_unspecified:
        return "unspecified"
    if ip.is_loopback:
        return "loopback"
    if ip.is_link_local:
        return "link-local"
    if ip.is_multicast:
        return "multicast"
    if ip.is_reserved:
        return "reserved"
    if ip.is_private:
        return "private"
    if not ip.is_global:
        return "non-public"
    return None


def address_policy(allow_private: bool = False,
                   allowed_networks: Iterable[str] = ()) -> Callable[[IPAddress], bool]:
    """The default policy: public addresses only, unless told otherwise.

    ``allow_private`` lets through every unicast address (multicast and
    ``0.0.0.0``/``::`` stay refused); ``allowed_networks`` (CIDRs) lets
    through just those networks.
    """
    networks = [ipaddress.ip_network(n.strip(), strict=False) for n in allowed_networks if n.strip()]

    def is_allowed(ip: IPAddress) -> bool:
        if any(ip.version == n.version and ip in n for n in networks):
            return True
        kind = address_kind(ip)
        if kind is None:
            return True
        return allow_private and kind not in ("multicast", "unspecified")

    return is_allowed


def parse_networks(value: Union[str, Sequence[str], None]) -> list[str]:
    """``"10.1.0.0/16, 192.168.5.7"`` -> a list of CIDRs; ValueError on a bad one."""
    if not value:
        return []
    items = value.split(",") if isinstance(value, str) else list(value)
    out = []
    for item in items:
        item = item.strip()
        if item:
            ipaddress.ip_network(item, strict=False)  # raises ValueError
            out.append(item)
    return out


def system_resolve(host: str, port: int) -> list[str]:
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(info[4][0] for info in infos))


# --- connecting to the checked address -----------------------------------------------


def _pinned_adapter(ip: str) -> HTTPAdapter:
    """A requests adapter whose connections go to ``ip``, whatever the URL's host says.

    Only the socket is opened differently (urllib3's own ``_new_conn``, with
    the checked address instead of a fresh lookup of the name); the
    connection's ``host`` stays the name, so the Host header, TLS SNI and
    certificate matching are those of the URL.
    """

    def pinned(base: type) -> type:
        class Pinned(base):  # type: ignore[misc, valid-type]
            def _new_conn(self) -> socket.socket:  # type: ignore[override]
                try:
                    return urllib3_connection.create_connection(
                        (ip, self.port), self.timeout, source_address=self.source_address,
                        socket_options=self.socket_options,
                    )
                except socket.timeout as exc:
                    raise ConnectTimeoutError(
                        self, f"Connection to {self.host} ({ip}) timed out. (connect timeout={self.timeout})"
                    ) from exc
                except OSError as exc:
                    raise NewConnectionError(self, f"Failed to establish a new connection: {exc}") from exc

        return Pinned

    class PinnedHTTPPool(HTTPConnectionPool):
        ConnectionCls = pinned(HTTPConnection)

    class PinnedHTTPSPool(HTTPSConnectionPool):
        ConnectionCls = pinned(HTTPSConnection)

    class Adapter(HTTPAdapter):
        def init_poolmanager(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            super().init_poolmanager(*args, **kwargs)
            self.poolmanager.pool_classes_by_scheme = {"http": PinnedHTTPPool, "https": PinnedHTTPSPool}

    return Adapter(max_retries=0)


def pinned_session(ip: str, verify: Union[bool, str] = True) -> requests.Session:
    """A requests session that connects to the checked address ``ip`` only, ignoring
    environment proxies and ``.netrc`` (a proxy would resolve the name itself)."""
    session = requests.Session()
    session.trust_env = False  # no proxies from the environment, no .netrc
    session.verify = verify
    adapter = _pinned_adapter(ip)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


# --- the fetcher ------------------------------------------------------------------------


class Fetcher:
    """Fetch one page safely (see the module docstring). Stateless; one per request is fine."""

    def __init__(
        self,
        *,
        is_allowed: Optional[Callable[[IPAddress], bool]] = None,
        resolve: Callable[[str, int], list[str]] = system_resolve,
        connect_timeout: float = 5.0,
        read_timeout: float = 10.0,
        total_timeout: float = 30.0,
        max_bytes: int = 5 * 1024 * 1024,
        max_redirects: int = 5,
        accepted_types: Sequence[str] = ACCEPTED_TYPES,
        user_agent: str = USER_AGENT,
        ca_bundle: Optional[str] = None,
    ):
        self.is_allowed = is_allowed or address_policy()
        self.resolve = resolve
        self.connect_timeout = connect_timeout
        self.read_timeout = read_timeout
        self.total_timeout = total_timeout
        self.max_bytes = max_bytes
        self.max_redirects = max_redirects
        self.accepted_types = tuple(accepted_types)
        self.user_agent = user_agent
        self.verify: Union[bool, str] = ca_bundle or True  # certificates are always checked

    def fetch(self, url: str) -> FetchResult:
        deadline = time.monotonic() + self.total_timeout
        requested = url
        redirects: list[str] = []
        while True:
            try:
                response = self._get(url, deadline)
            except FetchError as exc:
                if redirects:
                    exc.message = f"{exc.message} (reached by a redirect from {requested[:200]!r})"
                    exc.args = (exc.message,)
                raise
            try:
                if response.is_redirect:
                    location = response.headers.get("Location", "").strip()
                    if len(redirects) >= self.max_redirects:
                        raise FetchError(f"Too many redirects (more than {self.max_redirects}), "
                                         f"last to {location[:200]!r}.", 422, "too_many_redirects")
                    url = urljoin(url, location)
                    redirects.append(url)
                    continue
                return self._read(response, requested, redirects, deadline)
            finally:
                response.close()

    # -- one hop -----------------------------------------------------------------------

    def check_url(self, url: str) -> tuple[str, str]:
        """(host, the checked address to connect to) for ``url``, or FetchError: every rule above
        (scheme, resolution, the address policy on every address). For senders of other
        requests (app/webhooks.py), with :func:`pinned_session`."""
        return self._check_url(url)

    def _check_url(self, url: str) -> tuple[str, str]:
        """(host, the address to connect to) after every check; FetchError otherwise."""
        try:
            parts = urlsplit(url)
            port = parts.port
        except ValueError as exc:
            raise FetchError(f"Not a valid URL: {exc}.", 422, "bad_url") from None
        scheme = parts.scheme.lower()
        if scheme not in ("http", "https"):
            raise FetchError(f"Only http and https URLs can be fetched (got {scheme or 'no'} scheme"
                             f" in {url[:200]!r}).", 422, "bad_scheme")
        host = parts.hostname
        if not host:
            raise FetchError(f"The URL {url[:200]!r} has no host.", 422, "bad_url")
        port = port or (443 if scheme == "https" else 80)
        try:
            literal = ipaddress.ip_address(host)
            addresses = [str(literal)]
        except ValueError:
            try:
                addresses = self.resolve(host, port)
            except (socket.gaierror, UnicodeError, OSError) as exc:
                raise FetchError(f"The host {host!r} could not be resolved ({exc}).", 422,
                                 "unknown_host") from None
        if not addresses:
            raise FetchError(f"The host {host!r} has no address.", 422, "unknown_host")
        for a in addresses:
            ip = ipaddress.ip_address(a.split("%", 1)[0])
            if not self.is_allowed(ip):
                kind = address_kind(ip) or "refused"
                what = f"{a} is" if a == host.strip("[]") else f"{host!r} resolves to {a},"
                raise FetchError(
                    f"Refused to fetch {url[:200]!r}: {what} a {kind} address. Only public "
                    "addresses can be fetched (unless ALLOW_PRIVATE_FETCH is set).",
                    422, "address_refused")
        return host, addresses[0]

    def _get(self, url: str, deadline: float) -> requests.Response:
        _, ip = self._check_url(url)
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise FetchError(f"Fetching took longer than {self.total_timeout:g} s.", 504, "timeout")
        session = pinned_session(ip, self.verify)
        try:
            return session.get(
                url,
                allow_redirects=False,
                stream=True,
                timeout=(min(self.connect_timeout, remaining), min(self.read_timeout, remaining)),
                headers={"User-Agent": self.user_agent,
                         "Accept": "text/html,application/xhtml+xml,text/plain;q=0.9"},
            )
        except requests.exceptions.ConnectTimeout:
            raise FetchError(f"Connecting to {_host(url)} timed out after {self.connect_timeout:g} s.",
                             504, "timeout") from None
        except requests.exceptions.ReadTimeout:
            raise FetchError(f"{_host(url)} did not answer within {self.read_timeout:g} s.", 504,
                             "timeout") from None
        except requests.exceptions.SSLError as exc:
            raise FetchError(f"TLS failed with {_host(url)}: {_short(exc)}.", 502, "upstream_error") from None
        except requests.exceptions.ConnectionError as exc:
            raise FetchError(f"Could not connect to {_host(url)}: {_short(exc)}.", 502,
                             "upstream_error") from None
        except requests.exceptions.InvalidURL as exc:
            raise FetchError(f"Not a valid URL: {_short(exc)}.", 422, "bad_url") from None
        except requests.exceptions.RequestException as exc:
            raise FetchError(f"Fetching {_host(url)} failed: {_short(exc)}.", 502, "upstream_error") from None
        finally:
            session.close()

    def _read(self, response: requests.Response, requested: str, redirects: list[str],
              deadline: float) -> FetchResult:
        url = response.url
        if response.status_code >= 500:
            raise FetchError(f"{_host(url)} answered {response.status_code} {response.reason}.", 502,
                             "upstream_error")
        if response.status_code >= 300 or response.status_code == 204:
            raise FetchError(f"{_host(url)} answered {response.status_code} {response.reason} "
                             "instead of a page.", 422, "upstream_status")
        mime, charset = _content_type(response.headers.get("Content-Type"))
        if mime not in self.accepted_types:
            raise FetchError(f"{_host(url)} sent {mime or 'no content type'}; only "
                             f"{', '.join(self.accepted_types)} can be ingested.", 422, "content_type")
        declared = response.headers.get("Content-Length")
        if declared and declared.strip().isdigit() and int(declared) > self.max_bytes:
            raise FetchError(f"The page is {int(declared):,} bytes; the limit is {self.max_bytes:,}.",
                             422, "too_large")
        body = bytearray()
        raw = response.raw
        try:
            while True:
                # read1: whatever has arrived, at most CHUNK bytes once decoded, so
                # the size limit and the deadline are checked as the bytes come.
                chunk = raw.read1(CHUNK, decode_content=True)
                if not chunk:
                    break
                body += chunk
                if len(body) > self.max_bytes:
                    raise FetchError(f"The page is larger than the limit of {self.max_bytes:,} bytes.",
                                     422, "too_large")
                if time.monotonic() > deadline:
                    raise FetchError(f"Fetching took longer than {self.total_timeout:g} s.", 504, "timeout")
        except (ReadTimeoutError, socket.timeout):
            raise FetchError(f"{_host(url)} stopped sending for more than {self.read_timeout:g} s.",
                             504, "timeout") from None
        except (HTTPError, OSError) as exc:
            raise FetchError(f"Reading from {_host(url)} failed: {_short(exc)}.", 502,
                             "upstream_error") from None
        return FetchResult(url=url, requested_url=requested, status=response.status_code,
                           content_type=mime, charset=charset, body=bytes(body), redirects=redirects)


def _content_type(header: Optional[str]) -> tuple[str, Optional[str]]:
    if not header:
        return "", None
    mime, _, params = header.partition(";")
    charset = None
    for p in params.split(";"):
        k, _, v = p.partition("=")
        if k.strip().lower() == "charset" and v.strip():
            charset = v.strip().strip("\"'")
    return mime.strip().lower(), charset


def _host(url: str) -> str:
    try:
        return urlsplit(url).netloc or url[:200]
    except ValueError:
        return url[:200]


def _short(exc: BaseException) -> str:
    """The innermost reason of a requests/urllib3 error, one line, no object reprs."""
    reason = exc
    for _ in range(5):
        inner = getattr(reason, "reason", None) or (reason.args[0] if reason.args and
                                                     isinstance(reason.args[0], BaseException) else None)
        if not isinstance(inner, BaseException) or inner is reason:
            break
        reason = inner
    text = str(reason).splitlines()[0] if str(reason) else type(reason).__name__
    text = re.sub(r"<[^>]*object at 0x[0-9a-f]+>:?\s*", "", text)
    text = re.sub(r"^\w+\(host=[^)]*\):\s*", "", text)
    return text[:200]
