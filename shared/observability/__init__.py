"""What an operator sees of a running service: JSON logs carrying the trace of the report being
handled (`logs`), W3C trace context across HTTP requests and events (`tracing`), and Prometheus
metrics on every web app and worker (`metrics`, `web`)."""
