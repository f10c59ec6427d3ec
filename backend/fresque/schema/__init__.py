"""The schéma d'inclusion numérique as a document (issue 14): one content tree, two renderers.

- `gather`: the study's facts, read once (diagnostic, dashboard, questions de travail, questionnaire,
  actions boards and the residents' ideas behind each action);
- `content`: the tree (`tree.Document`) in one language, from those facts;
- `figures`: the fresco and the capabilities webs as SVG (the diagnostic's charts come from
  `fresque.charts`); `raster`: SVG → PNG with resvg;
- `html` (+ `frontend/templates/schema/`) → PDF through `fresque.pdf`; `odt` → OpenDocument with odfdo.

docs/schema.md tells what the document holds and where each part comes from.
"""
