"""gunicorn settings for the registry: ``gunicorn -c deploy/gunicorn.conf.py wsgi:app``."""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
# No request waits on a charter render or a mail server (both are jobs for
# `flask registry worker`); the longest requests are spreadsheet imports and exports.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
max_requests = 2000  # recycle workers now and then; nothing is kept in process memory
max_requests_jitter = 200
accesslog = "-"
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
