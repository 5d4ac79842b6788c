"""A stub DNS for crawl tests: the guarded resolver, with answers from a setting.

`-s TWISTED_DNS_RESOLVER=tests.hostile.resolver.StubResolver -s HOSTILE_DNS=a.com=10.0.0.1,...`
answers those names with those addresses and fails every other lookup, so DNS failures and
names that resolve inside the network are tested without any real lookup. The SSRF check of
`GuardedResolver` still runs on every answer.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Self

from twisted.internet import defer
from twisted.internet.error import DNSLookupError

from auditor.ssrf import GuardedResolver

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from twisted.internet.base import ReactorBase


class StubResolver(GuardedResolver):
    """Resolve from the HOSTILE_DNS setting only; 127.0.0.1 resolves to itself."""

    answers: dict[str, str]

    @classmethod
    def from_crawler(cls, crawler: Crawler, reactor: ReactorBase) -> Self:
        resolver = super().from_crawler(crawler, reactor)
        resolver.answers = {"127.0.0.1": "127.0.0.1"}
        for item in crawler.settings.getlist("HOSTILE_DNS"):
            name, _, address = item.partition("=")
            resolver.answers[name.strip().lower()] = address.strip()
        return resolver

    def lookup(self, name: str, timeout: Sequence[int] = ()) -> defer.Deferred[str]:
        address = self.answers.get(name.lower())
        if address is None:
            return defer.fail(DNSLookupError(f"stub DNS: no such name {name}"))
        return defer.succeed(address)
