"""The static server of the benchmark: Debian's nginx on 127.0.0.1, else a Python fallback.

nginx serves `sites/<host>/` by the Host header (one catch-all server block, `root
sites/$host`), answers PATH with PATH, PATH.html or PATH/index.html as static hosts do,
logs nothing and runs one worker: on a two-core machine the crawler has the other core.
`ensure_nginx()` installs it with apt-get when it is missing (as root).

The fallback (`auditor.localsites.SiteServer`, threads in this process) is for CI's tiny
run only: it is not fast enough to measure a crawler against.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

NGINX_CONF = """\
{user}worker_processes 1;
worker_rlimit_nofile 65536;  # the file cache keeps descriptors open: 1,024 is too few
daemon off;
master_process on;
pid {work}/nginx.pid;
error_log {work}/nginx-error.log warn;
events {{ worker_connections 4096; }}
http {{
    include {mime_types};
    default_type application/octet-stream;
    charset utf-8;
    charset_types text/html text/xml text/plain application/xml;
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_timeout 65;
    keepalive_requests 1000000;
    open_file_cache max=20000 inactive=120s;
    open_file_cache_valid 120s;
    client_body_temp_path {work}/body;
    proxy_temp_path {work}/proxy;
    fastcgi_temp_path {work}/fastcgi;
    uwsgi_temp_path {work}/uwsgi;
    scgi_temp_path {work}/scgi;
    server {{
        listen 127.0.0.1:{port} default_server;
        server_name _;
        root {sites}/$host;
        location / {{
            try_files $uri $uri.html $uri/index.html =404;
        }}
    }}
}}
"""


def nginx_binary() -> str | None:
    return shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if Path(p).is_file()), None)


def ensure_nginx() -> str | None:
    """nginx's path, installing Debian's nginx-light when missing; None if that fails."""
    found = nginx_binary()
    if found or not shutil.which("apt-get"):
        return found
    print("benchmark: installing nginx (apt-get install nginx-light)…", flush=True)
    env = {"DEBIAN_FRONTEND": "noninteractive", "PATH": "/usr/sbin:/usr/bin:/sbin:/bin"}
    for command in (["apt-get", "update", "-qq"],
                    ["apt-get", "install", "-y", "-qq", "--no-install-recommends", "nginx-light"]):
        if subprocess.run(command, env=env, capture_output=True, check=False).returncode != 0:  # noqa: S603
            return None
    return nginx_binary()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_ready(address: str, host: str, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while True:
        request = urllib.request.Request(f"{address}/robots.txt", headers={"Host": host})  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return
        except OSError:
            if time.monotonic() > deadline:
                raise
        time.sleep(0.05)


class Nginx:
    """nginx in the foreground of a child process, stopped by its pid."""

    name = "nginx"

    def __init__(self, binary: str, sites: Path, work: Path):
        self.binary, self.sites, self.work = binary, sites.resolve(), work.resolve()
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def address(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, probe_host: str) -> Nginx:
        self.work.mkdir(parents=True, exist_ok=True)
        mime = "/etc/nginx/mime.types"
        conf = self.work / "nginx.conf"
        # As root, the worker runs as the files' owner: a private temp folder stays readable.
        user = ""
        if os.geteuid() == 0:
            user = f"user {pwd.getpwuid(self.sites.stat().st_uid).pw_name};\n"
        conf.write_text(NGINX_CONF.format(user=user, work=self.work, port=self.port,
                                          sites=self.sites, mime_types=mime), encoding="utf-8")
        self.process = subprocess.Popen(  # noqa: S603
            [self.binary, "-c", str(conf), "-p", str(self.work), "-e", str(self.work / "nginx-error.log")],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _wait_ready(self.address, probe_host)
        return self

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()  # SIGTERM to our nginx master: it stops its worker
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
            self.process = None


class PythonServer:
    """auditor.localsites' threaded server: correct, not fast."""

    name = "python-localsites"

    def __init__(self, sites: Path):
        from auditor.localsites import SiteServer

        self.server = SiteServer(sites)

    @property
    def address(self) -> str:
        return self.server.address

    def start(self, probe_host: str) -> PythonServer:
        self.server.start()
        _wait_ready(self.address, probe_host)
        return self

    def stop(self) -> None:
        self.server.stop()


def start_server(sites: Path, work: Path, probe_host: str, prefer: str = "nginx") -> Nginx | PythonServer:
    """nginx when it can be had (installed on demand), else the Python fallback."""
    if prefer == "nginx":
        binary = ensure_nginx()
        if binary:
            return Nginx(binary, sites, work).start(probe_host)
        print("benchmark: nginx unavailable, using the Python server (not for timings)", flush=True)
    return PythonServer(sites).start(probe_host)
