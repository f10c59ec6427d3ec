"""The board's rules in plain Python: no web framework, no database, no pydantic.

Everything that decides whether a change is allowed, and what it does to a board, lives here so that the
server, the importer, the replay of the op log and the property tests all run the very same code.
"""
