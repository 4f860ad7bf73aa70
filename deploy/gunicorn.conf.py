"""gunicorn settings for one app server: `gunicorn -c deploy/gunicorn.conf.py millet_site.wsgi`.

The port comes from GUNICORN_BIND (the systemd unit sets one per instance).
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8001")
# Sync workers: each page is a few milliseconds of Python and a few queries.
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() + 1))
# A request that takes longer is a bug or an attack: the worker is replaced.
timeout = 30
# On restart, requests under way get this long to finish.
graceful_timeout = 20
# Workers are replaced now and then, so no slow leak ever grows.
max_requests = 2000
max_requests_jitter = 200
# nginx keeps connections open to the app servers.
keepalive = 5
# nginx is the only client; it sets X-Forwarded-For and X-Forwarded-Proto.
forwarded_allow_ips = "127.0.0.1"
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")


def child_exit(server, worker):
    """With PROMETHEUS_MULTIPROC_DIR, a worker that ends stops counting in /metrics."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
