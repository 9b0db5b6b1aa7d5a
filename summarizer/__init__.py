"""Fetch, clean, summarise and pull key facts out of news articles. Knows nothing of Telegram."""

__all__ = ["__version__"]

__version__ = "0.1.0"
