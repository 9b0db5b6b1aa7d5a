# newsbot: the bot and its embedded model in one CPU image, installed from the same lock files as `make install`.
#
#   docker build -t newsbot .
#   docker run -d --name newsbot -e TELEGRAM_BOT_TOKEN=... -v newsbot-data:/data newsbot
#
# Your config file: mount it and point NEWSBOT_CONFIG at it:
#   docker run ... -v "$PWD/newsbot.toml:/config/newsbot.toml:ro" -e NEWSBOT_CONFIG=/config/newsbot.toml newsbot
# A bind-mounted data folder must be writable by the image's user (uid 10001), or run the container as its owner:
#   mkdir -p data && sudo chown 10001 data && docker run ... -v "$PWD/data:/data" newsbot
#   docker run ... --user "$(id -u):$(id -g)" -v "$PWD/data:/data" newsbot
# An abstractive model (summarizer.model) is pulled once into the volume with `newsbot model pull NAME`
# (it lands in /data/huggingface); the bot itself only reads local files and never downloads.
# Bot replicas in webhook mode, `newsbot worker` processes, PostgreSQL and Redis together: docker-compose.yml.

FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
COPY requirements/ requirements/
# torch first and on its own: its CPU build comes from PyTorch's index; every other file is from PyPI. Hashes checked.
RUN python -m venv /opt/newsbot \
 && /opt/newsbot/bin/pip install --require-hashes --no-deps --extra-index-url https://download.pytorch.org/whl/cpu \
        -r requirements/torch-cpu.txt \
 && /opt/newsbot/bin/pip install --require-hashes -r requirements/runtime.txt
COPY pyproject.toml README.md ./
COPY config/ config/
COPY summarizer/ summarizer/
COPY bot/ bot/
RUN /opt/newsbot/bin/pip install --no-deps --no-build-isolation . && /opt/newsbot/bin/pip check

FROM python:3.11-slim
COPY --from=build /opt/newsbot /opt/newsbot
ENV PATH=/opt/newsbot/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    NEWSBOT_DATABASE__DATA_DIR=/data \
    HF_HOME=/data/huggingface \
    HF_HUB_DISABLE_TELEMETRY=1
RUN useradd --create-home --uid 10001 newsbot && mkdir -p /data && chown newsbot /data
USER newsbot
VOLUME ["/data"]
# Webhook mode (bot.mode = "webhook", bot.listen = "0.0.0.0"): the webhook, GET /healthz and GET /metrics.
EXPOSE 8080
# The running bot touches /data/heartbeat every 30 s from its event loop; `newsbot health` fails after 90 s without.
HEALTHCHECK --interval=60s --timeout=15s --start-period=120s --retries=2 CMD ["newsbot", "health"]
CMD ["newsbot", "run"]
