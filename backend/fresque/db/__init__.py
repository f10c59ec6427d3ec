"""Storage: SQLAlchemy 2 async models, the engine, and the board store (op log, snapshots, sessions)."""
