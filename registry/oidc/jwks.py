"""Issuers' signing keys: the JWKS fetched over HTTP, kept in the shared cache, fetched again when a token
names a key id the cached set does not have (key rotation), at most once per key id and interval."""

import json
import logging

import jwt
import urllib3
from django.core.cache import cache

from registry.oidc.issuers import Issuer

logger = logging.getLogger(__name__)

KEYS_SECONDS = 3600
# An unknown key id refetches the set once in this interval, so forged key ids cannot hammer the issuer.
REFETCH_SECONDS = 300
FETCH_TIMEOUT = urllib3.Timeout(connect=5.0, read=10.0)
MAX_DOCUMENT_BYTES = 1024 * 1024
_http = urllib3.PoolManager(retries=urllib3.Retry(total=2, backoff_factor=0.2), timeout=FETCH_TIMEOUT)


class KeysUnavailable(Exception):
    """The issuer's key set could not be fetched or read."""


def signing_key(issuer: Issuer, kid: str | None) -> jwt.PyJWK | None:
    """The key `kid` of `issuer` (the only key when the token names none and the set has one), or None."""
    keys = cache.get(_keys_key(issuer))
    if keys is None:
        keys = _refresh(issuer)
    found = _pick(keys, kid)
    if found is None and cache.add(f"oidc:refetch:{issuer.name}:{kid}", True, REFETCH_SECONDS):
        found = _pick(_refresh(issuer), kid)
    return jwt.PyJWK(found) if found is not None else None


def _pick(keys: list[dict], kid: str | None) -> dict | None:
    if kid is None:
        return keys[0] if len(keys) == 1 else None
    return next((key for key in keys if key.get("kid") == kid), None)


def _keys_key(issuer: Issuer) -> str:
    return f"oidc:jwks:{issuer.name}:{issuer.url}"


def _refresh(issuer: Issuer) -> list[dict]:
    url = issuer.jwks_url or _discovered_jwks_url(issuer)
    document = _get_json(url)
    keys = document.get("keys") if isinstance(document, dict) else None
    if not isinstance(keys, list):
        raise KeysUnavailable(f"the key set at {url} has no 'keys' list")
    usable = [key for key in keys if isinstance(key, dict) and key.get("use", "sig") == "sig"]
    cache.set(_keys_key(issuer), usable, KEYS_SECONDS)
    return usable


def _discovered_jwks_url(issuer: Issuer) -> str:
    document = _get_json(f"{issuer.url.rstrip('/')}/.well-known/openid-configuration")
    url = document.get("jwks_uri") if isinstance(document, dict) else None
    if not isinstance(url, str) or not url.startswith(("https://", "http://")):
        raise KeysUnavailable(f"the discovery document of {issuer.url} names no jwks_uri")
    return url


def _get_json(url: str):
    try:
        response = _http.request("GET", url, preload_content=False, redirect=True)
        try:
            body = response.read(MAX_DOCUMENT_BYTES + 1)
        finally:
            response.release_conn()
    except urllib3.exceptions.HTTPError as error:
        logger.warning("fetching %s failed: %s", url, error)
        raise KeysUnavailable(f"{url} could not be fetched") from None
    if response.status != 200 or len(body) > MAX_DOCUMENT_BYTES:
        raise KeysUnavailable(f"{url} answered {response.status}")
    try:
        return json.loads(body)
    except ValueError:
        raise KeysUnavailable(f"{url} is not JSON") from None
