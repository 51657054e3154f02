"""Gunicorn settings for a CQS service's web process (the same for the four services)."""
import os
from pathlib import Path

from gunicorn.http import wsgi

# No server banner: gunicorn names itself in every response's `Server` header otherwise.
wsgi.SERVER = "cqs"

bind = os.environ.get("CQS_BIND", f"0.0.0.0:{os.environ.get('PORT', '8000')}")
workers = int(os.environ.get("CQS_WEB_WORKERS", "2"))
threads = int(os.environ.get("CQS_WEB_THREADS", "4"))
worker_class = "gthread"
timeout = 30
graceful_timeout = 20
keepalive = 5
# TLS when the web process is reached without a TLS-terminating proxy in front (TLS 1.2+ by default).
certfile = os.environ.get("CQS_TLS_CERTFILE") or None
keyfile = os.environ.get("CQS_TLS_KEYFILE") or None
# Bounded request sizes: evidence uploads are checked again by the service itself.
limit_request_line = 8190
loglevel = os.environ.get("CQS_LOG_LEVEL", "info")
# The app logs one structured line per request (cqs.http: route, status, duration, trace id),
# which replaces gunicorn's access log.
accesslog = None
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "shared.observability.logs.json_formatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "stream": "ext://sys.stderr",
                             "formatter": os.environ.get("CQS_LOG_FORMAT", "json")}},
    "root": {"level": loglevel.upper(), "handlers": ["console"]},
    "loggers": {
        "gunicorn.error": {"level": loglevel.upper(), "handlers": ["console"], "propagate": False,
                           "qualname": "gunicorn.error"},
        "gunicorn.access": {"level": loglevel.upper(), "handlers": ["console"], "propagate": False,
                            "qualname": "gunicorn.access"},
    },
}


# Prometheus with several worker processes: each writes its counters and histograms to files in
# PROMETHEUS_MULTIPROC_DIR (set before the workers start) and a scrape of any one adds them up.
def on_starting(server):
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory:  # what a previous master left would be counted again
        Path(directory).mkdir(parents=True, exist_ok=True)
        for stale in Path(directory).glob("*.db"):
            stale.unlink()


def child_exit(server, worker):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
