"""Several processes, one truth (FRESQUE_REDIS_URL with PostgreSQL; docs/scale-out.md has the design).

- `fresque.cluster.node`: this process among the others: its Redis streams, the one loop that reads them, the
  lease ticker, and the control messages (removal, erasure, custom pictures, renames).
- `fresque.cluster.board`: one open board's side of it: writing (holding the lease) or following the writer,
  forwarding pushes to it and applying its committed changes.
- `fresque.cluster.streams`: the names of the Redis keys and the shape of their entries.

One process (the default) imports nothing from here.
"""
