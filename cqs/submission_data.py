"""`cqs load-units`, `cqs load-review-models` and `cqs import-measurements`: files loaded into the
submission service's database."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from cqs.wiring import bootstrap


def _submission_uow():
    runtime = bootstrap("submission").runtime()
    runtime.migrate()
    return runtime.uow_factory()


def cmd_load_units(args: argparse.Namespace) -> None:
    from services.rounds.service_layer import registry

    try:
        count = registry.load_units(_submission_uow(), args.files)
    except ValueError as error:  # a seed file or the merged tree breaks a rule; the message names where
        sys.exit(f"cqs load-units: {error}")
    print(f"submission: {count} units loaded from {', '.join(map(str, args.files))}")


def cmd_load_review_models(args: argparse.Namespace) -> None:
    from services.rounds.service_layer import registry

    try:
        count = registry.load_review_models_file(_submission_uow(), args.file)
    except ValueError as error:
        sys.exit(f"cqs load-review-models: {error}")
    print(f"submission: {count} review models loaded from {args.file}")


def cmd_import_measurements(args: argparse.Namespace) -> None:
    from services.submission.domain.measurements import ImportRefused
    from services.submission.service_layer import measurements
    from shared.clock import utc_now
    from shared.domain.errors import DomainError

    try:
        made = measurements.import_file(_submission_uow(), args.round, agency=args.agency, imported_by=args.by,
                                        file_name=args.file.name, content=args.file.read_bytes(), now=utc_now())
    except ImportRefused as refused:
        lines = [f"  {'dòng ' + str(p.line) if p.line else 'tệp'} / {p.field}: {p.message_vi} ({p.message_en})"
                 for p in refused.problems]
        sys.exit("cqs import-measurements: " + refused.vi + "\n" + "\n".join(lines))
    except DomainError as error:
        sys.exit(f"cqs import-measurements: {error}")
    replaced = f", superseding import {made.supersedes}" if made.supersedes else ""
    print(f"submission: import {made.id} of {args.agency} for round {args.round}: {len(made.values)} values from "
          f"{args.file} (sha256 {made.sha256}){replaced}")


def register(commands: argparse._SubParsersAction) -> None:
    load_units = commands.add_parser("load-units", help="load unit registry files into the submission service")
    load_units.add_argument("files", nargs="+", type=Path, metavar="FILE")
    load_units.set_defaults(func=cmd_load_units)

    load_models = commands.add_parser("load-review-models", help="load who reviews whom into the submission service")
    load_models.add_argument("file", type=Path, metavar="FILE")
    load_models.set_defaults(func=cmd_load_review_models)

    measured = commands.add_parser("import-measurements",
                                   help="import an agency's measured inputs for a round (JSON, CSV, XLSX)")
    measured.add_argument("--round", required=True, help="the round id, e.g. 2027-annual")
    measured.add_argument("--agency", required=True,
                          help="the agency whose systems measured the values (a catalog agency, e.g. ppc_office)")
    measured.add_argument("--by", default="cli", help="who sends the file (a person or a machine account)")
    measured.add_argument("file", type=Path, metavar="FILE")
    measured.set_defaults(func=cmd_import_measurements)
