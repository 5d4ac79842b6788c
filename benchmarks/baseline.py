"""The baseline: a bare Scrapy follow-all crawl with LinkExtractor.

What most Scrapy tutorials write: every link of every page, extracted by `LinkExtractor`,
yielded as a Request; Scrapy's offsite filter and duplicate filter drop what is not new.

Usage (run.py starts it): python benchmarks/baseline.py MANIFEST_JSON ROUTES_FILE STATS_JSON [--fixed-list]

With --fixed-list it is Scrapy's floor instead: every page's URL (from the sites' sitemaps)
requested once, nothing parsed, nothing followed: what Scrapy itself costs per page here.
"""

from __future__ import annotations

import json
import re
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import scrapy
from scrapy.crawler import CrawlerProcess
from scrapy.http import HtmlResponse, Response
from scrapy.linkextractors import LinkExtractor

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import common_settings


class FixedList(scrapy.Spider):
    name = "fixed_list"

    def __init__(self, start_urls: list[str], allowed_domains: list[str], **kwargs: Any):
        super().__init__(**kwargs)
        self.start_urls = start_urls
        self.allowed_domains = allowed_domains
        self.pages: set[str] = set()

    def parse(self, response: Response) -> Iterator[scrapy.Request]:
        if response.status == 200:
            self.pages.add(response.url)
        return iter(())


def sitemap_urls(manifest_file: str, hosts: list[str]) -> list[str]:
    sites = Path(manifest_file).parent / "sites"
    urls: list[str] = []
    for host in hosts:
        text = (sites / host / "sitemap.xml").read_text(encoding="utf-8")
        urls += re.findall(r"<loc>([^<]+)</loc>", text)
    return urls


class FollowAll(scrapy.Spider):
    name = "follow_all"

    def __init__(self, start_urls: list[str], allowed_domains: list[str], **kwargs: Any):
        super().__init__(**kwargs)
        self.start_urls = start_urls
        self.allowed_domains = allowed_domains
        self.links = LinkExtractor()
        self.pages: set[str] = set()  # the start URLs are fetched twice (dont_filter)

    def parse(self, response: Response) -> Iterator[scrapy.Request]:
        if not isinstance(response, HtmlResponse):
            return
        if response.status == 200:
            self.pages.add(response.url)
        for link in self.links.extract_links(response):
            yield scrapy.Request(link.url, callback=self.parse)


def main(manifest_file: str, routes_file: str, stats_file: str, mode: str = "") -> None:
    manifest = json.loads(Path(manifest_file).read_text(encoding="utf-8"))
    routes = Path(routes_file).read_text(encoding="utf-8").split()
    hosts: list[str] = manifest["hosts"]
    process = CrawlerProcess(common_settings(routes))
    fixed = mode == "--fixed-list"
    crawler = process.create_crawler(FixedList if fixed else FollowAll)
    started = time.monotonic()
    process.crawl(crawler,
                  start_urls=sitemap_urls(manifest_file, hosts) if fixed else manifest["start_urls"],
                  allowed_domains=[h.removeprefix("www.") for h in hosts])
    process.start()
    spider = crawler.spider
    stats = crawler.stats.get_stats() if crawler.stats else {}
    Path(stats_file).write_text(json.dumps({
        "pages": len(getattr(spider, "pages", ())),
        "responses": stats.get("response_received_count", 0),
        "crawl_seconds": time.monotonic() - started,
        "requests": stats.get("downloader/request_count", 0),
        "dupefilter_filtered": stats.get("dupefilter/filtered", 0),
        "offsite_filtered": stats.get("offsite/filtered", 0),
    }), encoding="utf-8")


if __name__ == "__main__":
    main(*sys.argv[1:5])
