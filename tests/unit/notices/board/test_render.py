"""Notice bodies: Markdown kept, known XSS payloads neutralised."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from services.notices.board.render import to_html

PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg/onload=alert(1)>",
    "<body onload=alert(1)>",
    "<iframe src=javascript:alert(1)></iframe>",
    '<a href="javascript:alert(1)">x</a>',
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x](&#106;avascript:alert(1))",
    "[x](java\tscript:alert(1))",
    "[x](vbscript:msgbox(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![x](javascript:alert(1))",
    '![x](x" onerror="alert(1))',
    "<details open ontoggle=alert(1)>",
    "<math><mi xlink:href=javascript:alert(1)>x</mi></math>",
    "<style>@import 'javascript:alert(1)';</style>",
    '<div style="background:url(javascript:alert(1))">',
    "<object data=javascript:alert(1)>",
    '<form action="javascript:alert(1)"><button>x</button></form>',
    "<<script>script>alert(1)<</script>/script>",
    "<scr<script>ipt>alert(1)</script>",
    '[x](https://example.com" onclick="alert(1))',
    "<a href='https://ok' onmouseover='alert(1)'>x</a>",
]

SAFE_TAGS = {
    "a",
    "blockquote",
    "br",
    "code",
    "del",
    "em",
    "h1",
    "h2",
    "h3",
    "hr",
    "img",
    "li",
    "ol",
    "p",
    "pre",
    "strong",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
}
URL_ATTRIBUTES = {"href", "src", "action", "data", "xlink:href", "formaction"}


class Elements(HTMLParser):
    """Every element and attribute a browser would build from the HTML."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, attrs))


def elements(html: str) -> list[tuple[str, list[tuple[str, str | None]]]]:
    parser = Elements()
    parser.feed(html)
    return parser.found


@pytest.mark.parametrize("payload", PAYLOADS)
def test_known_xss_payload_is_neutralised(payload: str) -> None:
    html = to_html(f"通知\n\n{payload}\n\n{payload}")
    for tag, attrs in elements(html):
        assert tag in SAFE_TAGS, html
        for name, value in attrs:
            assert not name.startswith("on"), html
            assert name not in {"style"}, html
            if name in URL_ATTRIBUTES:
                scheme = (value or "").split(":", 1)[0].strip().lower()
                assert ":" not in (value or "") or scheme in {"http", "https", "mailto"}, html


def test_markdown_formatting_survives() -> None:
    html = to_html("# 标题\n\n**加粗** [链接](https://gov.cn)\n\n| a | b |\n|---|---|\n| 1 | 2 |")
    assert "<h1>标题</h1>" in html
    assert "<strong>加粗</strong>" in html
    assert 'href="https://gov.cn"' in html and 'rel="noopener noreferrer nofollow"' in html
    assert "<table>" in html and "<td>1</td>" in html


def test_raw_html_is_shown_as_text_not_run() -> None:
    assert "&lt;b&gt;" in to_html("<b>x</b>")
