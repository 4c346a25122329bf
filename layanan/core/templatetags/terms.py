"""``{% load terms %}``: abbreviations explained where they appear (see :mod:`layanan.core.terms`).

``{% explain text %}`` escapes plain ``text`` (a safe string, such as the output of
``|paragraphs``, is taken as HTML) and wraps the first mention on the page of each term in
``<abbr title="…">``; ``{% terms_used %}`` lists the terms the page mentioned so far, with their
meaning, as a ``<dl>`` (nothing when there were none).
"""

from __future__ import annotations

import re
from typing import Any

from django import template
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from layanan.core import terms

register = template.Library()
_SEEN = "_terms_seen"


def _seen(context: template.Context) -> dict[str, terms.Term]:
    """The terms mentioned so far while rendering this page (kept in the outermost context)."""
    root = context.dicts[0]
    if _SEEN not in root:
        root[_SEEN] = {}
    seen: dict[str, terms.Term] = root[_SEEN]
    return seen


def _title(term: terms.Term) -> str:
    return str(term.expansion or term.meaning)


@register.simple_tag(takes_context=True)
def explain(context: template.Context, text: Any) -> SafeString:
    html = str(conditional_escape(text if text is not None else ""))
    seen = _seen(context)

    def wrap(match: re.Match[str]) -> str:
        word = match[1]
        found = terms.term(word)
        if found is None or word in seen:
            return word
        seen[word] = found
        return str(format_html('<abbr title="{}">{}</abbr>', _title(found), word))

    marked = terms.term_pattern().sub(wrap, html)
    return mark_safe(marked)  # noqa: S308  # nosec B308 B703  # nosemgrep: no-mark-safe-on-variable  # escaped above, tags by format_html


@register.simple_tag(takes_context=True)
def terms_used(context: template.Context) -> SafeString:
    seen = list(_seen(context).values())
    if not seen:
        return SafeString("")
    rows = format_html_join(
        "",
        '<div class="summary-list__row" id="{}"><dt class="summary-list__key">{}</dt>'
        '<dd class="summary-list__value">{}{}</dd></div>',
        (
            (
                term.slug,
                term.word,
                format_html("<strong>{}</strong>. ", term.expansion) if term.expansion else "",
                term.meaning,
            )
            for term in seen
        ),
    )
    return format_html('<dl class="summary-list">{}</dl>', rows)
