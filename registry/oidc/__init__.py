"""Trusted publishing's OpenID Connect side: the configured issuers, their keys, verifying ID tokens and
matching their claims to a project's trusted publishers.

Reads only, no writes: `registry.services.publishing` trades a verified token for an upload token.
Signatures and the registered claims (`iss`, `aud`, `exp`, `nbf`, `iat`) are checked by PyJWT, never by hand.
"""
