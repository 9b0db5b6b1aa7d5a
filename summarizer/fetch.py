"""The one place that talks to the network: fetch a user-supplied URL safely.

Safe means: http(s) only, never a non-public address (checked on every resolved address and at every
redirect), a hard cap on time and on the decompressed body size, and only document content types.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import Hashable
from dataclasses import dataclass
from types import TracebackType
from typing import Self

import aiohttp
from aiohttp.abc import AbstractResolver
from yarl import URL

from summarizer.addresses import AddressPolicy, BlockedAddressError, GuardedResolver, literal_ip
from summarizer.admission import Admission, NoTurn
from summarizer.encoding import decode_document, looks_like_html
from summarizer.errors import ErrorKind, FetchError
from summarizer.settings import FetchConfig

logger = logging.getLogger(__name__)

__all__ = ["DOCUMENT_TYPES", "FEED_TYPES", "FetchedPage", "Fetcher", "check_url"]

DOCUMENT_TYPES = frozenset({"text/html", "application/xhtml+xml", "text/plain"})
FEED_TYPES = frozenset(
    {
        "application/rss+xml",
        "application/atom+xml",
        "application/rdf+xml",
        "application/xml",
        "text/xml",
        "application/json",
        "text/html",
        "text/plain",
    }
)
UNDECLARED_TYPES = frozenset({"", "application/octet-stream"})  # sniffed: misconfigured servers send these
REDIRECT_CODES = frozenset({301, 302, 303, 307, 308})
CHUNK = 64 * 1024


@dataclass(frozen=True, slots=True)
class FetchedPage:
    """A fetched document, decoded."""

    url: str  # after redirects
    requested_url: str
    status: int
    content_type: str
    text: str
    encoding: str
    size: int
    elapsed_ms: float

    @property
    def is_html(self) -> bool:
        return self.content_type != "text/plain"


def check_url(raw: str, policy: AddressPolicy) -> URL:
    """Parse and vet a URL before any connection; raises FetchError with a user-facing reason."""
    try:
        url = URL(raw.strip())
    except (ValueError, TypeError):
        raise FetchError(ErrorKind.INVALID_URL) from None
    if url.scheme not in ("http", "https"):
        raise FetchError(ErrorKind.UNSUPPORTED_SCHEME)
    if not url.host:
        raise FetchError(ErrorKind.INVALID_URL, "That link has no host name.")
    # aiohttp connects to IP literals without asking the resolver, so they are judged here;
    # names are judged by GuardedResolver on every address they resolve to.
    address = literal_ip(url.host)
    if address is not None and not policy.allows(address):
        raise FetchError(ErrorKind.BLOCKED)
    return url


def _mime(response: aiohttp.ClientResponse) -> str:
    return response.content_type.lower() if "Content-Type" in response.headers else ""


def _shown_type(mime: str) -> str:
    """A site's Content-Type as we may quote it: a short type/subtype token, never the site's free text."""
    return mime if len(mime) <= 40 and _MIME_TOKEN.fullmatch(mime) else "an unknown type"


_MIME_TOKEN = re.compile(r"[a-z0-9][a-z0-9.+-]*/[a-z0-9][a-z0-9.+-]*")


class Fetcher:
    """Holds one aiohttp session for the application's lifetime; use as an async context manager."""

    def __init__(
        self,
        config: FetchConfig,
        *,
        policy: AddressPolicy | None = None,
        resolver: AbstractResolver | None = None,
    ) -> None:
        """``policy`` and ``resolver`` exist for tests, which stand in for DNS and for public hosts."""
        self.config = config
        self.policy = policy or AddressPolicy(allow_private=config.allow_private_hosts)
        self.admission = Admission(wait_s=4 * config.timeout_s)
        self._inner_resolver = resolver
        self._session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> Self:
        await self.open()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()

    async def open(self) -> None:
        resolver = GuardedResolver(self.policy, self._inner_resolver)
        # Admission decides who fetches when; the pool never makes a fetch wait (that time would count as its own).
        connector = aiohttp.TCPConnector(
            resolver=resolver, limit=self.admission.total, limit_per_host=0, ttl_dns_cache=60
        )
        timeout = aiohttp.ClientTimeout(
            total=self.config.timeout_s,
            sock_connect=self.config.connect_timeout_s,
            sock_read=self.config.timeout_s,
        )
        self._session = aiohttp.ClientSession(
            connector=connector,
            timeout=timeout,
            trust_env=False,  # a proxy would connect on our behalf and bypass the address check
            headers={
                "User-Agent": self.config.user_agent,
                "Accept": "text/html,application/xhtml+xml,text/plain",
            },
        )

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def fetch(
        self, raw_url: str, accept: frozenset[str] = DOCUMENT_TYPES, *, owner: Hashable | None = None
    ) -> FetchedPage:
        """Fetch one document of an ``accept``-ed type, following at most ``max_redirects`` vetted redirects.

        ``owner`` (the user who asked) gets a few fetches at once; the timeout starts once it is this fetch's turn.
        """
        if self._session is None:
            raise RuntimeError("Fetcher used before open()")
        try:
            url = check_url(raw_url, self.policy)
            async with self.admission.turn(owner, url.host or ""):
                started = time.perf_counter()
                async with asyncio.timeout(self.config.timeout_s):
                    return await self._follow(url, raw_url, started, accept)
        except NoTurn:
            raise FetchError(ErrorKind.BUSY) from None
        except TimeoutError:
            raise FetchError(ErrorKind.TIMEOUT) from None
        except BlockedAddressError:
            raise FetchError(ErrorKind.BLOCKED) from None
        except aiohttp.ClientConnectorDNSError:  # GuardedResolver's refusal is no OSError: it arrives unwrapped above
            raise FetchError(ErrorKind.UNREACHABLE, "That site's name could not be found.") from None
        except (aiohttp.ClientError, OSError) as exc:
            logger.info("fetch of %s failed: %r", raw_url, exc)
            raise FetchError(ErrorKind.UNREACHABLE) from None

    async def _follow(self, url: URL, raw_url: str, started: float, accept: frozenset[str]) -> FetchedPage:
        assert self._session is not None
        seen = {str(url)}
        for _hop in range(self.config.max_redirects + 1):
            async with self._session.get(url, allow_redirects=False) as response:
                if response.status in REDIRECT_CODES and "Location" in response.headers:
                    try:
                        target = url.join(URL(response.headers["Location"]))
                    except ValueError:  # "http://a\\b@c/": not an address anyone can follow
                        raise FetchError(ErrorKind.INVALID_URL, "The site redirected to a broken address.") from None
                    url = check_url(str(target), self.policy)
                    if str(url) in seen:
                        raise FetchError(ErrorKind.REDIRECTS, "The site redirects in a loop.")
                    seen.add(str(url))
                    continue
                return await self._read(response, raw_url, started, accept)
        raise FetchError(ErrorKind.REDIRECTS)

    async def _read(
        self, response: aiohttp.ClientResponse, raw_url: str, started: float, accept: frozenset[str]
    ) -> FetchedPage:
        if response.status >= 400:
            raise FetchError(ErrorKind.HTTP_STATUS, f"The site answered with an error ({response.status}).")
        mime = _mime(response)
        if mime not in accept and mime not in UNDECLARED_TYPES:
            raise FetchError(
                ErrorKind.UNSUPPORTED_TYPE,
                f"That link is not a web page ({_shown_type(mime)}), so there is nothing to read.",
            )
        limit = self.config.max_bytes
        if response.content_length is not None and response.content_length > limit:
            raise FetchError(ErrorKind.TOO_LARGE)
        body = bytearray()
        async for chunk in response.content.iter_chunked(CHUNK):
            body += chunk  # already decompressed, so a gzip bomb hits the same cap
            if len(body) > limit:
                raise FetchError(ErrorKind.TOO_LARGE)
        if not body.strip():
            raise FetchError(ErrorKind.EMPTY)
        if mime in UNDECLARED_TYPES and accept is DOCUMENT_TYPES:
            if not looks_like_html(bytes(body)):
                raise FetchError(ErrorKind.UNSUPPORTED_TYPE)
            mime = "text/html"
        # charset detection on a large body takes tens of milliseconds: not on the event loop
        text, codec = await asyncio.to_thread(decode_document, bytes(body), response.charset)
        return FetchedPage(
            url=str(response.url),
            requested_url=raw_url,
            status=response.status,
            content_type=mime,
            text=text,
            encoding=codec,
            size=len(body),
            elapsed_ms=(time.perf_counter() - started) * 1000,
        )
