"""The fetcher against a real aiohttp server on loopback: every bad input gets its own clear error."""

from __future__ import annotations

import asyncio
import gzip
import ipaddress
import socket
from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from aiohttp.abc import AbstractResolver, ResolveResult

from summarizer.addresses import AddressPolicy
from summarizer.errors import ErrorKind, FetchError
from summarizer.fetch import Fetcher
from summarizer.settings import FetchConfig
from tests.helpers.servers import PageServer

ARTICLE = "<html><head><title>T</title></head><body><p>" + "Hello news. " * 50 + "</p></body></html>"
LOOPBACK_AS_PUBLIC = AddressPolicy(also_allowed=frozenset({ipaddress.ip_address("127.0.0.1")}))


def config(**changes: object) -> FetchConfig:
    base = {"allow_private_hosts": True, "timeout_s": 3.0, "max_bytes": 64 * 1024}
    return FetchConfig(**(base | changes))


@pytest.fixture
async def fetcher() -> AsyncIterator[Fetcher]:
    async with Fetcher(config()) as opened:
        yield opened


async def expect(fetcher: Fetcher, url: str, kind: ErrorKind) -> FetchError:
    with pytest.raises(FetchError) as caught:
        await fetcher.fetch(url)
    assert caught.value.kind is kind, caught.value.message
    assert caught.value.message and "\n" not in caught.value.message
    return caught.value


async def test_fetches_and_decodes_a_page(fetcher: Fetcher, server: PageServer) -> None:
    page = await fetcher.fetch(server.page("/a", ARTICLE, "text/html; charset=utf-8"))
    assert page.status == 200 and page.is_html and page.text == ARTICLE and page.encoding == "utf-8"


async def test_plain_text_is_accepted_and_flagged(fetcher: Fetcher, server: PageServer) -> None:
    page = await fetcher.fetch(server.page("/t", "Just text.\n" * 20, "text/plain"))
    assert not page.is_html


@pytest.mark.parametrize("mime", ["application/pdf", "image/png", "application/json", "video/mp4"])
async def test_non_documents_are_refused(fetcher: Fetcher, server: PageServer, mime: str) -> None:
    error = await expect(fetcher, server.page("/x", b"\x89PNG....", mime), ErrorKind.UNSUPPORTED_TYPE)
    assert mime in error.message


async def test_declared_oversize_is_refused_before_reading(fetcher: Fetcher, server: PageServer) -> None:
    await expect(fetcher, server.page("/big", "x" * (200 * 1024)), ErrorKind.TOO_LARGE)


async def test_endless_stream_is_abandoned_at_the_cap(fetcher: Fetcher, server: PageServer) -> None:
    sent = 0

    async def endless(request: web.Request) -> web.StreamResponse:
        nonlocal sent
        response = web.StreamResponse(headers={"Content-Type": "text/html"})
        await response.prepare(request)
        for _ in range(10_000):  # bounded: 10,000 × 8 KiB would be 80 MiB, the client stops long before
            await response.write(b"<p>" + b"a" * 8192 + b"</p>")
            sent += 1
        return response

    await expect(fetcher, server.route("/endless", endless), ErrorKind.TOO_LARGE)
    assert sent < 10_000


async def test_gzip_bomb_hits_the_cap_after_decompression(fetcher: Fetcher, server: PageServer) -> None:
    bomb = gzip.compress(b" " * (50 * 1024 * 1024))  # 50 MiB of spaces, ~50 KiB on the wire
    url = server.page("/bomb", bomb, "text/html", **{"Content-Encoding": "gzip"})
    await expect(fetcher, url, ErrorKind.TOO_LARGE)


async def test_slow_site_times_out() -> None:
    async def slow(request: web.Request) -> web.Response:
        await asyncio.sleep(5)
        return web.Response(text="late")

    server = await PageServer().start()
    try:
        async with Fetcher(config(timeout_s=0.5)) as fetcher:
            await expect(fetcher, server.route("/slow", slow), ErrorKind.TIMEOUT)
    finally:
        await server.stop()


async def test_trickling_site_times_out_even_below_the_size_cap() -> None:
    async def trickle(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "text/html"})
        await response.prepare(request)
        for _ in range(100):
            await response.write(b"<p>.</p>")
            await asyncio.sleep(0.1)
        return response

    server = await PageServer().start()
    try:
        async with Fetcher(config(timeout_s=0.5)) as fetcher:
            await expect(fetcher, server.route("/trickle", trickle), ErrorKind.TIMEOUT)
    finally:
        await server.stop()


async def test_empty_page(fetcher: Fetcher, server: PageServer) -> None:
    await expect(fetcher, server.page("/empty", b"   \n"), ErrorKind.EMPTY)


async def test_http_errors(fetcher: Fetcher, server: PageServer) -> None:
    error = await expect(fetcher, server.url("/missing"), ErrorKind.HTTP_STATUS)
    assert "404" in error.message


async def test_closed_port_is_unreachable(fetcher: Fetcher) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    await expect(fetcher, f"http://127.0.0.1:{port}/", ErrorKind.UNREACHABLE)


@pytest.mark.parametrize(
    ("body", "content_type", "expected"),
    [
        ("Café – naïve".encode("cp1252"), "text/plain; charset=utf-8", "Café – naïve"),  # header lies
        ("Café".encode("latin-1"), "text/plain; charset=no-such-charset", "Café"),  # unknown charset
        ('<meta charset="shift_jis"><p>日本語</p>'.encode("shift_jis"), "text/html", "日本語"),  # meta tag
        ("Grüße".encode("utf-16"), "text/plain", "Grüße"),  # BOM
        (("Новости дня. " * 80).encode("cp1251"), "text/plain", "Новости дня."),  # undeclared, detected
        ('<meta charset="iso-8859-1"><p>Waters’ “deal”</p>'.encode(), "text/html", "Waters’ “deal”"),  # mislabelled
        ("Waters’ deal".encode(), "text/html; charset=windows-1252", "Waters’ deal"),  # header mislabelled too
        ("Café".encode("latin-1"), "text/plain; charset=iso-8859-1", "Café"),  # a true Latin-1 page stays Latin-1
    ],
)
async def test_charsets(fetcher: Fetcher, server: PageServer, body: bytes, content_type: str, expected: str) -> None:
    page = await fetcher.fetch(server.page("/c", body, content_type))
    assert expected in page.text


async def test_undeclared_type_is_sniffed(fetcher: Fetcher, server: PageServer) -> None:
    page = await fetcher.fetch(server.page("/bare", ARTICLE, "application/octet-stream"))
    assert page.is_html
    await expect(
        fetcher,
        server.page("/bin", b"\x00\x01PK\x03", "application/octet-stream"),
        ErrorKind.UNSUPPORTED_TYPE,
    )


def redirect(to: str, status: int = 302):  # type: ignore[no-untyped-def]
    async def handler(request: web.Request) -> web.Response:
        return web.Response(status=status, headers={"Location": to})

    return handler


async def test_follows_relative_redirects(fetcher: Fetcher, server: PageServer) -> None:
    server.page("/final", ARTICLE)
    server.route("/b", redirect("/final", 301))
    page = await fetcher.fetch(server.route("/a", redirect("b")))
    assert page.url.endswith("/final") and server.hits == ["/a", "/b", "/final"]


async def test_redirect_loop(fetcher: Fetcher, server: PageServer) -> None:
    server.route("/loop-b", redirect("/loop-a"))
    error = await expect(fetcher, server.route("/loop-a", redirect("/loop-b")), ErrorKind.REDIRECTS)
    assert "loop" in error.message


async def test_too_many_redirects(fetcher: Fetcher, server: PageServer) -> None:
    for hop in range(10):
        server.route(f"/r{hop}", redirect(f"/r{hop + 1}"))
    await expect(fetcher, server.url("/r0"), ErrorKind.REDIRECTS)
    assert len(server.hits) == 6  # the first request and five redirects, no more


async def test_redirect_to_a_private_address_is_refused_before_connecting(server: PageServer) -> None:
    inside = await PageServer(host="127.0.0.2").start()  # stands for a LAN or metadata service
    try:
        inside.page("/secret", ARTICLE)
        start = server.route("/go", redirect(inside.url("/secret")))
        async with Fetcher(config(allow_private_hosts=False), policy=LOOPBACK_AS_PUBLIC) as fetcher:
            await expect(fetcher, start, ErrorKind.BLOCKED)
            await expect(fetcher, server.route("/meta", redirect("http://169.254.169.254/")), ErrorKind.BLOCKED)
        assert inside.hits == []
        assert server.hits == ["/go", "/meta"]
    finally:
        await inside.stop()


class FakeDNS(AbstractResolver):
    """Stands in for DNS, which this machine cannot reach: fixed answers per name."""

    def __init__(self, answers: dict[str, list[str]]) -> None:
        self.answers = answers

    async def resolve(self, host: str, port: int = 0, family: int = socket.AF_INET) -> list[ResolveResult]:
        return [
            ResolveResult(hostname=host, host=address, port=port, family=socket.AF_INET, proto=0, flags=0)
            for address in self.answers[host]
        ]

    async def close(self) -> None:
        return None


async def test_name_resolving_to_any_private_address_is_refused(server: PageServer) -> None:
    server.page("/", ARTICLE)
    dns = FakeDNS({"rebind.example": ["127.0.0.1"], "mixed.example": ["93.184.216.34", "10.0.0.7"]})
    async with Fetcher(config(allow_private_hosts=False), resolver=dns) as fetcher:
        await expect(fetcher, f"http://rebind.example:{server.port}/", ErrorKind.BLOCKED)
        await expect(fetcher, f"http://mixed.example:{server.port}/", ErrorKind.BLOCKED)
    assert server.hits == []


async def test_name_resolving_to_an_allowed_address_connects_to_that_address(server: PageServer) -> None:
    server.page("/", ARTICLE)
    dns = FakeDNS({"news.example": ["127.0.0.1"]})
    async with Fetcher(config(allow_private_hosts=False), policy=LOOPBACK_AS_PUBLIC, resolver=dns) as fetcher:
        page = await fetcher.fetch(f"http://news.example:{server.port}/")
    assert page.status == 200 and server.hits == ["/"]


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:{port}/",
        "http://localhost:{port}/",
        "http://[::1]:{port}/",
        "http://2130706433:{port}/",
        "http://0x7f000001:{port}/",
        "http://0177.0.0.1:{port}/",
        "http://127.1:{port}/",
        "http://[::ffff:127.0.0.1]:{port}/",
        "http://0.0.0.0:{port}/",
        "http://10.1.2.3/",
        "http://192.168.0.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[fe80::1]/",
        "http://[fd00::1]/",
        "http://224.0.0.1/",
    ],
)
async def test_private_and_local_addresses_are_refused_by_default(server: PageServer, url: str) -> None:
    server.page("/", ARTICLE)
    async with Fetcher(FetchConfig(timeout_s=2.0)) as fetcher:
        await expect(fetcher, url.format(port=server.port), ErrorKind.BLOCKED)
    assert server.hits == []


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("ftp://example.com/", ErrorKind.UNSUPPORTED_SCHEME),
        ("file:///etc/passwd", ErrorKind.UNSUPPORTED_SCHEME),
        ("javascript:alert(1)", ErrorKind.UNSUPPORTED_SCHEME),
        ("nonsense", ErrorKind.UNSUPPORTED_SCHEME),
        ("http://", ErrorKind.INVALID_URL),
    ],
)
async def test_invalid_urls(fetcher: Fetcher, url: str, kind: ErrorKind) -> None:
    await expect(fetcher, url, kind)


@pytest.mark.parametrize("location", ["http://a\\b@example.com/", "http://[::1/", "http://exa mple.com:99999/"])
async def test_a_redirect_to_a_broken_address_is_one_line(fetcher: Fetcher, server: PageServer, location: str) -> None:
    error = await expect(fetcher, server.route("/odd", redirect(location)), ErrorKind.INVALID_URL)
    assert len(error.message) < 80


@pytest.mark.parametrize("content_type", ["text/html; charset=undefined", "text/html; charset=utf-99"])
async def test_a_nonsense_charset_is_not_a_crash(fetcher: Fetcher, server: PageServer, content_type: str) -> None:
    page = await fetcher.fetch(server.page("/odd-charset", ARTICLE, content_type))
    assert "Hello news" in page.text
