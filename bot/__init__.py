"""The Telegram layer: thin handlers over the ``summarizer`` pipeline."""

__all__: list[str] = []
