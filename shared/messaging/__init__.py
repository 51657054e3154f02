"""Events between services: outbox, relay with publisher confirms, idempotent consumers."""
