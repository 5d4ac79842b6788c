"""The SSRF guard: the crawl reaches public web addresses only, over http and https.

A list of firms and the redirects of their sites are input we do not control. Two layers
keep them from steering the crawler into the network it runs in:

- `SsrfGuardMiddleware` checks every request and every redirect hop before it is sent:
  http and https only, no IP-literal host that is not public, no local name (`localhost`,
  `*.local`, `*.internal`...).
- `GuardedResolver` checks the address a host name resolves to, which is the address the
  connection goes to (the resolver's answer is cached and reused by the connection), so a
  public name that points inside the network, or rebinds to it, is refused too.

Refused: loopback, private (RFC 1918, fc00::/7), link-local, cloud-metadata, CGNAT
(100.64.0.0/10), multicast, reserved and unspecified addresses. The only exceptions are the
hosts routed by `--connect-to` (they go to the address the user named) and the networks
listed in the `SSRF_ALLOW_NETS` setting, empty by default.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Self

from scrapy import Request
from scrapy.resolver import CachingThreadedResolver
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.error import DNSLookupError

from auditor.connect_to import parse_routes, route_for
from auditor.failures import AuditRefusal

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from twisted.internet.base import ReactorBase
    from twisted.internet.defer import Deferred

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network

SCHEMES = ("http", "https")
METADATA = frozenset(ipaddress.ip_address(a) for a in (
    "169.254.169.254",  # AWS, GCP, Azure, OpenStack...
    "169.254.170.2",  # AWS ECS task metadata
    "100.100.100.200",  # Alibaba Cloud
    "fd00:ec2::254",  # AWS over IPv6
))
CGNAT = ipaddress.ip_network("100.64.0.0/10")
NAT64 = ipaddress.ip_network("64:ff9b::/96")
LOCAL_NAMES = ("localhost",)
LOCAL_SUFFIXES = (".localhost", ".local", ".internal", ".home.arpa", ".localdomain")


REFUSED = "refused by the SSRF guard:"


class SsrfBlocked(AuditRefusal):
    """A request the SSRF guard refused; the message is the plain reason."""


def parse_nets(values: Iterable[str] | str | None) -> tuple[Network, ...]:
    """`SSRF_ALLOW_NETS` entries (CIDR or single addresses) → networks; ValueError when bad."""
    if not values:
        return ()
    items = values.split(",") if isinstance(values, str) else list(values)
    nets = []
    for item in (i.strip() for i in items):
        if not item:
            continue
        try:
            nets.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise ValueError(f"bad SSRF_ALLOW_NETS entry {item!r}: write a network such as "
                             f"10.1.0.0/16 or an address such as 192.0.2.7") from None
    return tuple(nets)


def _embedded_v4(ip: Address) -> Address:
    """The IPv4 address inside an IPv4-mapped, 6to4, Teredo or NAT64 IPv6 address."""
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return ip.ipv4_mapped
        if ip.sixtofour is not None:
            return ip.sixtofour
        if ip.teredo is not None:
            return ip.teredo[1]
        if ip in NAT64:
            return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return ip


def address_kind(ip: Address) -> str | None:
    """Why an address is not a public one ('loopback', 'private'...), or None when it is."""
    ip = _embedded_v4(ip)
    if ip in METADATA:
        return "cloud-metadata"
    if ip.is_loopback:
        return "loopback"
    if isinstance(ip, ipaddress.IPv4Address) and ip in CGNAT:
        return "CGNAT"
    if ip.is_link_local:
        return "link-local"
    if ip.is_unspecified:
        return "unspecified"
    if ip.is_multicast:
        return "multicast"
    if ip.is_reserved:
        return "reserved"
    if ip.is_private:
        return "private"
    return None if ip.is_global else "reserved"


def address_refusal(address: str | Address, allow: Sequence[Network] = ()) -> str | None:
    """Why not to connect to an address ('10.0.0.1, a private address'), or None."""
    try:
        ip = ipaddress.ip_address(address) if isinstance(address, str) else address
    except ValueError:
        return f"{address}, not an IP address"
    if any(ip in net or _embedded_v4(ip) in net for net in allow):
        return None
    kind = address_kind(ip)
    return None if kind is None else f"{ip}, a {kind} address"


def literal_address(host: str) -> Address | None:
    """The address named by an IP-literal host, legacy forms included (`127.1`, `2130706433`,
    `0x7f.0.0.1`, which resolvers accept), or None for a host name."""
    host = host.strip("[]").split("%", 1)[0]
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    if host and all(c in "0123456789abcdefxABCDEFX." for c in host):
        try:
            return ipaddress.IPv4Address(socket.inet_aton(host))
        except OSError:
            return None
    return None


def host_refusal(host: str, allow: Sequence[Network] = ()) -> tuple[str, str] | None:
    """(kind, reason) to refuse a URL's host before any lookup, or None."""
    host = host.lower().rstrip(".")
    ip = literal_address(host)
    if ip is not None:
        reason = address_refusal(ip, allow)
        return ("ip_literal", reason) if reason else None
    if not host:
        return ("no_host", "the URL has no host")
    if host in LOCAL_NAMES or host.endswith(LOCAL_SUFFIXES):
        return ("local_name", f"{host}, a local name")
    return None


class SsrfGuardMiddleware:
    """Refuse, before sending, requests and redirect hops that leave the public web."""

    def __init__(self, crawler: Crawler):
        self.stats = crawler.stats
        self.allow = parse_nets(crawler.settings.getlist("SSRF_ALLOW_NETS"))
        self.routes = parse_routes(crawler.settings.get("CONNECT_TO"))

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        parts = urlparse_cached(request)
        if parts.scheme not in SCHEMES:
            self._block("scheme", f"{parts.scheme}: URLs are never fetched, only http and https")
        host = parts.hostname or ""
        if self.routes and route_for(self.routes, host) is not None:
            return  # --connect-to: the connection goes to the address the user named
        refusal = host_refusal(host, self.allow)
        if refusal is not None:
            self._block(*refusal)

    def _block(self, kind: str, reason: str) -> None:
        if self.stats is not None:
            self.stats.inc_value(f"ssrf/blocked/{kind}")
        raise SsrfBlocked(f"{REFUSED} {reason}")


class GuardedResolver(CachingThreadedResolver):
    """Scrapy's caching resolver, refusing names that resolve to a non-public address.

    The refusal surfaces as a DNS failure (Twisted drops the resolver's message), so the
    reason is kept in `refused` under the host name for whoever reports the failure.
    """

    def __init__(self, reactor: ReactorBase, cache_size: int, timeout: float):
        super().__init__(reactor, cache_size, timeout)
        self.allow: tuple[Network, ...] = ()
        self.exempt: frozenset[str] = frozenset()
        self.refused: dict[str, str] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler, reactor: ReactorBase) -> Self:
        """Built once per process, from the process's settings (Scrapy passes the
        CrawlerProcess here: it has settings but no stats)."""
        resolver = super().from_crawler(crawler, reactor)
        resolver.allow = parse_nets(crawler.settings.getlist("SSRF_ALLOW_NETS"))
        targets = parse_routes(crawler.settings.get("CONNECT_TO")).values()
        resolver.exempt = frozenset(t.rsplit(":", 1)[0].strip("[]").lower() for t in targets)
        return resolver

    def getHostByName(self, name: str, timeout: Sequence[int] = ()) -> Deferred[str]:
        return self.lookup(name, timeout).addCallback(self._check, name)

    def lookup(self, name: str, timeout: Sequence[int] = ()) -> Deferred[str]:
        """The plain (cached) lookup; tests replace it with a stub."""
        return super().getHostByName(name, timeout)

    def _check(self, address: str, name: str) -> str:
        if name.lower() in self.exempt:
            return address
        reason = address_refusal(address, self.allow)
        if reason is None:
            return address
        self.refused[name.lower()] = f"{REFUSED} {name} resolves to {reason}"
        raise DNSLookupError(self.refused[name.lower()])


def resolver_refusal(host: str) -> str | None:
    """The guard's reason when the installed resolver refused HOST, else None."""
    from twisted.internet import reactor

    refused = getattr(getattr(reactor, "resolver", None), "refused", None)
    return refused.get(host.lower()) if isinstance(refused, dict) else None
