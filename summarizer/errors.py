"""Failures the pipeline expects, each with one kind and the one line a user is shown.

The wording of each kind is written here and nowhere else: the fetcher, the cleaner, the command line and the
bot all show ``error.message``; the bot only puts an icon in front (``bot.replies``). A raise site may give a
more precise line for its kind ("The site answered with an error (503).") but never a second wording of it.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = ["WORDING", "ArticleError", "ErrorKind", "FetchError", "PipelineError"]


class ErrorKind(StrEnum):
    """Why a source gave no article: what callers branch on (icons, exit codes, retry advice, metrics)."""

    INVALID_URL = "invalid_url"
    UNSUPPORTED_SCHEME = "unsupported_scheme"
    BLOCKED = "blocked_address"
    UNREACHABLE = "unreachable"
    TIMEOUT = "timeout"
    TOO_LARGE = "too_large"
    UNSUPPORTED_TYPE = "unsupported_type"
    HTTP_STATUS = "http_status"
    EMPTY = "empty"
    REDIRECTS = "too_many_redirects"
    BUSY = "busy"  # no turn at the network in time: our load, not the site's
    NOT_ARTICLE = "not_article"
    TOO_SHORT = "too_short"  # pasted text with too little in it to summarise
    BAD_INPUT = "bad_input"  # a file or standard input the command line cannot use
    NOT_FEED = "not_feed"


WORDING: dict[ErrorKind, str] = {
    ErrorKind.INVALID_URL: "That doesn't look like a valid web address.",
    ErrorKind.UNSUPPORTED_SCHEME: "Only http:// and https:// links can be read.",
    ErrorKind.BLOCKED: "That address is not allowed: it points to a private or local network.",
    ErrorKind.UNREACHABLE: "I couldn't reach that site.",
    ErrorKind.TIMEOUT: "The site took too long to answer. Try again later.",
    ErrorKind.TOO_LARGE: "That page is too large to read.",
    ErrorKind.UNSUPPORTED_TYPE: "That link is not a web page, so there is nothing to read.",
    ErrorKind.HTTP_STATUS: "The site answered with an error.",
    ErrorKind.EMPTY: "That page is empty.",
    ErrorKind.REDIRECTS: "The site redirected too many times.",
    ErrorKind.BUSY: "I'm reading too many links right now. Please try again in a minute.",
    ErrorKind.NOT_ARTICLE: "I couldn't find an article on that page.",
    ErrorKind.TOO_SHORT: "That text is too short to summarise; send the whole article or its link.",
    ErrorKind.BAD_INPUT: "That input cannot be read.",
    ErrorKind.NOT_FEED: "That is not a news feed.",
}


class PipelineError(Exception):
    """Base for expected failures: ``message`` is safe to show to a user as is."""

    def __init__(self, kind: ErrorKind, message: str | None = None) -> None:
        self.kind = kind
        self.message = message or WORDING[kind]
        super().__init__(self.message)


class FetchError(PipelineError):
    """The page could not be fetched."""


class ArticleError(PipelineError):
    """The page was fetched but holds no article text we can use."""

    def __init__(self, message: str | None = None) -> None:
        super().__init__(ErrorKind.NOT_ARTICLE, message)
