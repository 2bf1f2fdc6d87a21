#!/usr/bin/env bash
# Serve the portal with gunicorn and a Celery worker beside it; Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}
mkdir -p .data/logs

# One worker on every queue (statistics, imports, documents and the default one); a child that
# grew past WORKER_MAX_MEMORY_KB (default 512 MB) is replaced after its task.
.venv/bin/celery -A wardsecurity worker --beat --loglevel INFO --concurrency 2 \
    --queues statistics,imports,documents,celery \
    --max-memory-per-child "${WORKER_MAX_MEMORY_KB:-524288}" \
    --schedule .data/celerybeat-schedule >.data/logs/worker.log 2>&1 &
WORKER=$!
trap 'kill $WORKER 2>/dev/null || true' EXIT INT TERM

cat <<BANNER

  Ward Security Portal is running at http://$HOST:$PORT/
  (admin: http://$HOST:$PORT/admin/, health: http://$HOST:$PORT/healthz)
  Background worker: pid $WORKER, log .data/logs/worker.log
  Broker: ${REDIS_URL:-filesystem queue under .data/celery (no Redis needed)}

  Demo logins (password: ${DEMO_PASSWORD:-demo12345}):
    admin            system administrator, every ward
    police.bangoi    ward police, Phường Ba Ngòi (Khánh Hòa)
    clerk.bangoi     ward clerk, Phường Ba Ngòi
    police.tinhgia   ward police, Phường Tĩnh Gia (Thanh Hóa)
    clerk.tinhgia    ward clerk, Phường Tĩnh Gia
    viewer.namdinh   steering committee, the former Nam Định city (8 wards)
    police.namdinh   ward police, Phường Nam Định (Ninh Bình); the cluster's other wards:
                     police.thientruong, police.donga, police.thanhnam, police.myloc,
                     police.truongthi, police.vikhe, police.hongquang
    reviewer.ninhbinh  province reviewer, Ninh Bình (the Nam Định cluster's reports)
    reviewer.thanhhoa  province reviewer, Thanh Hóa
    viewer.all       steering committee, every ward

BANNER

.venv/bin/gunicorn wardsecurity.wsgi:application --bind "$HOST:$PORT" --workers 2 \
    --access-logfile - --forwarded-allow-ips 127.0.0.1 \
    --logger-class wardsecurity.gunicorn_logging.RedactingLogger
