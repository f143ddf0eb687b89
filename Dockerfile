FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    HARBOUR_DB=/data/harbour.sqlite3 HARBOUR_CATALOG=/app/services_catalog/plymouth \
    HARBOUR_LOCALES=/app/locales

WORKDIR /app
COPY pyproject.toml README.md babel.cfg ./
COPY bot ./bot
COPY services_catalog ./services_catalog
COPY locales ./locales
RUN pip install --no-cache-dir . \
    && for po in locales/*/LC_MESSAGES/messages.po; do \
         lang=$(echo "$po" | cut -d/ -f2); \
         pybabel compile --domain messages --directory locales --locale "$lang"; \
       done \
    && useradd --create-home --uid 10001 harbour \
    && mkdir -p /data && chown harbour /data

USER harbour
VOLUME ["/data"]
CMD ["harbour", "run"]
