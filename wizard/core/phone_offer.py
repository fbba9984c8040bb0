"""A phone-number offer kept between two commands: `phone --buy` shows it and its phrase, `phone --buy
--confirm PHRASE` buys exactly that offer (ACS holds a search's numbers for a while), not a new
search whose number would not match the phrase typed.

Kept in `.azure/<env>/wizard/phone-offer.json` (no secrets: a search id, numbers and a price).
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict
from datetime import datetime
from pathlib import Path

from wizard.core.phone import PhoneOffer
from wizard.core.ports import PhoneSearchResult

HOLD_SECONDS = 14 * 60  # ACS holds a search for about 15 minutes; stop trusting it a little earlier


def offer_path(project_root: Path, env: str) -> Path:
    return project_root / ".azure" / env / "wizard" / "phone-offer.json"


def save_offer(project_root: Path, env: str, offer: PhoneOffer, now: float | None = None) -> None:
    path = offer_path(project_root, env)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {
        "result": asdict(offer.result),
        "country": offer.country,
        "number_type": offer.number_type,
        "area_code": offer.area_code,
        "saved_at": time.time() if now is None else now,
    }
    path.write_text(json.dumps(data, indent=2), encoding="utf-8")


def load_offer(project_root: Path, env: str, *, country: str, number_type: str, area_code: str | None,
               now: float | None = None) -> PhoneOffer | None:
    """The kept offer when it is for the same search and still held; else None."""
    try:
        data = json.loads(offer_path(project_root, env).read_text(encoding="utf-8"))
        raw = data["result"]
        result = PhoneSearchResult(
            search_id=str(raw["search_id"]), numbers=tuple(raw["numbers"]), monthly_cost=str(raw["monthly_cost"]),
            expires=raw.get("expires"), agreement_to_not_resell_required=bool(raw.get("agreement_to_not_resell_required")),
        )
        saved_at = float(data["saved_at"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    now = time.time() if now is None else now
    same = (data.get("country"), data.get("number_type"), data.get("area_code")) == (country, number_type, area_code)
    if not same or now - saved_at > HOLD_SECONDS or _expired(result.expires, now):
        return None
    return PhoneOffer(result=result, country=country, number_type=number_type, area_code=area_code)


def forget_offer(project_root: Path, env: str) -> None:
    offer_path(project_root, env).unlink(missing_ok=True)


def _expired(expires: str | None, now: float) -> bool:
    if not expires:
        return False
    try:
        when = datetime.fromisoformat(expires.replace("Z", "+00:00"))
    except ValueError:
        return False  # "in 15 minutes" and the like: the hold time above decides
    return when.timestamp() <= now if when.tzinfo is not None else False
