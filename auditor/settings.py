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
RETRY_TIMES = 1
DOWNLOAD_MAXSIZE = 8 * 1024 * 1024  # a page larger than this is a trap, not a brochure
DOWNLOAD_WARNSIZE = 4 * 1024 * 1024
REDIRECT_MAX_TIMES = 5
COOKIES_ENABLED = False

AUDIT_PAGE_CAP = 300  # pages per firm
AUDIT_DEPTH_CAP = 5  # links away from the home page
AUDIT_DB = "audit.sqlite"
AUDIT_BATCH_SIZE = 100  # pages per storage transaction
CONNECT_TO: list[str] = []  # HOST=http://127.0.0.1:PORT routes, for offline crawls

ITEM_PIPELINES = {
    "auditor.pipelines.StoragePipeline": 300,
}
EXTENSIONS = {
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
