"""TLS-grade settings tied to one switch, security headers on every page, `check --deploy` clean.

docs/hardening.md documents the production settings these tests use.
"""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NGINX_CONF = ROOT / "deploy" / "nginx.conf"
# The production settings docs/hardening.md documents (a generated key, as `make run` writes one).
PRODUCTION = {
    "DJANGO_SECRET_KEY": "a7Vq-3kP9sL2xR8mZ1cW5nB0tY4uH6jD-eG9fK2aS7dQ1wE3rT5yU8iO0pL4zX6cV",
    "DJANGO_ALLOWED_HOSTS": "index.example.com",
    "DJANGO_CSRF_TRUSTED_ORIGINS": "https://index.example.com",
    "DJANGO_SECURE_PROXY_SSL_HEADER": "on",
}
SECURE = (
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_PROXY_SSL_HEADER",
)


def run(code: str, **env) -> subprocess.CompletedProcess:
    environment = {
        key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "WHARF_HTTPS"))
    }
    environment.update({"DJANGO_SETTINGS_MODULE": "config.settings", "DJANGO_SECRET_KEY": "x", **env})
    return subprocess.run([sys.executable, *code], cwd=ROOT, env=environment, capture_output=True, text=True)


def secure_settings(**env) -> dict:
    code = (
        "from django.conf import settings; import json; "
        f"print(json.dumps({{name: getattr(settings, name, None) for name in {SECURE!r}}}))"
    )
    return json.loads(run(["-c", code], **env).stdout)


@pytest.mark.unit
def test_https_follows_the_proxy_setting_or_one_switch(settings):
    # The suite runs with neither: plain HTTP, as the embedded mode serves it.
    assert {name: getattr(settings, name, None) for name in SECURE} == dict.fromkeys(SECURE, False) | {
        "SECURE_HSTS_SECONDS": 0,
        "SECURE_PROXY_SSL_HEADER": None,
    }
    behind_proxy = {
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
    }
    # No DJANGO_CSRF_TRUSTED_ORIGINS needed any more for Secure cookies behind the proxy.
    assert secure_settings(DJANGO_SECURE_PROXY_SSL_HEADER="on") == behind_proxy
    # TLS at gunicorn itself: the one switch, and no proxy header to trust.
    assert secure_settings(WHARF_HTTPS="on") == behind_proxy | {"SECURE_PROXY_SSL_HEADER": None}


@pytest.mark.unit
def test_check_deploy_is_clean_with_the_documented_production_settings():
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


HTML_PAGES = [
    "/",
    "/search/?q=demo",
    "/help/",
    "/status/",
    "/accounts/login/",
    "/accounts/signup/",
    "/admin/login/",
]


@pytest.mark.integration
@pytest.mark.django_db
@pytest.mark.parametrize("path", [*HTML_PAGES, "/simple/"])
def test_every_page_sends_csp_and_permissions_policy(client, path):
    response = client.get(path, follow=True)
    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "style-src 'self'" in csp and "'unsafe-inline'" not in csp
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert response["Permissions-Policy"].startswith("accelerometer=(), camera=(), geolocation=()")
    assert response["X-Content-Type-Options"] == "nosniff"


CSP_PROBE = (
    "import django; django.setup(); "
    "from django.http import HttpResponse; from django.test import RequestFactory; "
    "from config.middleware import OrderedCSPMiddleware; "
    "answer = OrderedCSPMiddleware(lambda request: HttpResponse())(RequestFactory().get('/')); "
    "print(answer['Content-Security-Policy'])"
)


@pytest.mark.unit
def test_the_csp_header_is_the_same_bytes_in_every_process():
    """Web nodes, gunicorn workers and nginx's copy send one spelling of the policy, whatever each process's
    string hashing (django-csp alone orders the directives by it)."""
    headers = {
        seed: run(["-c", CSP_PROBE], PYTHONHASHSEED=seed, WHARF_DATA_DIR=os.environ["WHARF_DATA_DIR"]).stdout
        for seed in ("0", "1", "2", "3", "random")
    }
    assert len(set(headers.values())) == 1, headers
    header = headers["0"].strip()
    assert header == (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: https:; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
    copies = re.findall(r'add_header Content-Security-Policy "(.*)";', NGINX_CONF.read_text())
    assert copies and set(copies) == {header}
    https = run(["-c", CSP_PROBE], WHARF_HTTPS="on", WHARF_DATA_DIR=os.environ["WHARF_DATA_DIR"]).stdout
    assert https.strip() == header  # nginx's copy holds in both modes


@pytest.mark.integration
@pytest.mark.django_db
def test_behind_a_tls_proxy_cookies_are_secure_and_hsts_is_sent(client, settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31536000
    plain = client.get("/accounts/login/")
    assert (plain.status_code, plain["Location"]) == (301, "https://testserver/accounts/login/")
    response = client.get("/accounts/login/", HTTP_X_FORWARDED_PROTO="https")
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert response.cookies["csrftoken"]["secure"] is True
    assert response.cookies["csrftoken"]["samesite"] == "Lax"


@pytest.mark.unit
def test_no_template_has_inline_script_or_style():
    """Every page stays within the CSP: JS and CSS live in static files (e-mails are not pages)."""
    import re

    inline = re.compile(
        r"<script(?![^>]*\bsrc=)(?![^>]*application/json)|<style|\sstyle=|\son[a-z]+=|javascript:", re.I
    )
    found = []
    for template in ROOT.glob("**/templates/**/*.html"):
        if ".venv" in template.parts or "email" in template.parts:
            continue
        for number, line in enumerate(template.read_text().splitlines(), 1):
            if inline.search(line) and "help.html" not in template.name:
                found.append(f"{template.relative_to(ROOT)}:{number}: {line.strip()}")
    assert found == []
