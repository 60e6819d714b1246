"""Tests for rendering TeX as MathML and removing scripts that load from other hosts."""

import re

import markdown
import nbformat
import pytest
from mkdocs_jupyter import convert

from nonlinear.mathml import remove_external_scripts, render_math

pytestmark = pytest.mark.filterwarnings("error")

ANNOTATION = '<annotation encoding="application/x-tex">{}</annotation>'


def markdown_cell(html: str) -> str:
    """Wrap HTML the way nbconvert's lab template wraps a rendered markdown cell."""
    return (
        '<div class="jp-Cell jp-MarkdownCell jp-Notebook-cell">'
        '<div class="jp-RenderedHTMLCommon jp-RenderedMarkdown jp-MarkdownOutput">'
        f"{html}</div></div>"
    )


def test_render_math_inline_arithmatex():
    html = r'<p>Let <span class="arithmatex">\(x^2\)</span> be.</p>'

    rendered = render_math(html)

    assert rendered.startswith('<p>Let <math display="inline"><semantics><mrow>')
    assert "<msup><mi>x</mi><mn>2</mn></msup>" in rendered
    assert rendered.endswith(ANNOTATION.format("x^2") + "</semantics></math> be.</p>")
    assert "arithmatex" not in rendered


def test_render_math_block_arithmatex():
    html = '<div class="arithmatex">\\[\n\\frac{1}{2}\n\\]</div>'

    rendered = render_math(html)

    assert rendered.startswith(
        '<div class="arithmatex"><math display="block"><semantics><mrow><mfrac>'
    )
    assert rendered.endswith(
        ANNOTATION.format(r"\frac{1}{2}") + "</semantics></math></div>"
    )


def test_render_math_arithmatex_extension_output():
    text = "Inline $a$ and block:\n\n$$\nb\n$$\n"
    html = markdown.markdown(
        text,
        extensions=["pymdownx.arithmatex"],
        extension_configs={"pymdownx.arithmatex": {"generic": True}},
    )

    rendered = render_math(html)

    assert rendered.count('<math display="inline">') == 1
    assert rendered.count('<math display="block">') == 1
    assert "\\(" not in rendered
    assert "\\[" not in rendered


def test_render_math_escaped_characters():
    html = r'<span class="arithmatex">\(a &lt; b \&amp; c\)</span>'

    rendered = render_math(html)

    assert "<mo>&lt;</mo>" in rendered
    assert "<mi>&amp;</mi>" in rendered
    assert ANNOTATION.format(r"a &lt; b \&amp; c") in rendered


def test_render_math_escapes_text_command():
    html = r'<span class="arithmatex">\(\text{a &lt; b}\)</span>'

    rendered = render_math(html)

    mtext = re.search(r"<mtext>(.*?)</mtext>", rendered)
    assert mtext is not None
    assert mtext[1] == "a\xa0&lt;\xa0b"


def test_render_math_notebook_dollars():
    html = markdown_cell(
        r"<p>The ReLU is $\max(0, x)$.</p>"
        r"<p>$$z = \mathbf{w} \cdot \mathbf{x} + b$$</p>"
    )

    rendered = render_math(html)

    assert rendered.count('<math display="inline">') == 1
    assert rendered.count('<math display="block">') == 1
    assert ANNOTATION.format(r"\max(0, x)") in rendered
    assert ANNOTATION.format(r"z = \mathbf{w} \cdot \mathbf{x} + b") in rendered
    assert "$" not in rendered


@pytest.mark.parametrize(
    ("text", "display", "tex"),
    [
        (r"\(a &lt; b\)", "inline", "a &lt; b"),
        (r"\[a &amp;= b\]", "block", "a &amp;= b"),
        (
            r"\begin{align*} a &amp;= b \end{align*}",
            "block",
            r"\begin{align*} a &amp;= b \end{align*}",
        ),
        (r"$\$5$", "inline", r"\$5"),
    ],
)
def test_render_math_notebook_other_delimiters(text, display, tex):
    rendered = render_math(markdown_cell(f"<p>{text}</p>"))

    assert f'<math display="{display}">' in rendered
    assert ANNOTATION.format(tex) in rendered


@pytest.mark.parametrize(
    "tag", ["pre", "code", "kbd", "samp", "script", "style", "textarea"]
)
def test_render_math_skips_code_and_scripts(tag):
    html = markdown_cell(
        f'<{tag}>$x$ $$y$$ \\(z\\) <span class="arithmatex">\\(w\\)</span></{tag}>'
    )

    assert render_math(html) == html


@pytest.mark.parametrize(
    "html",
    [
        '<div class="jp-Cell jp-CodeCell"><div class="clipboard-copy-txt">'
        's = "$a$"  # $b$</div></div>',
        '<div class="jp-RenderedMarkdown jp-OutputArea-output"><p>$x$</p></div>',
        "<p>$x$ outside a notebook</p>",
    ],
)
def test_render_math_skips_text_outside_markdown_cells(html):
    assert render_math(html) == html


@pytest.mark.parametrize(
    "text",
    ["It costs $5 and $10.", "From $5-$10.", "A $ x $ sign.", "Only $$ here."],
)
def test_render_math_keeps_currency(text):
    html = markdown_cell(f"<p>{text}</p>")

    assert render_math(html) == html


def test_render_math_invalid_tex():
    html = r'<span class="arithmatex">\(\left( x\)</span>'

    with pytest.raises(
        ValueError,
        match=re.escape(
            r"Failed to convert TeX '\\left( x' to MathML: latex2mathml raised "
            "ExtraLeftOrMissingRightError."
        ),
    ):
        render_math(html)


def test_render_math_invalid_tex_in_notebook():
    html = markdown_cell("<p>$x^$</p>")

    with pytest.raises(ValueError, match="MissingSuperScriptOrSubscriptError"):
        render_math(html)


def test_render_math_unsupported_environment():
    html = markdown_cell(r"<p>$$\begin{aligned} a &amp;= b \end{aligned}$$</p>")

    with pytest.raises(
        ValueError, match="latex2mathml does not support the environment 'aligned'"
    ):
        render_math(html)


def test_render_math_unknown_command():
    html = r'<span class="arithmatex">\(\arg\max_x f(x)\)</span>'

    with pytest.raises(
        ValueError,
        match=re.escape(r"latex2mathml does not support the command \arg and would"),
    ):
        render_math(html)


def test_render_math_joins_full_stop_to_inline_math():
    html = r'<p>a line <span class="arithmatex">\(w x + b\)</span>. Next</p>'

    rendered = render_math(html)

    assert rendered.startswith('<p>a line <span class="math-nowrap"><math display="inline">')
    assert rendered.endswith("</math>.</span> Next</p>")
    assert render_math(rendered) == rendered


def test_render_math_nowrap_only_before_punctuation():
    html = r'<p><span class="arithmatex">\(x\)</span> and <span class="arithmatex">\(y\)</span></p>'

    rendered = render_math(html)

    assert "math-nowrap" not in rendered
    assert rendered.count("<math ") == 2


def test_render_math_notebook_math_keeps_its_comma():
    html = markdown_cell(r"<p>Both $x$, and then $y$).</p>")

    rendered = render_math(html)

    assert rendered.count('<span class="math-nowrap">') == 2
    assert "</math>,</span> and then " in rendered
    assert "</math>).</span></p>" in rendered
    assert render_math(rendered) == rendered


def test_render_math_text_after_nowrap_still_converted():
    html = markdown_cell(r'<p><span class="arithmatex">\(x\)</span>; then $y$.</p>')

    rendered = render_math(html)

    assert rendered.count("<math ") == 2
    assert "$" not in rendered


def test_render_math_idempotent():
    html = (
        r'<p><span class="arithmatex">\(a &lt; b\)</span></p>'
        '<div class="arithmatex">\\[\\frac{1}{2}\\]</div>'
        + markdown_cell(r"<p>$x$, $$y$$ and \(z\) for $5.</p>")
    )

    rendered = render_math(html)

    assert rendered.count("<math ") == 5
    assert render_math(rendered) == rendered


def test_render_math_idempotent_after_adjacent_math():
    # The first call reads "$x$" right after "$$", and the second reads it at the
    # start of a text node, so both must follow the same rule.
    html = markdown_cell("<p>$$y$$$x$</p>")

    rendered = render_math(html)

    assert render_math(rendered) == rendered


def test_render_math_copies_other_html_unchanged():
    html = (
        "<!DOCTYPE html>\n<html><head><meta charset=utf-8><title>A &amp; B</title>"
        "<!-- $x$ --></head>\n<body class=page><p>1 < 2 &lt; 3<br>&copy; "
        "<img src='a.png' alt=\"$x$\"></p><p>unclosed\n</body></html>\r\n"
    )

    assert render_math(html) == html


@pytest.mark.parametrize(
    "element",
    [
        '<script src="https://cdn.example.org/a.js"></script>',
        '<script src="http://cdn.example.org/a.js"></script>',
        '<script src="//cdn.example.org/a.js"></script>',
        '<script src=""> </script>',
        '<script type="module">const m = await import("https://cdn.example.org/m.mjs");'
        "</script>",
        '<script type="module">import m from "https://cdn.example.org/m.mjs";</script>',
        '<script type="text/x-mathjax-config">MathJax.Hub.Config({});</script>',
        '<link rel="stylesheet" href="https://fonts.example.org/css">',
        '<link rel="preconnect" href="https://fonts.example.org" crossorigin>',
    ],
)
def test_remove_external_scripts_removes_element(element):
    html = f"<p>a</p>{element}<p>b</p>"

    assert remove_external_scripts(html) == "<p>a</p><p>b</p>"


@pytest.mark.parametrize(
    "element",
    [
        '<script src="assets/app.js"></script>',
        '<script>document.title = "x";</script>',
        '<script type="application/json">{"url": "https://example.org"}</script>',
        '<link rel="canonical" href="https://example.org/page/">',
        '<link rel="stylesheet" href="../assets/main.css">',
        '<a href="https://example.org/">link</a>',
    ],
)
def test_remove_external_scripts_keeps_element(element):
    html = f"<p>a</p>{element}<p>b</p>"

    assert remove_external_scripts(html) == html


def test_notebook_conversion_removes_external_requests(tmp_path):
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    notebook.cells = [
        nbformat.v4.new_markdown_cell(r"ReLU: $\max(0, x)$ and $$z = w x + b$$"),
        nbformat.v4.new_code_cell('price = "$5"  # $x$'),
    ]
    path = tmp_path / "sample.ipynb"
    nbformat.write(notebook, path)
    # mkdocs-jupyter's plugin passes an empty MathJax URL unless configured.
    html = convert.nb2html(str(path), execute=False, custom_mathjax_url="")

    page = remove_external_scripts(render_math(html))

    assert page.count("<math ") == 2
    assert 'price = "$5"  # $x$' in page
    assert re.search(r"<script[^>]*\ssrc=", page) is None
    assert re.search(r"""(?:src|href)=["']?(?:https?:)?//""", page) is None
    assert "cdnjs" not in page
    assert "MathJax.Hub" not in page
