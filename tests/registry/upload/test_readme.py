"""Tests for `registry.upload.readme`: rendering and sanitizing descriptions (docs/hostile-inputs.md, H)."""

from html.parser import HTMLParser

import pytest
import readme_renderer.rst
from hypothesis import given, settings
from hypothesis import strategies as st

from registry.upload import readme
from registry.upload.readme import clear_cache, description_render_error, render_description

pytestmark = pytest.mark.unit

MARKDOWN_TYPES = ["text/markdown", "text/markdown; variant=GFM", "text/markdown; variant=CommonMark"]


@pytest.fixture(autouse=True)
def _fresh_cache():
    clear_cache()
    yield
    clear_cache()


class _Elements(HTMLParser):
    """Every tag and attribute of a piece of HTML, as a browser's parser would see them."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, {name: value or "" for name, value in attrs}))


FORBIDDEN_TAGS = {
    "script",
    "style",
    "iframe",
    "frame",
    "form",
    "svg",
    "math",
    "object",
    "embed",
    "link",
    "meta",
    "base",
}


def assert_safe(html: str) -> None:
    """No active content: forbidden tags, event handlers, inline styles or script/data URLs."""
    for tag, attributes in _Elements(html).tags:
        assert tag not in FORBIDDEN_TAGS, html
        assert tag != "input" or "disabled" in attributes, html
        for name, value in attributes.items():
            assert not name.startswith("on") and name != "style", html
            if name in ("href", "src", "action", "formaction"):
                url = "".join(value.split()).lower()
                assert not url.startswith(("javascript:", "data:", "vbscript:")), html


@pytest.mark.parametrize(
    "html",
    [
        "<script>x</script>",
        '<a href=" JaVa script:x">a</a>',
        "<img src=x onerror=y>",
        '<p style="x">',
        "<input>",
    ],
)
def test_the_safety_check_itself_catches_active_content(html):
    with pytest.raises(AssertionError):
        assert_safe(html)


# --- formats -------------------------------------------------------------------------------------


def test_rst_is_the_default():
    html = render_description("Title\n=====\n\nSome *emphasis*.\n", None)
    assert "<h1>" in html and "<em>emphasis</em>" in html


def test_rst_by_content_type():
    assert "<strong>bold</strong>" in render_description("**bold**\n", "text/x-rst")


@pytest.mark.parametrize("content_type", MARKDOWN_TYPES)
def test_markdown(content_type):
    html = render_description(
        "# Title\n\nSome *markdown* with a [link](https://example.com/).\n", content_type
    )
    assert "<h1" in html and "<em>markdown</em>" in html
    assert '<a href="https://example.com/" rel="nofollow">link</a>' in html


def test_gfm_tables_only_in_gfm():
    table = "| a | b |\n|---|---|\n| 1 | 2 |\n"
    assert "<table>" in render_description(table, "text/markdown")
    assert "<table>" not in render_description(table, "text/markdown; variant=CommonMark")


def test_plain_text_keeps_line_breaks_and_is_escaped():
    assert render_description("a\n  b <b>", "text/plain") == "<pre>a<br>  b &lt;b&gt;</pre>"


def test_unknown_content_type_renders_as_text():
    assert render_description("<b>x</b>", "text/html") == "&lt;b&gt;x&lt;/b&gt;"


def test_content_type_parameters_other_than_variant_are_ignored():
    # `stream=` would reach rst's keyword argument of that name if passed through.
    assert render_description("hi\n", "text/x-rst; stream=x; charset=UTF-8") == "<p>hi</p>\n"


@pytest.mark.parametrize("text", ["", "   ", "\n\n\t"])
@pytest.mark.parametrize("content_type", [None, "text/markdown", "text/plain"])
def test_blank_descriptions_render_to_nothing(text, content_type):
    assert render_description(text, content_type) == ""


# --- XSS (docs/hostile-inputs.md, H) -------------------------------------------------------------


@pytest.mark.parametrize("content_type", MARKDOWN_TYPES)
@pytest.mark.parametrize(
    "text",
    [
        "Hello <script>alert(1)</script> world",  # a script tag
        "[x](javascript:alert(1))",  # a javascript: link
        "[x](JaVaScRiPt:alert(1))",
        '<a href="javascript:alert(1)">x</a>',
        "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        '<img src="x" onerror="alert(1)">',  # an event handler
        '<p style="position:fixed;top:0">covering</p>',
        '<iframe src="https://evil.example/"></iframe>',
        '<form action="https://evil.example/"><input type="text" name="password"></form>',
        '<svg onload="alert(1)"><circle r="1"/></svg>',
        '<details open ontoggle="alert(1)"><summary>x</summary></details>',
        '<object data="x.swf"></object><embed src="x.swf">',
        "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    ],
)
def test_markdown_html_is_sanitized(text, content_type):
    html = render_description(text, content_type)
    assert html is not None
    assert_safe(html)


def test_links_get_nofollow_and_lose_bad_schemes():
    # bad link schemes
    html = render_description(
        "[a](javascript:alert(1)) [b](https://example.com/) [c](mailto:x@example.com)", "text/markdown"
    )
    assert '<a rel="nofollow">a</a>' in html
    assert '<a href="https://example.com/" rel="nofollow">b</a>' in html
    assert 'href="mailto:x@example.com"' in html


@pytest.mark.parametrize("input_type", ["submit", "text", "checkbox"])
def test_inputs_are_disabled(input_type):
    # form inputs
    html = render_description(f'<input type="{input_type}">', "text/markdown")
    assert f'<input type="{input_type}" disabled="">' in html


def test_gfm_task_lists_render_as_disabled_checkboxes():
    html = render_description("- [x] done\n- [ ] todo\n", "text/markdown")
    assert html.count('disabled=""') == 2


@pytest.mark.parametrize("content_type", [None, "text/x-rst"])
@pytest.mark.parametrize(
    "text",
    [
        ".. raw:: html\n\n   <script>alert(1)</script>\n",  # a raw HTML directive
        ".. include:: /etc/passwd\n",  # file inclusion
        ".. csv-table:: Secrets\n   :file: /etc/passwd\n",
        ".. image:: x.png\n   :target: javascript:alert(1)\n   :scale: 50\n\n.. invalid-directive::\n",
        ".. invalid-directive::\n",  # an unknown directive
        "Installation 0\n------------\n",  # underline too short: a warning, and warnings halt rendering
        "`unclosed <https://example.com/\n",
    ],
)
def test_rst_that_does_not_render(text, content_type):
    assert render_description(text, content_type) is None


def test_rst_links_lose_javascript():
    html = render_description("`x <javascript:alert(1)>`_ and `y <https://example.com/>`_\n", None)
    assert_safe(html)
    assert '<a href="https://example.com/" rel="nofollow">y</a>' in html


def test_rst_inline_html_is_text():
    html = render_description("Hello <script>alert(1)</script> and <img src=x onerror=alert(1)>\n", None)
    assert "&lt;script&gt;" in html
    assert_safe(html)


@pytest.mark.parametrize(
    ("text", "content_type"),
    [
        ("```html\n<script>alert(1)</script>\n```\n", "text/markdown"),  # markup in a code block
        ("```\n<script>alert(1)</script>\n```\n", "text/markdown"),
        ("    <script>alert(1)</script>\n", "text/markdown"),
        (".. code-block:: html\n\n   <script>alert(1)</script>\n", None),
        ("::\n\n   <script>alert(1)</script>\n", None),
    ],
)
def test_code_blocks_escape_markup(text, content_type):
    html = render_description(text, content_type)
    assert "<pre" in html
    assert "<script" not in html.lower()
    assert "&lt;" in html


def test_a_readme_that_crashes_docutils_does_not_render():
    # Deeply nested lists make docutils recurse past Python's limit (RecursionError).
    nested = "".join("  " * depth + "- x\n\n" for depth in range(400))
    assert render_description(nested, None) is None


@pytest.mark.parametrize("error", [RecursionError, IndexError, AttributeError, ValueError, KeyError])
def test_any_renderer_exception_means_not_rendered(monkeypatch, error):
    def explode(*args, **kwargs):
        raise error("boom")

    monkeypatch.setattr(readme_renderer.rst, "render", explode)
    assert render_description("fine\n", None) is None


def test_malformed_content_type_does_not_raise():
    assert render_description("x", "text/markdown; x*") is None


@settings(max_examples=60, deadline=None)
@given(
    st.text(alphabet=st.characters(codec="utf-8"), max_size=200),
    st.sampled_from([None, "text/x-rst", "text/plain", "text/markdown", "text/markdown; variant=CommonMark"]),
)
def test_never_raises_and_never_emits_script(text, content_type):
    html = render_description(text, content_type)
    assert html is None or "<script" not in html.lower()


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "<script>",
                "</script>",
                "<img src=x onerror=alert(1)>",
                "[a](javascript:x)",
                "`",
                "*",
                "\n",
                "<",
                ">",
                '"',
                "'",
                "=",
                "x",
                " ",
            ]
        ),
        max_size=40,
    )
)
def test_markdown_fuzz_is_safe(parts):
    html = render_description("".join(parts), "text/markdown")
    assert html is not None
    assert_safe(html)


# --- messages ------------------------------------------------------------------------------------


def test_render_error_messages():
    assert description_render_error("text/markdown; variant=GFM") == (
        "The description failed to render for 'text/markdown; variant=GFM'. "
        "See /help/#description-content-type for more information."
    )
    for missing in (None, ""):
        assert description_render_error(missing) == (
            "The description failed to render in the default format of reStructuredText. "
            "See /help/#description-content-type for more information."
        )


# --- cache ---------------------------------------------------------------------------------------


def test_same_description_is_rendered_once(monkeypatch):
    calls = []
    real = readme_renderer.rst.render

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(readme_renderer.rst, "render", counting)
    first = render_description("Hello\n", None)
    assert render_description("Hello\n", None) == first
    assert len(calls) == 1
    render_description("Hello\n", "text/x-rst")  # another content type is another entry
    assert len(calls) == 2


def test_failures_are_cached_too(monkeypatch):
    calls = []

    def failing(*args, **kwargs):
        calls.append(1)

    monkeypatch.setattr(readme_renderer.rst, "render", failing)
    assert render_description("x\n", None) is None
    assert render_description("x\n", None) is None
    assert len(calls) == 1


def test_cache_is_bounded(monkeypatch):
    monkeypatch.setattr(readme._cache, "size", 3)
    for index in range(10):
        render_description(f"text {index}\n", "text/plain")
    assert len(readme._cache._entries) == 3
    assert list(readme._cache._entries)[-1][1] == "text/plain"
