"""PhoneNumbersPort on azure-communication-phonenumbers, against the ACS endpoint of the env."""

from __future__ import annotations

from typing import Any

from wizard.azure.credentials import AzureSetupError, enum_text
from wizard.core.ports import PhoneNumber, PhoneSearchResult

_TYPE_TO_SDK = {"toll-free": "tollFree", "geographic": "geographic"}
_TYPE_FROM_SDK = {"tollfree": "toll-free", "geographic": "geographic", "mobile": "mobile"}


class PhoneNumbersAdapter:
    """The numbers of one ACS resource. Long operations (search, purchase, release) are awaited."""

    def __init__(
        self,
        endpoint: str,
        credential: Any,
        *,
        client: Any | None = None,
        polling_interval: float | None = None,
        **client_kwargs: Any,
    ) -> None:
        if not endpoint:
            raise AzureSetupError("no ACS endpoint (ACS_ENDPOINT is not set in the azd environment)")
        self.endpoint = endpoint if endpoint.lower().startswith("http") else f"https://{endpoint}"
        self._credential = credential
        self._client = client
        self._client_kwargs = client_kwargs
        self._polling = {} if polling_interval is None else {"polling_interval": polling_interval}

    @property
    def client(self) -> Any:
        if self._client is None:
            from azure.communication.phonenumbers import PhoneNumbersClient

            self._client = PhoneNumbersClient(self.endpoint, self._credential, **self._client_kwargs)
        return self._client

    def list_numbers(self) -> list[PhoneNumber]:
        return [to_phone_number(n) for n in self.client.list_purchased_phone_numbers()]

    def search(self, country: str, number_type: str, area_code: str | None) -> PhoneSearchResult:
        from azure.communication.phonenumbers import (
            PhoneNumberAssignmentType,
            PhoneNumberCapabilities,
            PhoneNumberCapabilityType,
        )

        sdk_type = _TYPE_TO_SDK.get(number_type, number_type)
        kwargs: dict[str, Any] = dict(self._polling)
        if area_code:
            kwargs["area_code"] = area_code
        poller = self.client.begin_search_available_phone_numbers(
            country,
            sdk_type,
            PhoneNumberAssignmentType.APPLICATION,
            PhoneNumberCapabilities(
                calling=PhoneNumberCapabilityType.INBOUND_OUTBOUND,
                sms=PhoneNumberCapabilityType.NONE,
            ),
            **kwargs,
        )
        return to_search_result(poller.result())

    def purchase(self, search_id: str, agree_to_not_resell: bool = False) -> None:
        kwargs: dict[str, Any] = dict(self._polling)
        if agree_to_not_resell:
            kwargs["agree_to_not_resell"] = True
        self.client.begin_purchase_phone_numbers(search_id, **kwargs).result()

    def release(self, number: str) -> None:
        self.client.begin_release_phone_number(number, **self._polling).result()


def format_cost(cost: Any) -> str:
    if cost is None:
        return "unknown"
    amount = cost.amount
    text = f"{amount:.2f}" if isinstance(amount, int | float) else str(amount)
    frequency = enum_text(getattr(cost, "billing_frequency", None))
    suffix = "" if frequency.lower() in ("", "monthly") else f" ({frequency})"
    return f"{text} {cost.currency_code}{suffix}"


def to_phone_number(number: Any) -> PhoneNumber:
    capabilities = number.capabilities
    return PhoneNumber(
        number=number.phone_number,
        country=number.country_code or "",
        number_type=_TYPE_FROM_SDK.get(enum_text(number.phone_number_type).lower(), enum_text(number.phone_number_type)),
        calling=enum_text(capabilities.calling) if capabilities is not None else "none",
        sms=enum_text(capabilities.sms) if capabilities is not None else "none",
        monthly_cost=format_cost(number.cost) if number.cost is not None else None,
    )


def to_search_result(result: Any) -> PhoneSearchResult:
    if getattr(result, "error", None):
        raise RuntimeError(f"the phone number search failed: {enum_text(result.error)} (code {result.error_code})")
    expires = result.search_expires_by
    return PhoneSearchResult(
        search_id=result.search_id,
        numbers=tuple(result.phone_numbers or ()),
        monthly_cost=format_cost(result.cost),
        expires=expires.isoformat() if hasattr(expires, "isoformat") else (str(expires) if expires else None),
        agreement_to_not_resell_required=bool(getattr(result, "is_agreement_to_not_resell_required", False)),
    )
