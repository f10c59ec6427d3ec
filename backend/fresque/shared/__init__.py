"""What several Fresque processes share through Redis (FRESQUE_REDIS_URL, docs/scale-out.md).

One process (the default) imports nothing from here. So far: the join, creation and sign-in rate limits
(`fresque.shared.limits`), over one connection to Redis that says when Redis is unreachable and tries again
by itself (`fresque.shared.link`).
"""
