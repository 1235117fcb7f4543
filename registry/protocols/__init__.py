"""The PyPI protocols: legacy upload, Simple (PEP 503/691), JSON, XML-RPC and file downloads. Thin views only.

The REST API of Wharf itself lives in each app's `api/` package; these are the wire protocols pip, uv, twine
and mirrors speak.
"""
