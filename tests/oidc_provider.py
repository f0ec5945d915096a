"""A real OpenID Connect provider for tests: oidc-provider-mock on 127.0.0.1, plus a tamper switch.

oidc-provider-mock does the whole flow (discovery, authorize, token, JWKS, end_session). To test that the
app refuses a wrong issuer, audience or nonce and an expired token, `TamperingProvider` can rewrite the
next ID token's claims and sign it again with its own key, which it also publishes in the JWKS: the
token is then correctly signed and differs from a good one only in the claim under test.
"""

import base64
import json
import threading
from contextlib import contextmanager
from urllib.parse import urlsplit

import oidc_provider_mock
import requests
import werkzeug.serving
from joserfc import jwt
from joserfc.jwk import RSAKey


class TamperingProvider:
    """WSGI wrapper around the mock provider."""

    def __init__(self, app):
        self.app = app
        self.key = RSAKey.generate_key(2048, parameters={"kid": "tamper-key", "use": "sig", "alg": "RS256"})
        self.changes: dict | None = None  # claims to overwrite in the next ID token
        self.unpublished_key = False  # sign the next token with a key the JWKS does not list
        # The mock's key has no kid: the JWKS lists ours beside it only while tampering, or a
        # token without kid could not pick its key.
        self.publish_key = False

    def tamper(self, **changes) -> None:
        """Rewrite these claims of the next ID token (signed again, with a key the JWKS lists)."""
        self.changes, self.publish_key = changes, True

    def reset(self) -> None:
        self.changes, self.unpublished_key, self.publish_key = None, False, False

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if path == "/jwks" and self.publish_key:
            status, headers, body = self._inner(environ)
            keys = json.loads(body)
            keys["keys"].append(self.key.as_dict(private=False))
            return self._reply(start_response, status, headers, json.dumps(keys).encode())
        if path == "/oauth2/token" and (self.changes is not None or self.unpublished_key):
            status, headers, body = self._inner(environ)
            token = json.loads(body)
            if "id_token" in token:
                token["id_token"] = self._rewrite(token["id_token"])
            self.changes, self.unpublished_key = None, False
            return self._reply(start_response, status, headers, json.dumps(token).encode())
        return self.app(environ, start_response)

    def _rewrite(self, id_token: str) -> str:
        payload = id_token.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        claims.update(self.changes or {})
        key = RSAKey.generate_key(2048, parameters={"kid": "unknown-key"}) if self.unpublished_key else self.key
        return jwt.encode({"alg": "RS256", "kid": key.kid}, claims, key)

    def _inner(self, environ):
        captured = {}

        def capture(status, headers, exc_info=None):
            captured["status"], captured["headers"] = status, headers

        body = b"".join(self.app(environ, capture))
        return captured["status"], captured["headers"], body

    @staticmethod
    def _reply(start_response, status, headers, body):
        headers = [(k, v) for k, v in headers if k.lower() != "content-length"]
        start_response(status, [*headers, ("Content-Length", str(len(body)))])
        return [body]


@contextmanager
def running_provider():
    """Start the provider on a free port of 127.0.0.1; yields the TamperingProvider with `base_url`."""
    provider = TamperingProvider(oidc_provider_mock.app(require_nonce=True))
    server = werkzeug.serving.make_server("127.0.0.1", 0, provider, threaded=True)
    provider.base_url = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    try:
        yield provider
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def set_person(provider, sub: str, **claims) -> None:
    """The claims the provider will hand out for `sub` (oid, groups, preferred_username, name, ...)."""
    response = requests.put(f"{provider.base_url}/users/{sub}", json=claims, timeout=5)
    response.raise_for_status()


def sign_in_at_provider(authorize_url: str, sub: str) -> str:
    """What the person does at the provider's page: sign in as `sub`. Returns the app's callback URL."""
    response = requests.post(authorize_url, data={"sub": sub}, allow_redirects=False, timeout=5)
    assert response.status_code in (302, 303), response.text
    return response.headers["Location"]


def local_path(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + ("?" + parts.query if parts.query else "")
