"""A hostile web on 127.0.0.1 for crawl tests: traps, faults, bad encodings, SSRF bait."""
