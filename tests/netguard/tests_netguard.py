"""A network guard for tests: any connection or name lookup beyond loopback fails loudly.

The test suite installs it in its own process (conftest) and, through `sitecustomize` on
PYTHONPATH, in every crawl subprocess it starts.
"""

from __future__ import annotations

import ipaddress
import socket

LOCAL_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost"}


class NetworkGuardError(OSError):
    """A test tried to reach an address beyond loopback."""


def _is_loopback(host: object) -> bool:
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    if not isinstance(host, str):
        return False
    if host in LOCAL_NAMES:
        return True
    try:
        address = ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return False
    mapped = getattr(address, "ipv4_mapped", None)
    return (mapped or address).is_loopback


def install() -> None:
    if getattr(socket, "_netguard_installed", False):
        return
    original_connect = socket.socket.connect
    original_connect_ex = socket.socket.connect_ex
    original_getaddrinfo = socket.getaddrinfo
    original_gethostbyname = socket.gethostbyname

    def check(address: object) -> None:
        if isinstance(address, tuple) and not _is_loopback(address[0]):
            raise NetworkGuardError(f"test tried to reach {address!r}: only 127.0.0.1 is allowed")

    def connect(self: socket.socket, address: object) -> None:
        if self.family in (socket.AF_INET, socket.AF_INET6):
            check(address)
        return original_connect(self, address)  # type: ignore[arg-type]

    def connect_ex(self: socket.socket, address: object) -> int:
        if self.family in (socket.AF_INET, socket.AF_INET6):
            check(address)
        return original_connect_ex(self, address)  # type: ignore[arg-type]

    def getaddrinfo(host: object, *args: object, **kwargs: object) -> object:
        if host is not None and not _is_loopback(host):
            raise socket.gaierror(socket.EAI_NONAME, f"network guard: no lookup of {host!r}")
        return original_getaddrinfo(host, *args, **kwargs)  # type: ignore[arg-type]

    def gethostbyname(host: str) -> str:
        if not _is_loopback(host):
            raise socket.gaierror(socket.EAI_NONAME, f"network guard: no lookup of {host!r}")
        return original_gethostbyname(host)

    socket.socket.connect = connect  # type: ignore[method-assign]
    socket.socket.connect_ex = connect_ex  # type: ignore[method-assign]
    socket.getaddrinfo = getaddrinfo  # type: ignore[assignment]
    socket.gethostbyname = gethostbyname
    socket._netguard_installed = True  # type: ignore[attr-defined]
