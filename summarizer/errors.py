"""Errors the pipeline raises on purpose, each carrying the one line a user is shown."""

from __future__ import annotations

from enum import StrEnum

__all__ = ["ArticleError", "FetchError", "FetchErrorKind", "PipelineError"]


class PipelineError(Exception):
    """Base for expected failures: the message is safe to show to a user as is."""

    kind: str = "error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class FetchErrorKind(StrEnum):
    INVALID_URL = "invalid_url"
    BLOCKED = "blocked_address"
    UNREACHABLE = "unreachable"
    TIMEOUT = "timeout"
    TOO_LARGE = "too_large"
    UNSUPPORTED_TYPE = "unsupported_type"
    HTTP_STATUS = "http_status"
    EMPTY = "empty"
    REDIRECTS = "too_many_redirects"
    BUSY = "busy"  # no turn at the network in time: our load, not the site's


class FetchError(PipelineError):
    """The page could not be fetched; ``kind`` says why, for callers that word it their own way."""

    def __init__(self, kind: FetchErrorKind, message: str) -> None:
        super().__init__(message)
        self.kind = kind


class ArticleError(PipelineError):
    """The page was fetched but holds no article text we can use."""

    kind = "not_article"
