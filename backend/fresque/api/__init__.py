"""The HTTP and WebSocket surface: thin shells that validate, authorise, then hand over to rooms and store."""
