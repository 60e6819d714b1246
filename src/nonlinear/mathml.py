"""Render TeX as MathML at build time and remove scripts that load from other hosts.

pymdownx.arithmatex (``generic: true``) and mkdocs-jupyter leave TeX in the HTML for
MathJax to typeset in the browser. This module converts that TeX to MathML Core with
latex2mathml, so the math renders with no JavaScript and no request to a CDN.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from html import unescape
from html.parser import HTMLParser
from xml.etree.ElementTree import Element, SubElement, tostring

from latex2mathml import commands as latex2mathml_commands
from latex2mathml.converter import convert_to_element

_LOGGER = logging.getLogger(__name__)

_SKIPPED_TAGS = frozenset(
    {"code", "kbd", "math", "pre", "samp", "script", "style", "svg", "textarea"}
)
_VOID_TAGS = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "wbr"}
)
# nbconvert's lab template puts each rendered markdown cell in an element with this
# class. Code cells, their clipboard copy of the source and their outputs are outside.
_MARKDOWN_CELL_CLASS = "jp-MarkdownCell"
_ARITHMATEX_TEX = {
    "span": re.compile(r"\\\((?P<tex>.+)\\\)", re.DOTALL),
    "div": re.compile(r"\\\[(?P<tex>.+)\\\]", re.DOTALL),
}
# An inline "$" opens math only if it is not escaped and no whitespace follows it.
# The closing "$" follows no whitespace and precedes no digit, so "costs $5 and $10"
# stays text.
_DELIMITED_TEX = re.compile(
    r"(?<!\\)\$\$(?P<dollars>.+?)\$\$"
    r"|(?<!\\)\\\[(?P<brackets>.+?)\\\]"
    r"|(?<!\\)\\\((?P<parens>.+?)\\\)"
    r"|(?P<environment>\\begin\{(?P<name>[A-Za-z]+\*?)\}.*?\\end\{(?P=name)\})"
    r"|(?<![\\$])\$(?P<dollar>(?:\\.|[^\s$\\])(?:\\.|[^$\\])*?)(?<!\s)\$(?![\d$])",
    re.DOTALL,
)
_BLOCK_GROUPS = frozenset({"dollars", "brackets", "environment"})
_ENVIRONMENT_NAME = re.compile(r"\\begin\s*\{([A-Za-z]+\*?)\}")
_NEW_ENVIRONMENT_NAME = re.compile(r"\\newenvironment\s*\{([A-Za-z]+\*?)\}")
# latex2mathml 3.81 lays out only these environments and those that the expression
# defines with \newenvironment. It keeps the body of any other environment without
# its layout, so the "&" of "aligned" would show as text.
_SUPPORTED_ENVIRONMENTS = frozenset(
    command.lstrip("\\") for command in latex2mathml_commands.MATRICES
)
# latex2mathml outputs an unknown command such as \arg as an <mi> holding the raw TeX.
_RAW_COMMAND = re.compile(r"\\[A-Za-z]+")
_CHARACTER_REFERENCE = re.compile(r"&#x([0-9A-Fa-f]+);")
# Chromium may break a line between an inline <math> and the punctuation after it,
# so inline math and the punctuation that follows it go into one unbreakable span.
_TRAILING_PUNCTUATION = re.compile(r"[.,;:!?)\]]+")
NOWRAP_CLASS = "math-nowrap"

_ABSOLUTE_URL = re.compile(r"\s*(?:https?:)?//", re.IGNORECASE)
_REMOTE_IMPORT = re.compile(r"""\b(?:import\s*\(?|from)\s*["'`](?:https?:)?//""")
_FETCHING_LINK_TYPES = frozenset(
    {"dns-prefetch", "icon", "manifest", "modulepreload", "preconnect", "prefetch"}
    | {"preload", "stylesheet"}
)


@dataclass
class _Token:
    kind: str  # "start", "empty", "end", "text" or "other"
    start: int
    end: int
    tag: str = ""
    attributes: dict[str, str | None] = field(default_factory=dict)


class _Tokenizer(HTMLParser):
    """Record the offset of each parser event so untouched HTML is copied unchanged."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self._line_offsets = [0] + [match.end() for match in re.finditer("\n", html)]
        self.tokens: list[_Token] = []

    def _record(self, kind: str, tag: str = "", attributes: list | None = None) -> None:
        line, column = self.getpos()
        start = self._line_offsets[line - 1] + column
        self.tokens.append(_Token(kind, start, start, tag, dict(attributes or [])))

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self._record("start", tag, attrs)

    def handle_startendtag(self, tag: str, attrs: list) -> None:
        self._record("empty", tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        self._record("end", tag)

    def handle_data(self, data: str) -> None:
        self._record("text")

    def handle_comment(self, data: str) -> None:
        self._record("other")

    handle_decl = handle_pi = unknown_decl = handle_comment


def _tokenize(html: str) -> list[_Token]:
    tokenizer = _Tokenizer(html)
    tokenizer.feed(html)
    tokenizer.close()
    tokens = [_Token("other", 0, 0)]
    for token in tokenizer.tokens:
        # The parser splits text at a stray "<", and math may contain one.
        if not (token.kind == "text" and tokens[-1].kind == "text"):
            tokens.append(token)
    for token, following in zip(tokens, tokens[1:]):
        token.end = following.start
    tokens[-1].end = len(html)
    return tokens


def _classes(token: _Token) -> set[str]:
    return set((token.attributes.get("class") or "").split())


def _update_open_elements(open_elements: list[_Token], token: _Token) -> None:
    if token.kind == "start" and token.tag not in _VOID_TAGS:
        open_elements.append(token)
    elif token.kind == "end":
        for depth in range(len(open_elements) - 1, -1, -1):
            if open_elements[depth].tag == token.tag:
                del open_elements[depth:]
                break


def render_math(html: str) -> str:
    """Replace the TeX in a page's HTML with MathML ``<math>`` elements.

    An arithmatex ``<span class="arithmatex">\\(...\\)</span>`` becomes a bare
    ``<math display="inline">``. An arithmatex ``<div class="arithmatex">\\[...\\]
    </div>`` keeps its div, which mkdocs-material styles for scrolling, around a
    ``<math display="block">``. Inside notebook markdown cells, ``$...$`` and
    ``\\(...\\)`` become inline math, and ``$$...$$``, ``\\[...\\]`` and a bare
    ``\\begin{...}...\\end{...}`` become block math. Text inside ``code``, ``kbd``,
    ``math``, ``pre``, ``samp``, ``script``, ``style``, ``svg`` and ``textarea`` stays
    unchanged, and so do the outputs of notebook code cells, even Markdown or LaTeX
    ones. Inline math and the punctuation right after it (such as a full stop) go
    into a ``<span class="math-nowrap">``, which the stylesheet keeps on one line.
    Each ``<math>`` keeps the TeX in an ``<annotation encoding="application/x-tex">``.
    The rest of the HTML is copied unchanged, so a second call returns its input.

    Args:
        html: HTML of a whole page or of a fragment.

    Returns:
        The HTML with each TeX expression replaced by MathML.

    Raises:
        ValueError: If latex2mathml rejects an expression, does not support one of
            its environments or would output one of its commands as raw TeX.
    """
    tokens = _tokenize(html)
    parts: list[str] = []
    open_elements: list[_Token] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        skipped = any(element.tag in _SKIPPED_TAGS for element in open_elements)
        arithmatex = None if skipped else _render_arithmatex(html, tokens, index)
        in_markdown_cell = any(
            _MARKDOWN_CELL_CLASS in _classes(element) for element in open_elements
        )
        if arithmatex is not None:
            index += 3
            following = tokens[index] if index < len(tokens) else None
            if tokens[index - 3].tag != "span" or following is None or following.kind != "text":
                parts.append(arithmatex)
                continue
            # Inline math takes the punctuation that starts the next text with it.
            math, text = _join_punctuation(arithmatex, html[following.start : following.end])
            if in_markdown_cell:
                text = _render_delimited_tex(text)
            parts.extend((math, text))
            index += 1
            continue
        text = html[token.start : token.end]
        if token.kind == "text" and in_markdown_cell and not skipped:
            text = _render_delimited_tex(text)
        parts.append(text)
        _update_open_elements(open_elements, token)
        index += 1
    return "".join(parts)


def _join_punctuation(math: str, text: str) -> tuple[str, str]:
    """Return inline math joined to the punctuation that starts ``text``, and the rest.

    Without such punctuation, both come back unchanged.
    """
    punctuation = _TRAILING_PUNCTUATION.match(text)
    if punctuation is None:
        return math, text
    joined = f'<span class="{NOWRAP_CLASS}">{math}{punctuation.group()}</span>'
    return joined, text[punctuation.end() :]


def _render_arithmatex(html: str, tokens: list[_Token], index: int) -> str | None:
    """Convert the arithmatex element that starts at ``tokens[index]``.

    Returns None unless ``tokens[index : index + 3]`` are the start tag, the TeX and
    the end tag of such an element.
    """
    opening = tokens[index]
    pattern = _ARITHMATEX_TEX.get(opening.tag)
    if opening.kind != "start" or pattern is None or index + 2 >= len(tokens):
        return None
    text, closing = tokens[index + 1], tokens[index + 2]
    if "arithmatex" not in _classes(opening) or text.kind != "text":
        return None
    if closing.kind != "end" or closing.tag != opening.tag:
        return None
    match = pattern.fullmatch(html[text.start : text.end])
    if match is None:
        return None
    # arithmatex escapes the TeX for HTML, so "a < b" arrives as "a &lt; b".
    tex = unescape(match["tex"])
    if opening.tag == "span":
        return _convert_tex(tex, "inline")
    wrapper_start = html[opening.start : opening.end]
    wrapper_end = html[closing.start : closing.end]
    return wrapper_start + _convert_tex(tex, "block") + wrapper_end


def _render_delimited_tex(text: str) -> str:
    parts: list[str] = []
    # Each search starts on a fresh string, because after conversion the text that
    # follows a <math> element is a separate text node. The lookbehinds then see the
    # same characters on the first call as on a second one.
    while (match := _DELIMITED_TEX.search(text)) is not None:
        display = "block" if match.lastgroup in _BLOCK_GROUPS else "inline"
        parts.append(text[: match.start()])
        math = _convert_tex(unescape(match[match.lastgroup]), display)
        text = text[match.end() :]
        if display == "inline":
            math, text = _join_punctuation(math, text)
        parts.append(math)
    parts.append(text)
    return "".join(parts)


def _convert_tex(tex: str, display: str) -> str:
    """Convert one TeX expression to a ``<math>`` element that keeps the TeX."""
    tex = tex.strip()
    _check_environments(tex)
    try:
        math = convert_to_element(tex, display=display)
    # latex2mathml raises its own Exception subclasses, which share no base class,
    # and a bare StopIteration for some truncated input such as "\left".
    except Exception as error:
        reason = type(error).__name__ + (f": {error}" if str(error) else "")
        raise ValueError(
            f"Failed to convert TeX {tex!r} to MathML: latex2mathml raised {reason}. "
            f"Fix the expression, for example a \\left without its \\right."
        ) from error
    # latex2mathml stores each symbol as the text "&#x...;" and unescapes its own
    # serialized output, which would leave the "<" of "\text{a < b}" raw in the
    # HTML. Decoding the references before serializing escapes each character once.
    for element in math.iter():
        if element.text:
            element.text = _CHARACTER_REFERENCE.sub(_decode_reference, element.text)
    _check_raw_commands(tex, math)
    semantics = Element("semantics")
    semantics.extend(list(math))
    annotation = SubElement(semantics, "annotation", encoding="application/x-tex")
    annotation.text = tex
    math[:] = [semantics]
    # An HTML parser puts <math> in the MathML namespace without an xmlns attribute.
    del math.attrib["xmlns"]
    return tostring(math, encoding="unicode", short_empty_elements=False)


def _decode_reference(match: re.Match[str]) -> str:
    return chr(int(match[1], 16))


def _check_environments(tex: str) -> None:
    allowed = _SUPPORTED_ENVIRONMENTS | set(_NEW_ENVIRONMENT_NAME.findall(tex))
    for name in _ENVIRONMENT_NAME.findall(tex):
        if name not in allowed:
            raise ValueError(
                f"Failed to convert TeX {tex!r} to MathML: latex2mathml does not "
                f"support the environment {name!r}. Use one of: "
                f"{', '.join(sorted(_SUPPORTED_ENVIRONMENTS))}."
            )


def _check_raw_commands(tex: str, math: Element) -> None:
    texts = {element.text for element in math.iter() if element.text}
    raw_commands = sorted(text for text in texts if _RAW_COMMAND.match(text))
    if raw_commands:
        raise ValueError(
            f"Failed to convert TeX {tex!r} to MathML: latex2mathml does not support "
            f"the command {', '.join(raw_commands)} and would output it as raw TeX. "
            f"Rewrite it with supported commands, for example \\operatorname{{arg}}."
        )


def remove_external_scripts(html: str) -> str:
    """Remove the scripts and links that make a browser request another host.

    Removes each ``<script>`` whose ``src`` is an absolute URL (``http://``,
    ``https://`` or ``//``) or is empty, which fetches the page itself as a script.
    Removes each inline script that imports a module from an absolute URL, such as
    nbconvert's mermaid loader, and each ``text/x-mathjax-config`` script. Removes
    each ``<link>`` that fetches (``stylesheet``, ``preconnect``, ``preload`` and
    similar) from an absolute or empty URL, but keeps ``rel="canonical"`` and other
    links that fetch nothing. Every relative URL counts as the site's own host.

    Args:
        html: HTML of a whole page or of a fragment.

    Returns:
        The HTML without those elements and otherwise unchanged.
    """
    tokens = _tokenize(html)
    parts: list[str] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        following = _element_end(tokens, index)
        element = html[token.start : tokens[following - 1].end]
        if _is_external_script(token, element) or _is_external_link(token):
            _LOGGER.debug("Removed %.200s because it loads from another host.", element)
        else:
            parts.append(element)
        index = following
    return "".join(parts)


def _element_end(tokens: list[_Token], index: int) -> int:
    """Return the index after the token at ``index``, or after its ``</script>``."""
    if tokens[index].kind != "start" or tokens[index].tag != "script":
        return index + 1
    for following in range(index + 1, len(tokens)):
        if tokens[following].kind == "end" and tokens[following].tag == "script":
            return following + 1
    return len(tokens)


def _is_absolute_or_empty(url: str | None) -> bool:
    return not (url or "").strip() or _ABSOLUTE_URL.match(url) is not None


def _is_external_script(token: _Token, element: str) -> bool:
    if token.tag != "script" or token.kind not in ("start", "empty"):
        return False
    if "src" in token.attributes:
        return _is_absolute_or_empty(token.attributes["src"])
    script_type = (token.attributes.get("type") or "").strip().lower()
    if script_type == "text/x-mathjax-config":
        return True
    return _REMOTE_IMPORT.search(element) is not None


def _is_external_link(token: _Token) -> bool:
    if token.tag != "link" or token.kind not in ("start", "empty"):
        return False
    link_types = set((token.attributes.get("rel") or "").lower().split())
    if not link_types & _FETCHING_LINK_TYPES:
        return False
    return _is_absolute_or_empty(token.attributes.get("href"))
