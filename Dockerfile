# Production image: one image for web (gunicorn), Celery worker and Celery beat.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    LIANZHENG_VAR_DIR=/var/lib/lianzheng STATIC_ROOT=/app/staticfiles MEDIA_ROOT=/var/lib/lianzheng/media
WORKDIR /app

RUN apt-get update && apt-get install -y --no-install-recommends fonts-wqy-zenhei curl \
    && rm -rf /var/lib/apt/lists/*
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
# collectstatic needs settings but no database or secret of the deployment.
RUN SECRET_KEY=build-only python manage.py collectstatic --noinput -v0 \
    && useradd --system --home /app lianzheng && mkdir -p /var/lib/lianzheng \
    && chown -R lianzheng /var/lib/lianzheng
USER lianzheng
EXPOSE 8000
# The access log names no client address: an anonymous report on the public portal must not
# be traceable to its sender through the logs (the application stores none either).
# A worker is replaced after 20,000 (±2,000) requests, a guard that costs nothing: measured,
# a worker's memory settles (+6 MB) over its first ~11,000 dashboard requests and then stays
# flat (README, bench_worker_memory); the jitter keeps two workers from restarting at once.
CMD ["gunicorn", "lianzheng.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "4", \
     "--max-requests", "20000", "--max-requests-jitter", "2000", "--access-logfile", "-", \
     "--access-logformat", "%(t)s \"%(r)s\" %(s)s %(b)s %(L)ss"]
