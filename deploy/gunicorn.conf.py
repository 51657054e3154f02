"""Gunicorn settings for a CQS service's web process (the same for the four services)."""
import os

bind = os.environ.get("CQS_BIND", f"0.0.0.0:{os.environ.get('PORT', '8000')}")
workers = int(os.environ.get("CQS_WEB_WORKERS", "2"))
threads = int(os.environ.get("CQS_WEB_THREADS", "4"))
worker_class = "gthread"
timeout = 30
graceful_timeout = 20
keepalive = 5
# Bounded request sizes: evidence uploads are checked again by the service itself.
limit_request_line = 8190
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("CQS_LOG_LEVEL", "info")
