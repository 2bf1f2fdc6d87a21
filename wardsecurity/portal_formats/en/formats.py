"""English pages keep the Vietnamese date and number formats the figures are reported in."""

from wardsecurity.portal_formats.vi.formats import *  # noqa: F403
