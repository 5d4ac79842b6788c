"""Scrapy settings for the audit: polite by default, nothing exposed, nothing executed."""

from auditor import PROJECT_URL, __version__

BOT_NAME = "auditor"
SPIDER_MODULES = ["spiders"]
NEWSPIDER_MODULE = "spiders"

USER_AGENT = f"auditor/{__version__} (+{PROJECT_URL}; marketing-presence audit)"
ROBOTSTXT_OBEY = True

# Politeness: two requests at a time per site, adaptive delays, bounded work per firm.
CONCURRENT_REQUESTS = 32
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 0.5
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
DOWNLOAD_TIMEOUT = 30
DNS_TIMEOUT = 10
RETRY_TIMES = 1
DOWNLOAD_MAXSIZE = 8 * 1024 * 1024  # a page larger than this is a trap, not a brochure
DOWNLOAD_WARNSIZE = 4 * 1024 * 1024  # also bounds gzip bombs: checked after decompression
REDIRECT_MAX_TIMES = 5
COOKIES_ENABLED = False
AUDIT_RETRY_AFTER_MAX = 60  # seconds: a 429/503 asking for longer gives up on the page
AUDIT_RETRY_AFTER_TIMES = 2  # waits honoured per request
AUDIT_ROBOTS_MAXSIZE = 512 * 1024  # a larger robots.txt is a trap (Google reads 500 KiB)

AUDIT_PAGE_CAP = 300  # pages per firm
AUDIT_DEPTH_CAP = 5  # links away from the home page
AUDIT_DB = "audit.sqlite"
AUDIT_BATCH_SIZE = 100  # pages per storage transaction
# Firms crawled at once; the others wait outside Scrapy's scheduler, so memory stays flat
# however long the firms file. 0 = twice the sites the request budget keeps busy
# (CONCURRENT_REQUESTS / CONCURRENT_REQUESTS_PER_DOMAIN).
AUDIT_FIRM_WINDOW = 0
# Scrapy runs up to CONCURRENT_ITEMS tasks for each callback's output; a page gives one item
# and a few requests to a synchronous pipeline, so more than one is pure scheduling cost.
CONCURRENT_ITEMS = 1
# Pages whose rules run together (rules.judge_pages: rule by rule over the batch, which keeps
# each rule's code and memos in the processor's caches); 1 = page by page.
AUDIT_RULES_BATCH = 32
# The garbage collector during a crawl (auditor/collector.py): young objects collected every
# AUDIT_GC_YOUNG allocations, full collections on a clock; AUDIT_GC_YOUNG = 0 = Python's own.
AUDIT_GC_YOUNG = 20_000
AUDIT_GC_FULL_EVERY = 30  # seconds
CONNECT_TO: list[str] = []  # HOST=http://127.0.0.1:PORT routes, for offline crawls

# Scale-out (README "Scaling out"): with AUDIT_REDIS_URL set, `scrapy crawl audit` is a worker
# taking whole firms from Redis (spiders/worker.py); the run's own settings then apply.
AUDIT_REDIS_URL = ""
AUDIT_REDIS_HEARTBEAT = 30  # seconds: a worker silent this long has its firms queued again
MAX_IDLE_TIME_BEFORE_CLOSE = 0  # scrapy-redis: seconds a `scrapy crawl` worker waits idle; 0 = ever

# The SSRF guard (auditor/ssrf.py), on for every request, redirect hop and resolved address.
# Networks listed here may be reached anyway (e.g. "10.20.0.0/16" for an intranet audit);
# hosts routed by CONNECT_TO go where the route says. Empty by default: keep it so.
SSRF_ALLOW_NETS: list[str] = []
TWISTED_DNS_RESOLVER = "auditor.ssrf.GuardedResolver"
DUPEFILTER_CLASS = "auditor.dupefilter.FirmDupeFilter"  # one firm's redirects never cost another a page
DOWNLOADER_MIDDLEWARES = {
    "auditor.ssrf.SsrfGuardMiddleware": 40,  # before robots.txt is fetched for the host
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "auditor.robots.SharedRobotsTxtMiddleware": 100,  # every waiting request checked
    "auditor.scope.FirmScopeMiddleware": 45,  # redirect hops stay on the firm's site
    "auditor.robots.RobotsLimitsMiddleware": 540,  # after retries: 5xx robots.txt = keep out
    "auditor.retry_after.RetryAfterMiddleware": 560,  # before RetryMiddleware sees a 429
}

ITEM_PIPELINES = {
    "auditor.pipelines.StoragePipeline": 300,
}
EXTENSIONS = {
    "auditor.collector.PacedCollector": 100,
    "auditor.progress.Progress": 500,
    "scrapy.extensions.telnet.TelnetConsole": None,
}

# Nothing listens, nothing but the web is fetched.
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False
DOWNLOAD_HANDLERS = {
    "http": "auditor.connect_to.ConnectToDownloadHandler",
    "https": "auditor.connect_to.ConnectToDownloadHandler",
    "file": None,
    "data": None,
    "s3": None,
    "ftp": None,
}

LOG_LEVEL = "WARNING"
FEED_EXPORT_ENCODING = "utf-8"
