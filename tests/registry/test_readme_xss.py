"""README rendering on the project page refuses or strips every XSS case of docs/hostile-inputs.md (H).

Descriptions go through the real upload path; what a browser would parse on the page is checked.
"""

import pytest

from registry.models import Release
from tests import builders
from tests.registry.upload.test_readme import assert_safe

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

MARKDOWN = "text/markdown"


def readme_of(page: str) -> str:
    start = page.index('<div class="readme">')
    return page[start : page.index("</div>\n</section>", start)]


def publish_with(upload, token, description: str, content_type: str | None, **fields):
    extra = {"description": [description]}
    if content_type:
        extra["description_content_type"] = [content_type]
    extra.update(fields)
    return upload(builders.wheel("demo", "1.0", fields=extra), token=token)


@pytest.mark.parametrize(
    ("case", "description", "content_type"),
    [
        ("H1 script", "Hello <script>alert(1)</script>", MARKDOWN),
        ("H1 script, rst", "Hello <script>alert(1)</script>\n", None),
        ("H2 javascript link", "[x](javascript:alert(1))", MARKDOWN),
        ("H2 javascript href", '<a href="javascript:alert(1)">x</a>', MARKDOWN),
        ("H2 spaced scheme", '<a href=" java\tscript:alert(1)">x</a>', MARKDOWN),
        ("H2 data URL", "[d](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)", MARKDOWN),
        ("H2 rst link", "`x <javascript:alert(1)>`_\n", "text/x-rst"),
        ("H3 onerror", "<img src=x onerror=alert(1)>", MARKDOWN),
        ("H3 style", '<p style="position:fixed;top:0">cover</p>', MARKDOWN),
        ("H3 iframe", '<iframe src="https://example.com/"></iframe>', MARKDOWN),
        ("H3 form", '<form action="/accounts/logout/" method="post"><button>Go</button></form>', MARKDOWN),
        ("H3 svg", "<svg onload=alert(1)><circle r=1></circle></svg>", MARKDOWN),
        ("H3 object", '<object data="javascript:alert(1)"></object><embed src=x>', MARKDOWN),
        ("H4 input", '<input type="submit" value="Log out"> <input type="text">', MARKDOWN),
        ("H9 code block", "```html\n<script>alert(1)</script>\n```\n", MARKDOWN),
        ("plain text", "<script>alert(1)</script>", "text/plain"),
    ],
)
def test_readme_is_sanitized_on_the_project_page(
    client, upload, alice_token, case, description, content_type
):
    response = publish_with(upload, alice_token, description, content_type)
    assert response.status_code == 200, response.reason_phrase
    page = client.get("/project/demo/").content.decode()
    readme = readme_of(page)
    assert_safe(readme)
    assert "<script" not in page.split("</head>", 1)[1].lower()


def test_code_block_markup_is_shown_as_text(client, upload, alice_token):
    publish_with(upload, alice_token, "```html\n<script>alert(1)</script>\n```\n", MARKDOWN)
    readme = readme_of(client.get("/project/demo/").content.decode())
    assert '<pre lang="html">' in readme and '<span class="nt">script</span>' in readme
    assert "<script" not in readme


def test_inputs_are_kept_only_disabled(client, upload, alice_token):
    publish_with(upload, alice_token, '<input type="submit" value="x">', MARKDOWN)
    readme = readme_of(client.get("/project/demo/").content.decode())
    assert "<input" in readme and 'disabled=""' in readme


@pytest.mark.parametrize(
    ("case", "description"),
    [
        ("H5 raw html", ".. raw:: html\n\n   <script>alert(1)</script>\n"),
        ("H6 include", ".. include:: /etc/passwd\n"),
        ("H6 csv file", ".. csv-table:: x\n   :file: /etc/passwd\n"),
        ("H7 invalid directive", ".. invalid-directive::\n"),
    ],
)
def test_rst_that_could_inject_is_refused_at_upload(upload, alice_token, unchanged, case, description):
    with unchanged():
        response = publish_with(upload, alice_token, description, None)
    assert response.status_code == 400
    assert response.reason_phrase.startswith("The description failed to render")


def test_name_with_markup_is_refused_at_upload(upload, alice_token, unchanged):
    """A name carrying markup never reaches a page."""
    dist = builders.wheel("flywheel", "1.0", fields={"name": ["flywheel<img src=x onerror=alert(1)>"]})
    with unchanged():
        response = upload(dist, token=alice_token)
    assert response.status_code == 400


def test_html_stored_by_other_means_is_cleaned_again(client, publish):
    """Defence in depth: the stored HTML is sanitized again when the page is built."""
    publish("demo", "1.0")
    Release.objects.update(
        description_html='<p>ok</p><script>alert(1)</script><a href="javascript:alert(1)">x</a>'
        '<img src=x onerror="alert(1)">'
    )
    readme = readme_of(client.get("/project/demo/").content.decode())
    assert_safe(readme)
    assert "<p>ok</p>" in readme


def test_description_without_stored_html_is_rendered_at_view_time(client, publish):
    publish("demo", "1.0")
    Release.objects.update(description="# Title\n\n<script>x</script>", description_content_type=MARKDOWN)
    Release.objects.update(description_html="")
    readme = readme_of(client.get("/project/demo/").content.decode())
    assert 'id="user-content-title">Title' in readme
    assert_safe(readme)


def test_metadata_fields_are_escaped_and_links_need_http(client, upload, alice_token):
    fields = {
        "summary": ["<script>alert(1)</script>"],
        "keywords": ['"><img src=x onerror=alert(1)>'],
        "project_urls": ["Source, https://example.com/src"],
        "home_page": ["https://example.com/home"],
        "classifiers": ["Programming Language :: Python :: 3"],
    }
    response = upload(builders.wheel("demo", "1.0", fields=fields), token=alice_token)
    assert response.status_code == 200, response.reason_phrase
    # Upload refuses URLs that are not URLs; a row written any other way must still not become a link.
    Release.objects.update(
        project_urls=[["Docs", "javascript:alert(1)"], ["Source", "https://example.com/src"]]
    )
    page = client.get("/project/demo/").content.decode()
    body = page.split("</head>", 1)[1]
    assert "<script>alert(1)</script>" not in body and "<img src=x" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert 'href="javascript:' not in body and 'href="data:' not in body
    assert '<a href="https://example.com/src" rel="nofollow noopener">Source</a>' in body
    assert '<a href="https://example.com/home" rel="nofollow noopener">Homepage</a>' in body
    assert "Docs: javascript:alert(1)" in body


@pytest.mark.parametrize(
    "path",
    [
        "/search/?q=%3Cscript%3Ealert(1)%3C/script%3E",
        "/names/check/?name=%3Cscript%3Ealert(1)%3C/script%3E",
        "/?%3Cscript%3Ealert(1)%3C/script%3E",
    ],
)
def test_query_strings_are_not_reflected_as_markup(client, path):
    """A query string on a page is never reflected as markup."""
    body = client.get(path).content.decode().split("</head>", 1)[1]
    assert "<script>alert(1)</script>" not in body
