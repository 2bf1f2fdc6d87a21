"""The report as a print-ready HTML page (the ``pdf`` format: the browser prints it to PDF)."""

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import translation

STYLESHEET = "reports/print.css"


def render_print(report, *, stylesheet_url=None, back_url=None) -> bytes:
    """The page; with no ``stylesheet_url`` the styles are inlined, so the saved file stands
    alone (it is a download, opened from disk, where no Content-Security-Policy applies)."""
    inline = None
    if stylesheet_url is None:
        path = finders.find(STYLESHEET)
        assert isinstance(path, str)  # the app's own stylesheet is always found
        with open(path, encoding="utf-8") as handle:
            inline = handle.read()
    html = render_to_string(
        "reports/print.html",
        {
            "report": report,
            "stylesheet_url": stylesheet_url,
            "back_url": back_url,
            "inline_styles": inline,
            "language": translation.get_language(),
        },
    )
    return html.encode("utf-8")
