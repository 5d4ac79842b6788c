"""An experiment, not the product: `auditor crawl` with the changes proposed for files this
benchmark does not own, applied in memory, so that their gain is measured end to end.

    python benchmarks/proposed_audit.py [--frontier N] [--pool N] crawl FIRMS.csv [options]

run.py runs it as `audit-proposed` (`--frontier 4`, `-s CONCURRENT_ITEMS=1`) and
`audit-proposed-pooled` (the same with `--pool 1`). The proposals (benchmarks/README.md says why and how much):

1. auditor/emails.py `find_emails`: run the address pattern only from 64 characters before
   each "@" instead of over the whole text (same matches, in the same order).
2. auditor/text.py `fold` and `collapse_spaces`: the run-by-run fold and the `str.split`
   collapse of auditor/page.py (`fold_text`, `squash`), which give the same strings.
3. auditor/settings.py `CONCURRENT_ITEMS = 1` (passed by run.py as a setting): Scrapy starts
   CONCURRENT_ITEMS asyncio tasks for every callback's output; the audit yields one item and
   a request or two per page to a synchronous pipeline, so 100 tasks a page are pure cost.
4. (--frontier N) spiders/audit.py: a per-firm frontier of URLs. `_follow` queues the firm's
   new pages as (url, depth) and hands Scrapy at most N of the firm's requests at a time,
   the next ones as earlier ones end (`_release`): the scheduler no longer holds every
   discovered page of every firm as a Request (about 1 KB each), so memory stays flat as the
   region grows. Pages leave the frontier breadth first. (Here the Request is built and
   dropped to reuse `_follow` unchanged; the real change would queue the strings directly.)
5. (--pool N) spiders/audit.py: parse and rules of each page in N worker processes
   (`ProcessPoolExecutor`, spawn), the crawl process keeping Scrapy, the seen-set, the caps
   and storage. Not supported here: the social-profile phase (it needs the parsed page in the
   crawl process). Workers are spawned children of the crawl process, so their CPU time is
   in the crawl's accounting.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import re
import sys
from collections.abc import AsyncIterator, Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

_POOL: ProcessPoolExecutor | None = None
_WORKERS = 0


def text_addresses(pattern: re.Pattern[str], text: str) -> Iterator[re.Match[str]]:
    """`pattern.finditer(text)` for the e-mail pattern, scanning only from 64 characters
    before each '@': an address holds one '@' and at most 64 characters before it, and `\\b`
    still sees the character before the search position, so the matches are the same."""
    pos = 0
    at = text.find("@")
    while at >= 0:
        hit = pattern.search(text, max(pos, at - 64))
        if hit is None:
            return
        yield hit
        pos = hit.end()
        at = text.find("@", pos)


class _EmailPattern:
    """The e-mail pattern with proposal 1's `finditer`; everything else is the pattern's."""

    def __init__(self, pattern: re.Pattern[str]):
        self.pattern = pattern

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        return text_addresses(self.pattern, text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.pattern, name)


def apply_code_proposals() -> None:
    """Proposals 1 and 2, patched into the loaded modules."""
    import rules  # noqa: F401 - load every rule module before patching their imports
    from auditor import emails, text
    from auditor.page import fold_text, squash

    if not isinstance(emails._EMAIL, _EmailPattern):
        emails._EMAIL = _EmailPattern(emails._EMAIL)  # type: ignore[assignment]
    for module in list(sys.modules.values()):
        if module is None or module is text or not getattr(module, "__name__", "").startswith(
                ("auditor", "rules", "reports", "spiders")):
            continue
        if getattr(module, "fold", None) is text.fold:
            module.fold = fold_text  # type: ignore[attr-defined]
        if getattr(module, "collapse_spaces", None) is text.collapse_spaces:
            module.collapse_spaces = squash  # type: ignore[attr-defined]
    text.fold, text.collapse_spaces = fold_text, squash  # type: ignore[assignment]


def _pool() -> ProcessPoolExecutor:
    global _POOL
    if _POOL is None:
        _POOL = ProcessPoolExecutor(max_workers=_WORKERS,
                                    mp_context=multiprocessing.get_context("spawn"),
                                    initializer=apply_code_proposals)
    return _POOL


def read_page(url: str, text: str, judge: Any, with_rules: bool) -> tuple[str, str, list[Any], list[str]]:
    """In a worker: parse once, run every rule; what the crawl process needs back."""
    from auditor.page import parse_page
    from rules import run_rules

    page = parse_page(url, text)
    evidence = run_rules(page, judge) if with_rules else []
    return page.lang, page.title, evidence, [link.url for link in page.links]


def install_pool() -> None:
    """Proposal 4: AuditSpider.parse awaits the parse and the rules in a worker process."""
    from scrapy.http import Response, TextResponse

    from auditor.domains import registered_domain
    from auditor.encoding import page_text, sniff_binary
    from auditor.items import PageItem
    from spiders.audit import HTML_TYPES, AuditSpider, urlsplit

    async def parse(self: AuditSpider, response: Response) -> AsyncIterator[Any]:
        firm = self.state[response.meta["firm_id"]]
        depth = response.meta.get("audit_depth", 0)
        if response.meta.get("home") and not firm.home_done:
            firm.home_done = True
            firm.domains.add(registered_domain(urlsplit(response.url).hostname or ""))
        firm.pages += 1
        content_type = response.headers.get("Content-Type", b"").decode("latin-1").lower()
        item = PageItem(firm_id=firm.row.firm_id, url=response.url, status=response.status,
                        content_type=content_type.split(";")[0].strip(),
                        size=len(response.body), depth=depth)
        links: list[str] = []
        if isinstance(response, TextResponse) and content_type.startswith(HTML_TYPES):
            binary = sniff_binary(response.body)
            if binary is not None:
                item.content_type = binary
            else:
                try:
                    text, _ = page_text(response)
                    loop = asyncio.get_running_loop()
                    item.lang, item.title, item.evidence, links = await loop.run_in_executor(
                        _pool(), read_page, response.url, text, firm.judge,
                        response.url not in self.known_urls)
                except Exception:
                    self.logger.exception("%s: reading %s failed", firm.row.firm_id, response.url)
                    links = []
        yield item
        for request in self._follow(firm, links, depth + 1):
            yield request
        for outcome in self._release(firm):
            yield outcome

    AuditSpider.parse = parse  # type: ignore[assignment,method-assign]


def install_frontier(ahead: int) -> None:
    """Proposal 4, wrapped around the spider's own _follow, _release and on_dropped."""
    from collections import deque

    from spiders.audit import AuditSpider

    follow, release, on_dropped = AuditSpider._follow, AuditSpider._release, AuditSpider.on_dropped

    def frontier(self: AuditSpider, firm: Any) -> deque[tuple[str, int]]:
        frontiers = self.__dict__.setdefault("_frontiers", {})
        return frontiers.setdefault(firm.row.firm_id, deque())  # type: ignore[no-any-return]

    def drain(self: AuditSpider, firm: Any) -> Iterator[Any]:
        queue = frontier(self, firm)
        while queue and firm.inflight - len(queue) < ahead:
            url, depth = queue.popleft()
            firm.inflight -= 1  # counted as pending while queued; _page_request counts it again
            yield self._page_request(firm, url, depth)

    def _follow(self: AuditSpider, firm: Any, urls: Any, depth: int) -> Iterator[Any]:
        queue = frontier(self, firm)
        for request in follow(self, firm, urls, depth):
            queue.append((request.url, request.meta["audit_depth"]))  # still in firm.inflight
        yield from drain(self, firm)

    def _release(self: AuditSpider, firm: Any) -> Iterator[Any]:
        yield from release(self, firm)
        if not self.__dict__.get("_in_signal"):
            yield from drain(self, firm)

    def _on_dropped(self: AuditSpider, request: Any, spider: Any) -> None:
        self._in_signal = True  # type: ignore[attr-defined]
        try:
            on_dropped(self, request, spider)
        finally:
            self._in_signal = False  # type: ignore[attr-defined]
        firm = self.state.get(request.meta.get("firm_id", ""))
        if firm is not None and self.crawler.engine is not None:
            for follow_up in drain(self, firm):
                self.crawler.engine.crawl(follow_up)

    AuditSpider._follow = _follow  # type: ignore[method-assign]
    AuditSpider._release = _release  # type: ignore[method-assign]
    AuditSpider.on_dropped = _on_dropped  # type: ignore[method-assign]


def main(argv: list[str]) -> int:
    global _WORKERS
    ahead = 0
    while argv[:1] in (["--pool"], ["--frontier"]):
        if argv[0] == "--pool":
            _WORKERS = int(argv[1])
        else:
            ahead = int(argv[1])
        argv = argv[2:]
    apply_code_proposals()
    if ahead:
        install_frontier(ahead)
    if _WORKERS:
        install_pool()
    from auditor.cli import main as cli_main

    try:
        return cli_main(argv)
    finally:
        if _POOL is not None:
            _POOL.shutdown(wait=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
