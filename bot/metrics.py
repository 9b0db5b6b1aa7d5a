"""Metrics in Prometheus' text format, written by hand (a few counters need no client library).

What is counted: updates handled and how long each took (the reply latency, from the update's arrival at the
Application to its last handler's end, reply sent), webhook requests by answer, and, read from the services at
each scrape, links, cache hits, failures by kind, the model queue and the last links' summarising times.
"""

from __future__ import annotations

import math
import time
from collections import Counter
from dataclasses import dataclass, field

from telegram.ext import Application

from bot.services import Services
from summarizer.errors import ErrorKind

__all__ = ["CONTENT_TYPE", "Histogram", "MeasuredApplication", "Metrics", "render"]

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
# Seconds: a command answers in tens of milliseconds, a fresh link in one to a few seconds, a digest in tens.
LATENCY_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)


@dataclass
class Histogram:
    """Cumulative counts per upper bound, their sum and count, as a Prometheus histogram keeps them."""

    bounds: tuple[float, ...] = LATENCY_BUCKETS
    counts: list[int] = field(default_factory=lambda: [0] * len(LATENCY_BUCKETS))
    total: float = 0.0
    count: int = 0

    def observe(self, value: float) -> None:
        for index, bound in enumerate(self.bounds):
            if value <= bound:
                self.counts[index] += 1
        self.total += value
        self.count += 1


@dataclass
class Metrics:
    """This process's counters; kept in ``bot_data["metrics"]``, never in a module global."""

    updates: int = 0
    reply_seconds: Histogram = field(default_factory=Histogram)
    webhook_requests: Counter[int] = field(default_factory=Counter)  # HTTP status → requests answered with it


class MeasuredApplication(Application):
    """PTB's Application, timing each update from its arrival at the Application to its handlers' end."""

    async def process_update(self, update: object) -> None:
        started = time.perf_counter()
        try:
            await super().process_update(update)
        finally:
            metrics: Metrics = self.bot_data["metrics"]
            metrics.updates += 1
            metrics.reply_seconds.observe(time.perf_counter() - started)


def _number(value: float) -> str:
    if math.isinf(value):
        return "+Inf"
    return repr(float(value)) if not float(value).is_integer() else str(int(value))


def _family(name: str, kind: str, help_text: str, samples: list[tuple[str, dict[str, str], float]]) -> list[str]:
    lines = [f"# HELP {name} {help_text}", f"# TYPE {name} {kind}"]
    for sample, labels, value in samples:
        shown = ",".join(f'{key}="{value}"' for key, value in labels.items())
        lines.append(f"{sample}{{{shown}}} {_number(value)}" if shown else f"{sample} {_number(value)}")
    return lines


def _histogram(name: str, help_text: str, histogram: Histogram) -> list[str]:
    samples: list[tuple[str, dict[str, str], float]] = [
        (f"{name}_bucket", {"le": _number(bound)}, count)
        for bound, count in zip(histogram.bounds, histogram.counts, strict=True)
    ]
    samples += [
        (f"{name}_bucket", {"le": "+Inf"}, histogram.count),
        (f"{name}_sum", {}, histogram.total),
        (f"{name}_count", {}, histogram.count),
    ]
    return _family(name, "histogram", help_text, samples)


def _quantile(values: list[float], q: float) -> float:
    return values[min(len(values) - 1, int(q * len(values)))] if values else 0.0


def render(metrics: Metrics, services: Services, pending_updates: int = 0) -> str:
    """The whole exposition, one scrape's worth."""
    stats = services.stats
    kinds = {kind.value: 0 for kind in ErrorKind} | dict(stats.failure_kinds)
    latencies = sorted(ms / 1000 for ms in stats.latencies_ms)
    lines = [
        *_family(
            "newsbot_updates_total",
            "counter",
            "Telegram updates handled.",
            [("newsbot_updates_total", {}, metrics.updates)],
        ),
        *_histogram("newsbot_reply_seconds", "From an update's arrival to its handlers' end.", metrics.reply_seconds),
        *_family("newsbot_links_total", "counter", "Links asked for.", [("newsbot_links_total", {}, stats.links)]),
        *_family(
            "newsbot_cache_hits_total",
            "counter",
            "Links answered from the summary cache.",
            [("newsbot_cache_hits_total", {}, stats.cache_hits)],
        ),
        *_family(
            "newsbot_cache_hit_ratio",
            "gauge",
            "Cache hits per link since start.",
            [("newsbot_cache_hit_ratio", {}, stats.cache_hits / stats.links if stats.links else 0.0)],
        ),
        *_family(
            "newsbot_failures_total",
            "counter",
            "Links that gave no summary, by kind.",
            [("newsbot_failures_total", {"kind": kind}, count) for kind, count in sorted(kinds.items())],
        ),
        *_family(
            "newsbot_summary_seconds",
            "gauge",
            "Fresh links' summarising time over the last 1000.",
            [("newsbot_summary_seconds", {"quantile": str(q)}, _quantile(latencies, q)) for q in (0.5, 0.95)],
        ),
        *_family(
            "newsbot_model_queue_depth",
            "gauge",
            "This process's model jobs running or waiting.",
            [("newsbot_model_queue_depth", {}, services.model_jobs)],
        ),
        *_family(
            "newsbot_shared_queue_waiting",
            "gauge",
            "Model jobs on the shared queue no worker has taken yet, as last seen (0 without queue.url).",
            [("newsbot_shared_queue_waiting", {}, services.remote.waiting if services.remote is not None else 0)],
        ),
        *_family(
            "newsbot_webhook_requests_total",
            "counter",
            "Webhook requests, by the status answered.",
            [
                ("newsbot_webhook_requests_total", {"status": str(status)}, count)
                for status, count in sorted(metrics.webhook_requests.items())
            ],
        ),
        *_family(
            "newsbot_pending_updates",
            "gauge",
            "Updates received and not yet handled.",
            [("newsbot_pending_updates", {}, pending_updates)],
        ),
    ]
    return "\n".join(lines) + "\n"
