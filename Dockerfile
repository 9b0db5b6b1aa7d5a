# newsbot: the bot and its embedded model in one CPU image.
#   docker build -t newsbot .
#   docker run -e TELEGRAM_BOT_TOKEN=... -v newsbot-data:/data newsbot
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    HF_HUB_OFFLINE=1 \
    NEWSBOT_DATABASE__DATA_DIR=/data

WORKDIR /app

# The CPU build of torch first, from PyTorch's CPU index: a bare `torch` would pull a multi-GB CUDA build.
RUN pip install torch==2.13.0 --index-url https://download.pytorch.org/whl/cpu

COPY pyproject.toml README.md ./
COPY config ./config
COPY summarizer ./summarizer
COPY bot ./bot
RUN pip install . && useradd --create-home --uid 10001 newsbot && mkdir -p /data && chown newsbot /data

USER newsbot
VOLUME ["/data"]
CMD ["newsbot", "run"]
