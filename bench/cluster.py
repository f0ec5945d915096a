"""Several app servers behind a real load balancer, on 127.0.0.1 only: gunicorn servers and nginx.

`AppServer` is one gunicorn (its own process group, so it can be killed whole, as a crashed machine
would be, and started again on the same port). `Nginx` runs Debian's nginx as a plain process with its
own configuration in a temporary folder (`nginx -c FILE -p DIR -g 'daemon off;'`): round robin over the
servers, a refused connection tried on the next server (`proxy_next_upstream error`; a request that
already reached a server is never sent twice), and the answering server named in `X-Upstream`.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.run import ROOT, free_port, request

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"

NGINX_CONF = """
worker_processes 1;
error_log {dir}/error.log warn;
pid {dir}/nginx.pid;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {dir}/body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;
    upstream app {{
        {servers}
        keepalive 32;
    }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://app;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_next_upstream error timeout;
            proxy_connect_timeout 2s;
            proxy_read_timeout 60s;
            add_header X-Upstream $upstream_addr always;
        }}
    }}
}}
"""


def nginx_available() -> bool:
    return Path(NGINX).exists()


class AppServer:
    """One gunicorn app server on 127.0.0.1:`port`, with the environment of a production machine."""

    def __init__(self, name: str, env: dict, workers: int = 2, log_path: str | None = None):
        self.name, self.env, self.workers = name, env, workers
        self.port = free_port()
        self.log_path = log_path or os.devnull
        self.process: subprocess.Popen | None = None

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self, timeout: float = 120) -> None:
        log = open(self.log_path, "a")  # noqa: SIM115  (the child keeps it; closed when we stop it)
        binary = Path(sys.executable).parent / "gunicorn"
        self.process = subprocess.Popen(
            # --preload: the app is built before the port opens, so while a restarted server boots, nginx
            # gets "connection refused" and sends the request to another server instead of waiting.
            [str(binary), "--workers", str(self.workers), "--no-control-socket", "--bind", self.address,
             "--timeout", "120", "--preload", "app:create_app()"],
            cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        log.close()
        deadline = time.monotonic() + timeout
        while True:
            try:
                if request("127.0.0.1", self.port, "GET", "/healthz")[0] == 200:
                    return
            except OSError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"app server {self.name} did not start (see {self.log_path})")
            time.sleep(0.2)

    def kill(self) -> None:
        """SIGKILL to the master and its workers at once: no graceful shutdown, requests in flight die."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)
        self.process = None

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            self.process = None
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.kill()
        self.process = None


class Nginx:
    """Debian's nginx in front of `servers`, listening on 127.0.0.1:`port`, stopped by `stop()`."""

    def __init__(self, servers: list[AppServer]):
        self.dir = tempfile.mkdtemp(prefix="pj_nginx_")
        self.port = free_port()
        upstreams = "\n        ".join(f"server {s.address} max_fails=1 fail_timeout=2s;" for s in servers)
        self.conf = Path(self.dir) / "nginx.conf"
        self.conf.write_text(NGINX_CONF.format(dir=self.dir, servers=upstreams, port=self.port))
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [NGINX, "-c", str(self.conf), "-p", self.dir, "-e", f"{self.dir}/error.log", "-g", "daemon off;"],
            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
        )  # fmt: skip
        deadline = time.monotonic() + 20
        while True:
            try:
                if request("127.0.0.1", self.port, "GET", "/healthz")[0] == 200:
                    return
            except OSError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"nginx did not start (see {self.dir}/error.log)")
            time.sleep(0.1)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGQUIT)  # graceful: finish what is in flight
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None
        shutil.rmtree(self.dir, ignore_errors=True)
