"""A test OpenID Connect issuer on loopback: its own RSA keys, a JWKS and a discovery document served over
HTTP on an ephemeral port, and ID tokens shaped like GitHub Actions' and GitLab CI's."""

import json
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

AUDIENCE = "wharf"


class TestIssuer:
    """Serves `<base>/<name>/.well-known/openid-configuration` and `<base>/<name>/jwks` for each issuer name;
    `keys` (kid → private key) can be changed while it runs (rotation)."""

    __test__ = False  # a helper named like a test class, not one

    def __init__(self):
        self.keys = {"key-1": rsa.generate_private_key(public_exponent=65537, key_size=2048)}
        self.jwks_requests = 0
        issuer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                name, _, rest = self.path.strip("/").partition("/")
                if rest == ".well-known/openid-configuration":
                    body = {"issuer": issuer.url(name), "jwks_uri": f"{issuer.url(name)}/jwks"}
                elif rest == "jwks":
                    issuer.jwks_requests += 1
                    body = issuer.jwks()
                else:
                    self.send_error(404)
                    return
                data = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def url(self, name: str) -> str:
        return f"{self.base}/{name}"

    def jwks(self) -> dict:
        keys = []
        for kid, key in self.keys.items():
            public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
            keys.append({**public, "kid": kid, "use": "sig", "alg": "RS256"})
        return {"keys": keys}

    def close(self):
        self.server.shutdown()
        self.server.server_close()

    def sign(self, claims: dict, *, kid: str = "key-1", key=None) -> str:
        key = key or self.keys[kid]
        return jwt.encode(claims, key, algorithm="RS256", headers={"kid": kid})

    def token(self, name: str, *, audience: str = AUDIENCE, lifetime: int = 300, **claims) -> dict:
        now = int(time.time())
        return {
            "iss": self.url(name),
            "aud": audience,
            "iat": now,
            "nbf": now,
            "exp": now + lifetime,
            "jti": str(uuid.uuid4()),
            **claims,
        }

    def github(
        self, *, repository="octo/widgets", workflow="release.yml", environment=None, owner_id="4242", **extra
    ) -> dict:
        owner = repository.split("/")[0]
        ref = f"{repository}/.github/workflows/{workflow}@refs/tags/v1.0"
        claims = {
            "sub": f"repo:{repository}:ref:refs/tags/v1.0",
            "repository": repository,
            "repository_owner": owner,
            "repository_owner_id": owner_id,
            "workflow_ref": ref,
            "job_workflow_ref": ref,
            "ref": "refs/tags/v1.0",
        }
        if environment:
            claims["environment"] = environment
        return self.token("github", **{**claims, **extra})

    def gitlab(
        self, *, project_path="group/sub/widgets", ci_file=".gitlab-ci.yml", environment=None, **extra
    ):
        namespace = project_path.rsplit("/", 1)[0]
        host = self.url("gitlab").split("://", 1)[1]
        claims = {
            "sub": f"project_path:{project_path}:ref_type:tag:ref:v1.0",
            "namespace_path": namespace,
            "project_path": project_path,
            "ci_config_ref_uri": f"{host}/{project_path}//{ci_file}@refs/tags/v1.0",
        }
        if environment:
            claims["environment"] = environment
        return self.token("gitlab", **{**claims, **extra})

    def settings(self) -> list[dict]:
        """WHARF_OIDC_ISSUERS for a GitHub-shaped issuer (discovered keys) and a GitLab-shaped one."""
        return [
            {"name": "github", "issuer": self.url("github"), "audience": AUDIENCE, "kind": "github"},
            {
                "name": "gitlab",
                "issuer": self.url("gitlab"),
                "audience": AUDIENCE,
                "kind": "gitlab",
                "jwks_url": f"{self.url('gitlab')}/jwks",
            },
        ]
