"""The Grafana dashboard (deploy/grafana/cqs.json) plots only series the services export."""
from __future__ import annotations

import json
import re
from pathlib import Path

from prometheus_client import Counter, Histogram

from shared.observability import metrics

DASHBOARD = Path(__file__).resolve().parents[3] / "deploy" / "grafana" / "cqs.json"
# Read at scrape time by metrics.ServiceStateCollector.
COLLECTED = {"cqs_outbox_backlog_events", "cqs_outbox_oldest_age_seconds", "cqs_queue_messages", "cqs_dead_letters"}


def exported_series() -> set[str]:
    names = set(COLLECTED)
    for value in vars(metrics).values():
        if isinstance(value, Histogram):
            names |= {f"{value._name}_{suffix}" for suffix in ("bucket", "count", "sum")}
        elif isinstance(value, Counter):
            names.add(f"{value._name}_total")
    return names


def test_every_series_the_dashboard_plots_is_exported():
    dashboard = json.loads(DASHBOARD.read_text())
    expressions = [target["expr"] for panel in dashboard["panels"] for target in panel["targets"]]
    plotted = {name for expr in expressions for name in re.findall(r"\b(cqs_\w+)", expr)}
    assert plotted and plotted <= exported_series(), plotted - exported_series()
    assert {"cqs_http_request_duration_seconds_bucket", "cqs_events_handled_total", "cqs_events_failed_total",
            "cqs_outbox_backlog_events", "cqs_outbox_oldest_age_seconds", "cqs_dead_letters"} <= plotted


def test_the_collected_gauges_are_the_ones_the_collector_names():
    source = Path(metrics.__file__).read_text()
    for name in COLLECTED:
        assert f'"{name}"' in source
