"""Which network addresses a user-supplied URL may reach.

User links are untrusted: without this check a link could make the bot read its own admin ports, the
cloud metadata service or a LAN device. The check runs on every resolved address, at every redirect, and
the connection is made to the address that passed (see ``GuardedResolver``), so DNS rebinding has no gap.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
from dataclasses import dataclass, field
from typing import Any

from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import ThreadedResolver

logger = logging.getLogger(__name__)

__all__ = ["AddressPolicy", "BlockedAddressError", "GuardedResolver", "is_public_address", "literal_ip"]

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class BlockedAddressError(Exception):
    """The host resolves to an address user links must not reach."""

    def __init__(self, host: str, address: str) -> None:
        super().__init__(f"{host} resolves to a non-public address ({address})")
        self.host = host
        self.address = address


def literal_ip(host: str) -> IPAddress | None:
    """The address a host string denotes by itself, including legacy IPv4 forms like ``127.1`` or ``0x7f000001``."""
    host = host.strip("[]")
    try:
        return ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        pass
    if host and all(part and (part.isdigit() or part.lower().startswith("0x")) for part in host.split(".")):
        try:  # inet_aton accepts exactly the numeric shorthands that resolvers and browsers accept
            return ipaddress.IPv4Address(socket.inet_aton(host))
        except OSError:
            return None
    return None


# Not global, whatever the running Python's tables say: IPv6 site-local (deprecated, still routed inside some
# networks) and the IETF protocol assignments block, of which only a few /32s are global, none of them web hosts.
_NEVER_PUBLIC = (ipaddress.ip_network("fec0::/10"), ipaddress.ip_network("192.0.0.0/24"))
# NAT64 (RFC 6052): an IPv6-only host reaches IPv4 sites through these; the IPv4 address inside decides.
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


def is_public_address(address: IPAddress) -> bool:
    """True for globally routable unicast addresses; mapped and embedded IPv4 forms are judged as IPv4."""
    if isinstance(address, ipaddress.IPv6Address):
        if address in _NAT64:
            return is_public_address(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
        if address.ipv4_mapped is not None:
            return False
        if address.sixtofour is not None or address.teredo is not None:
            return False
    if any(address in network for network in _NEVER_PUBLIC if network.version == address.version):
        return False
    return address.is_global and not (
        address.is_multicast or address.is_reserved or address.is_unspecified or address.is_link_local
    )


@dataclass(frozen=True, slots=True)
class AddressPolicy:
    """Public addresses only, unless private hosts are allowed (tests, intranets) or listed one by one."""

    allow_private: bool = False
    also_allowed: frozenset[IPAddress] = field(default_factory=frozenset)

    def allows(self, address: IPAddress) -> bool:
        return self.allow_private or address in self.also_allowed or is_public_address(address)


class GuardedResolver(AbstractResolver):
    """Resolves like aiohttp's threaded resolver, then refuses the host if any address is not public.

    aiohttp connects to the addresses this returns, so what was checked is what is reached.
    """

    def __init__(self, policy: AddressPolicy, inner: AbstractResolver | None = None) -> None:
        self._policy = policy
        self._inner = inner or ThreadedResolver()

    async def resolve(self, host: str, port: int = 0, family: Any = socket.AF_INET) -> list[ResolveResult]:
        results = await self._inner.resolve(host, port, family)
        for result in results:
            address = ipaddress.ip_address(result["host"].split("%", 1)[0])
            if not self._policy.allows(address):
                logger.info("refused %s: resolves to %s", host, address)
                raise BlockedAddressError(host, str(address))
        return results

    async def close(self) -> None:
        await self._inner.close()
