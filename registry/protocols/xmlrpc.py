"""`POST /pypi` and `/RPC2`: the XML-RPC methods mirrors still call (Warehouse's
`warehouse/legacy/api/xmlrpc/views.py`).

Bodies are parsed with defusedxml, so entity expansion and external entities are refused
(docs/hostile-inputs.md, I).
Each client IP address may call WHARF_XMLRPC_IP_RATE times (PyPI: 3600 an hour); past it, 429 with
Retry-After and PyPI's fault.
"""

import xmlrpc.client
from collections.abc import Callable

from defusedxml.xmlrpc import DefusedExpatParser
from django.core.exceptions import RequestDataTooBig
from django.http import HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from accounts.adapter import request_origin
from registry import mirror, ratelimits
from registry.protocols.common import CORS_HEADERS

MAX_BODY = 64 * 1024

METHODS: dict[str, Callable] = {
    "changelog_last_serial": mirror.changelog_last_serial,
    "changelog_since_serial": mirror.changelog_since_serial,
    "list_packages_with_serial": mirror.list_packages_with_serial,
    "package_roles": mirror.package_roles,
    "user_packages": mirror.user_packages,
    "browse": mirror.browse,
}
REMOVED = {
    "search": "This index does not support 'pip search' (or XML-RPC search); search on the web site instead.",
    "system.multicall": "MultiCall requests are not supported; send one request per call.",
}
DEPRECATED = (
    "changelog",
    "package_data",
    "package_urls",
    "top_packages",
    "list_packages",
    "package_releases",
    "release_urls",
    "release_data",
)


def _parse(body: bytes) -> tuple[str, tuple]:
    unmarshaller = xmlrpc.client.Unmarshaller()
    parser = DefusedExpatParser(unmarshaller)
    parser.feed(body)
    parser.close()
    return unmarshaller.getmethodname(), unmarshaller.close()


def _body(request) -> bytes | None:
    """The request body, or None when it is larger than MAX_BODY (with or without a Content-Length)."""
    if int(request.META.get("CONTENT_LENGTH") or 0) > MAX_BODY:
        return None
    try:
        body = request.body
    except RequestDataTooBig:
        return None
    return body if len(body) <= MAX_BODY else None


def _xml(payload, *, fault: bool = False) -> HttpResponse:
    body = xmlrpc.client.dumps(payload, methodresponse=not fault, allow_none=True)
    response = HttpResponse(body.encode(), content_type="text/xml; charset=utf-8")
    for header, value in CORS_HEADERS.items():
        response[header] = value
    return response


def _fault(code: int, message: str) -> HttpResponse:
    return _xml(xmlrpc.client.Fault(code, message), fault=True)


def _too_many_calls(wait: int) -> HttpResponse:
    response = _fault(
        -32500,
        "HTTPTooManyRequests: The action could not be performed because there were too many requests by the "
        f"client. Limit may reset in {wait} seconds.",
    )
    response.status_code = 429
    response["Retry-After"] = str(wait)
    return response


@csrf_exempt
@require_POST
def rpc(request):
    ip_address, _user_agent = request_origin(request)
    wait = ratelimits.take_xmlrpc_call(ip_address=ip_address or "unknown")
    if wait is not None:
        return _too_many_calls(wait)
    body = _body(request)
    if body is None:
        return _fault(-32600, f"Request too large: XML-RPC bodies are limited to {MAX_BODY} bytes.")
    if not body:
        return _fault(-32700, "Parse error: the request body is empty; send the call with a Content-Length.")
    try:
        method, params = _parse(body)
    except Exception:  # hostile bodies fail in many ways: expat, codec lookup, defusedxml, the Unmarshaller
        return _fault(-32700, "Parse error: the request body is not a valid XML-RPC call.")
    if method in REMOVED:
        return _fault(-32500, f"RuntimeError: {REMOVED[method]}")
    if method in DEPRECATED:
        return _fault(
            -32500, f"RuntimeError: '{method}' is deprecated; use the JSON API at /pypi/<name>/json."
        )
    function = METHODS.get(method)
    if function is None:
        return _fault(-32601, f"Method not found: {method!r} is not a method of this index.")
    try:
        result = function(*params)
    except mirror.MirrorCallError as error:
        return _fault(-32602, f"client error; {error}")
    except TypeError:
        return _fault(-32602, f"client error; wrong number or type of parameters for {method!r}.")
    return _xml((result,))
