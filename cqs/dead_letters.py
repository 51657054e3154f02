"""`cqs dlq list|show|replay|discard SERVICE`: the events a service's handlers could not process."""
from __future__ import annotations

import argparse
import json
import sys

from cqs.wiring import bootstrap
from shared import config
from shared.clock import utc_now
from shared.messaging import dead_letters
from shared.messaging.dead_letters import UnknownDeadLetter


def _dead_letter_queues(service: str):
    runtime = bootstrap(service).runtime()
    runtime.migrate()
    return runtime.dead_letter_queues()


def cmd_dlq_list(args: argparse.Namespace) -> None:
    parked = _dead_letter_queues(args.service).parked()
    for message in parked:
        headers = message.headers
        print(f"{message.id}  {headers.get(dead_letters.DEAD_LETTERED_AT, '?')}  {message.work_queue}  "
              f"{headers.get(dead_letters.EVENT_TYPE, '?')}  {headers.get(dead_letters.SUBJECT, '?')}  "
              f"attempts={headers.get(dead_letters.ATTEMPTS, '?')}  {headers.get(dead_letters.ERROR, '')[:160]}")
    print(f"{args.service}: {len(parked)} dead letter(s)")


def cmd_dlq_show(args: argparse.Namespace) -> None:
    try:
        message = _dead_letter_queues(args.service).show(args.id)
    except UnknownDeadLetter:
        sys.exit(f"cqs dlq show: no dead letter {args.id} in {args.service}")
    body = message.body if isinstance(message.body, str) else message.body.decode("utf-8", "replace")
    print(json.dumps({"id": message.id, "queue": message.queue, "content_type": message.content_type,
                      "headers": message.headers, "body": body}, ensure_ascii=False, indent=2, default=str))


def cmd_dlq_resolve(args: argparse.Namespace) -> None:
    queues = _dead_letter_queues(args.service)
    failed = False
    for letter_id in args.ids:
        try:
            if args.dlq_command == "replay":
                message = queues.replay(letter_id, utc_now())
                print(f"{letter_id}: replayed onto {message.work_queue}")
            else:
                queues.discard(letter_id, args.reason, utc_now())
                print(f"{letter_id}: discarded ({args.reason})")
        except UnknownDeadLetter as error:
            failed = True
            print(f"{letter_id}: not found ({error})", file=sys.stderr)
    if failed:
        sys.exit(1)


def register(commands: argparse._SubParsersAction) -> None:
    dlq = commands.add_parser("dlq", help="the dead letters of one service: list, show, replay, discard")
    dlq_commands = dlq.add_subparsers(dest="dlq_command", required=True)
    for name, text, func in (("list", "every dead letter of the service's handlers", cmd_dlq_list),
                             ("show", "one dead letter: error, headers and body", cmd_dlq_show),
                             ("replay", "back onto the handler's queue (after the cause is fixed)", cmd_dlq_resolve),
                             ("discard", "remove for good, recording why", cmd_dlq_resolve)):
        command = dlq_commands.add_parser(name, help=text)
        command.add_argument("service", choices=config.SERVICES)
        if name == "show":
            command.add_argument("id")
        elif name != "list":
            command.add_argument("ids", nargs="+", metavar="ID")
        if name == "discard":
            command.add_argument("--reason", required=True, help="why it is discarded (kept with the record)")
        command.set_defaults(func=func)
