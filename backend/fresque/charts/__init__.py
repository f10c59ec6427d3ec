"""Charts of the diagnostic, drawn by the server as SVG (issue 13).

Plain SVG built with `xml.etree` rather than a chart library: the pages' CSP forbids inline `<style>` and
scripts (pygal's output relies on both), none of the libraries mirrors a chart for right-to-left languages,
and the heat map is not one of their kinds. Here every chart is

- **accessible**: `role="img"` with `aria-labelledby` naming its `<title>` and `<desc>`; the page puts its
  data as an HTML table next to it (`DataTable`), so nothing is said by the picture alone;
- **right to left** when asked: positions are laid out on a logical axis (0 = the inline start) and mirrored
  for Arabic, with `direction="rtl"` so that `text-anchor="start"` is the text's right edge;
- **colour-blind safe**: Okabe-Ito colours, a single-hue sequential scale for the heat map, patterns on
  stacked segments, and the number written in every cell and beside every bar;
- **small-n safe**: a suppressed value (`None`) is drawn as « < 5 » (the caller's text), never as a length.

The functions are pure: words come translated from the caller, so they are tested without a server.
"""

from .bars import Bar, bar_chart
from .heatmap import HeatCell, heat_map
from .stacked import Segment, Series, StackRow, stacked_bars
from .svg import SUPPRESSED, DataTable

__all__ = [
    "SUPPRESSED",
    "Bar",
    "DataTable",
    "HeatCell",
    "Segment",
    "Series",
    "StackRow",
    "bar_chart",
    "heat_map",
    "stacked_bars",
]
