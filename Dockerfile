# The shop as an image, built from the steps CI runs on a clean clone (README, "Container"):
# install the package into a venv, compile the gettext catalogues, migrate on start.
# CI has no Docker daemon, so tests/test_container.py checks this file against the code.

FROM python:3.11-slim-bookworm AS builder

RUN python -m venv /opt/venv
WORKDIR /app
COPY pyproject.toml README.md alembic.ini ./
COPY migrations ./migrations
COPY bot ./bot
# Editable, as the Makefile installs it for CI (without the dev tools): bot/db/migrate.py finds
# alembic.ini and migrations/ beside the package, so the venv runs this source tree, not a copy
# in site-packages that could not migrate.
RUN /opt/venv/bin/pip install --no-cache-dir --disable-pip-version-check -e .
# The Makefile's compile step. The .mo files are written after their .po files were copied, so
# they are newer and bot/texts/i18n.py reads them instead of compiling in memory at start.
RUN /opt/venv/bin/pybabel -q compile -d bot/locales -D messages --statistics


FROM python:3.11-slim-bookworm AS runtime

RUN useradd --create-home --user-group --uid 10001 shop \
    && mkdir -p /data/media \
    && chown -R shop:shop /data
COPY --from=builder /opt/venv /opt/venv
COPY --from=builder /app /app
WORKDIR /app

ENV PATH=/opt/venv/bin:$PATH \
    DATABASE_URL=sqlite+aiosqlite:////data/shop.db \
    MEDIA_DIR=/data/media \
    WEB_HOST=0.0.0.0 \
    WEB_PORT=8080
# The SQLite database and the shop's pictures: kept when the container is replaced.
VOLUME ["/data"]
EXPOSE 8080

USER shop

# 200 while the database answers; slim images have no curl. The first start migrates and draws
# the demo catalogue's pictures before the web server listens, hence the long start period.
HEALTHCHECK --interval=30s --timeout=10s --start-period=120s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:' + os.environ['WEB_PORT'] + '/healthz', timeout=8)"]

# Migrates, stocks an empty shop, then serves until SIGTERM (`docker stop`) and stops cleanly.
CMD ["shopbot", "run"]
