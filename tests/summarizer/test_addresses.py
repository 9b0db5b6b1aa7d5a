import ipaddress

import pytest

from summarizer.addresses import AddressPolicy, is_public_address, literal_ip


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("127.0.0.1", "127.0.0.1"),
        ("2130706433", "127.0.0.1"),
        ("0x7f000001", "127.0.0.1"),
        ("0177.0.0.1", "127.0.0.1"),
        ("127.1", "127.0.0.1"),
        ("[::1]", "::1"),
        ("::ffff:127.0.0.1", "::ffff:7f00:1"),
        ("example.com", None),
        ("1.example", None),
    ],
)
def test_literal_ip_understands_legacy_numeric_forms(host: str, expected: str | None) -> None:
    found = literal_ip(host)
    assert (str(found) if found else None) == expected


@pytest.mark.parametrize(
    "address",
    ["127.0.0.1", "10.0.0.1", "172.16.5.4", "192.168.1.1", "169.254.169.254", "0.0.0.0", "100.64.0.1",
     "224.0.0.1", "240.0.0.1", "255.255.255.255", "::1", "::", "fe80::1", "fd12::1", "::ffff:8.8.8.8",
     "2002:7f00:1::", "ff02::1"],
)  # fmt: skip
def test_non_public_addresses(address: str) -> None:
    assert not is_public_address(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", ["8.8.8.8", "93.184.216.34", "2606:4700:4700::1111"])
def test_public_addresses(address: str) -> None:
    assert is_public_address(ipaddress.ip_address(address))


def test_policy_switches() -> None:
    loopback = ipaddress.ip_address("127.0.0.1")
    assert not AddressPolicy().allows(loopback)
    assert AddressPolicy(allow_private=True).allows(loopback)
    assert AddressPolicy(also_allowed=frozenset({loopback})).allows(loopback)
    assert not AddressPolicy(also_allowed=frozenset({loopback})).allows(ipaddress.ip_address("127.0.0.2"))


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("fec0::1", False),  # deprecated site-local
        ("feff::1", False),
        ("192.0.0.8", False),  # IETF protocol assignments
        ("192.0.0.170", False),
        ("64:ff9b::8.8.8.8", True),  # NAT64: judged by the IPv4 address inside
        ("64:ff9b::127.0.0.1", False),
        ("64:ff9b::10.0.0.1", False),
        ("64:ff9b::169.254.169.254", False),
    ],
)
def test_site_local_protocol_block_and_nat64(address: str, public: bool) -> None:
    assert is_public_address(ipaddress.ip_address(address)) is public
