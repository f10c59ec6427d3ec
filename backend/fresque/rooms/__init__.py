"""Live rooms: one per open board, holding its state, its sockets and its single writer."""
