"""What a signature records about the request it came from: IP address and browser (user agent)."""

from flask import request


def client_evidence() -> tuple[str | None, str | None]:
    """The client's IP (as seen through the configured proxies) and user agent, trimmed."""
    ip = (request.remote_addr or "")[:45] or None
    agent = (request.headers.get("User-Agent") or "")[:500] or None
    return ip, agent
