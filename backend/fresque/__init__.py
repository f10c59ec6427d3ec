"""Fresque: a self-hosted collaborative workshop whiteboard for digital-inclusion workshops."""

__version__ = "0.1.0"
