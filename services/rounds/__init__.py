"""Kỳ báo cáo — the reporting rounds: the unit registry, who reviews whom (the review models), the
reporting calendar and the rounds themselves (windows, deadlines and extensions, reminders, opening
and closing, completeness).

A bounded context of its own, hosted by the submission deployable: same process, same database
schema and Alembic history (its tables are declared on submission's metadata), its routes in
submission's app and its scheduler in submission's worker. Submission's reports reach a round only
through this package's service layer (`service_layer.rounds.check_deadline`), and the rounds reach
the reports only through the `RoundReports` port submission's unit of work provides. Its states and
events are the published language in `shared/domain/round_events.py`.
"""
