"""The residents' fresco as a poster (issue 14): `GET /api/boards/{id}/poster.pdf` and `poster.png`.

- `scene`: from a board's public state to a plain list of positioned things on the paper (mm);
- `svg`: one SVG of that scene (the OpenMoji pictograms inline, as vectors);
- `output`: the PDF (an HTML page of the paper's size around the SVG, through `fresque.pdf`) and the PNG
  (resvg, from the same SVG).

The route (`fresque.api.poster`) gathers what the public sees of the board and hands it to `scene`.
"""
