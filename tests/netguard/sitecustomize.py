"""Loaded by every Python process the tests start: no socket may leave 127.0.0.1."""

from tests_netguard import install

install()
