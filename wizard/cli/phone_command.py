"""`deploy-wizard phone`: the numbers of the environment's ACS resource; buy, release or apply one.

    deploy-wizard phone                                   list the numbers you own
    deploy-wizard phone +14165551234                      apply one (env, App Configuration, restart)
    deploy-wizard phone --buy --country US --type toll-free [--area-code 833]
                                                          search: the offer, its monthly cost and the
                                                          phrase to confirm; exits 2, buys nothing
    deploy-wizard phone --buy ... --confirm "buy +1833…"  buy that offer, then apply it
    deploy-wizard phone --release +1833… --confirm "release +1833…"

Buying is paid and releasing cannot be undone, so both need the exact phrase. A search's numbers
are held for a while: the offer shown is kept (core/phone_offer.py) and `--confirm` buys exactly
it. Exit 0 done, 1 it failed (no ACS resource, Azure refused), 2 bad input or not confirmed.
"""

from __future__ import annotations

import argparse
import shlex
import sys
from dataclasses import replace
from typing import IO, Any

from wizard.core.backend import Backend
from wizard.core.options import EXIT_FAILED, EXIT_OK, EXIT_USAGE, RunOptions
from wizard.core.steps import StepId

NO_ACS = (
    "this environment has no Azure Communication Services resource yet (ACS_ENDPOINT is not set): "
    "provision first (deploy-wizard run), or the project has no telephony"
)


def buy_command(args: argparse.Namespace, phrase: str | None = None) -> str:
    argv = ["deploy-wizard", "phone", "--buy", "--country", args.country, "--type", args.number_type]
    if args.area_code:
        argv += ["--area-code", args.area_code]
    if getattr(args, "env", None):
        argv += ["-e", args.env]
    if phrase:
        argv += ["--confirm", phrase]
    return shlex.join(argv)


async def run_phone_command(options: RunOptions, backend: Backend, args: argparse.Namespace,
                            out: IO[str] | None = None, err: IO[str] | None = None) -> int:
    from wizard.cli.plain_run import validate
    from wizard.core.engine import Engine

    out, err = out or sys.stdout, err or sys.stderr
    validate(options)
    engine = Engine(options, None, backend=backend)
    try:
        finished = await engine.run_step(StepId.ENVIRONMENT)
        if finished.failure is not None:
            print(f"error: {finished.failure.cause}", file=err)
            return EXIT_USAGE
        service = _service(engine)
        if service is None:
            print(f"error: {NO_ACS}", file=err)
            return EXIT_FAILED
        if args.release:
            return _release(engine, service, args, out, err)
        if args.buy:
            bought = _buy(engine, service, args, out, err)
            if isinstance(bought, int):
                return bought
        else:
            return _list(engine, service, out)
    finally:
        await engine.finish()
    print(f"bought {bought}; applying it (azd env, App Configuration, backend restart)", file=out, flush=True)
    from wizard.cli.plain_run import run_plain

    return await run_plain(replace(options, phone=bought), backend)


def _service(engine: Any) -> Any:
    from wizard.core.phone import PhoneService

    endpoint = engine.env_values.get("ACS_ENDPOINT")
    if not endpoint or engine.ports is None or engine.ports.phone_numbers_for is None:
        return None
    return PhoneService(engine.ports.phone_numbers_for(endpoint))


def _list(engine: Any, service: Any, out: IO[str]) -> int:
    from wizard.core.phone import ENV_KEY, telephony_status

    enabled, reason = telephony_status(engine.env_values)
    print(f"telephony: {'enabled' if enabled else 'disabled'} ({reason})", file=out)
    numbers = service.list_numbers()
    current = engine.env_values.get(ENV_KEY)
    if not numbers:
        print("no phone numbers on this ACS resource yet; buy one: deploy-wizard phone --buy --country US --type toll-free", file=out)
        return EXIT_OK
    for number in numbers:
        calls = "calls in+out" if number.can_call else f"calling: {number.calling}"
        cost = f"  {number.monthly_cost}/month" if number.monthly_cost else ""
        used = "  ← in use" if number.number == current else ""
        print(f"  {number.number}  {number.number_type}  {calls}{cost}{used}", file=out)
    print("apply one with: deploy-wizard phone +1XXXXXXXXXX   (or buy another: deploy-wizard phone --buy …)", file=out)
    return EXIT_OK


def _buy(engine: Any, service: Any, args: argparse.Namespace, out: IO[str], err: IO[str]) -> str | int:
    from wizard.core.phone import ConfirmationError, normalize_number_type
    from wizard.core.phone_offer import forget_offer, load_offer, save_offer

    root, env = engine.project.root, engine.env_name
    try:
        kind = normalize_number_type(args.number_type)
        country = (args.country or "").strip().upper()
        area = (args.area_code or "").strip() or None
        offer = load_offer(root, env, country=country, number_type=kind, area_code=area) if args.confirm else None
        if offer is None:
            offer = service.search(country, kind, area)
            save_offer(root, env, offer)
    except ValueError as exc:
        print(f"error: {exc}", file=err)
        return EXIT_USAGE
    except LookupError as exc:
        print(f"error: {exc}", file=err)
        return EXIT_FAILED
    for line in offer.lines()[:-1]:
        print(line, file=out)
    if args.confirm is None or args.confirm.strip() != offer.confirmation_phrase:
        if args.confirm is not None:
            print(f"not bought: {args.confirm!r} is not {offer.confirmation_phrase!r}", file=err)
        print(f"nothing bought. To buy it, type the phrase: {buy_command(args, offer.confirmation_phrase)}", file=out)
        return EXIT_USAGE
    try:
        numbers = service.purchase(offer, args.confirm)
    except ConfirmationError as exc:
        print(str(exc), file=err)
        return EXIT_USAGE
    except Exception as exc:  # Azure refused (expired search, fraud hold, quota): say so, buy nothing else
        forget_offer(root, env)
        print(f"error: the purchase failed: {exc}; search again: {buy_command(args)}", file=err)
        return EXIT_FAILED
    forget_offer(root, env)
    return numbers[0]


def _release(engine: Any, service: Any, args: argparse.Namespace, out: IO[str], err: IO[str]) -> int:
    from wizard.core.phone import ENV_KEY, ConfirmationError, release_phrase, validate_e164

    number = args.release.strip()
    problem = validate_e164(number)
    if problem:
        print(f"error: phone number {number!r}: {problem}", file=err)
        return EXIT_USAGE
    owned = {n.number for n in service.list_numbers()}
    if number not in owned:
        print(f"error: {number} is not a number of this ACS resource (owned: {', '.join(sorted(owned)) or 'none'})", file=err)
        return EXIT_USAGE
    phrase = release_phrase(number)
    print(f"release {number}: the number goes back to Azure and cannot be bought back reliably; billing stops", file=out)
    if (args.confirm or "").strip() != phrase:
        if args.confirm is not None:
            print(f"not released: {args.confirm!r} is not {phrase!r}", file=err)
        print(f"nothing released. To release it: deploy-wizard phone --release {number} --confirm {shlex.quote(phrase)}", file=out)
        return EXIT_USAGE
    try:
        print(service.release(number, args.confirm.strip()), file=out)
    except ConfirmationError as exc:
        print(str(exc), file=err)
        return EXIT_USAGE
    except Exception as exc:
        print(f"error: the release failed: {exc}", file=err)
        return EXIT_FAILED
    if engine.env_values.get(ENV_KEY) == number:
        print(f"warning: the environment still names {number} ({ENV_KEY}): calls will fail until you apply "
              "another number (deploy-wizard phone +1…, or --buy)", file=out)
    return EXIT_OK
