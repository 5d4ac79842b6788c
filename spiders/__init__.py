"""Scrapy spiders of the audit."""
