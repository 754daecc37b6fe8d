"""Stripe's API as the shop needs it: Checkout Sessions, refunds and saved cards.

Every call is idempotent on Stripe's side, so a retry after a timeout never charges or refunds
twice; Stripe's own error texts are logged, customers only ever see a PaymentError.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Awaitable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

import aiohttp
import stripe
from stripe.params import CouponCreateParams, EventListParams, RefundCreateParams
from stripe.params.checkout import SessionCreateParams, SessionCreateParamsLineItem

from bot.models import Order, OrderItem
from bot.payments.stripe_events import StripeCard
from bot.services.errors import PaymentError

log = logging.getLogger(__name__)

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class CheckoutSession:
    id: str
    url: str  # empty once the session is no longer open
    expires_at: datetime
    amount_total: int
    currency: str
    status: str = "open"  # then "complete" (paid, or a payment in progress) or "expired"


@dataclass(frozen=True, slots=True)
class Refund:
    id: str
    status: str
    amount: int
    currency: str


class StripeGateway:
    """One StripeClient over aiohttp; create it inside the event loop that will use it."""

    def __init__(
        self,
        *,
        secret_key: str,
        api_base: str = stripe.DEFAULT_API_BASE,
        max_network_retries: int = 2,
        timeout_s: float = 20.0,
    ) -> None:
        self._http = stripe.AIOHTTPClient(timeout=aiohttp.ClientTimeout(total=timeout_s))
        self._client = stripe.StripeClient(
            secret_key,
            base_addresses={"api": api_base},
            http_client=self._http,
            max_network_retries=max_network_retries,
        )

    async def close(self) -> None:
        await self._http.close_async()  # type: ignore[no-untyped-call]

    async def create_checkout_session(
        self,
        order: Order,
        *,
        success_url: str,
        cancel_url: str,
        expires_at: datetime,
        save_card: bool = False,
        customer_id: str | None = None,
        replacing: str | None = None,
    ) -> CheckoutSession:
        """The order's items must be loaded. The same request for an order always gets the same
        session back, unless it is `replacing` one that can no longer be paid; `customer_id` is
        a Stripe customer whose saved cards Checkout offers."""
        params = _session_params(order, success_url, cancel_url, expires_at, save_card)
        if order.discount:
            params["discounts"] = [{"coupon": await self._order_coupon(order)}]
        if customer_id:
            params["customer"] = customer_id
        elif save_card:
            params["customer_creation"] = "always"  # a card can only be saved to a customer
        key = checkout_idempotency_key(order.id, params, save_card=save_card, replacing=replacing)
        session = await self._call(
            self._client.v1.checkout.sessions.create_async(params, options={"idempotency_key": key})
        )
        if not session.url:
            log.error("Stripe returned checkout session %s without a url", session.id)
            raise PaymentError("payment.unavailable")
        return _checkout_session(session, order.currency)

    async def _order_coupon(self, order: Order) -> str:
        """The order's discount as a one-off Stripe coupon, which Checkout shows as a discount
        line under the items. Its id is made from the order and the amount, so every session
        for the order names the same coupon (and so makes the same request); one made before
        is simply used again."""
        coupon_id = order_coupon_id(order)
        params: CouponCreateParams = {
            "id": coupon_id,
            "amount_off": order.discount,
            "currency": order.currency.lower(),
            "duration": "once",
            "name": order.promo_code or coupon_id,
        }
        try:
            request = self._client.v1.coupons.create_async(
                params, options={"idempotency_key": coupon_id}
            )
            await request
        except stripe.InvalidRequestError as error:
            if error.code != "resource_already_exists":
                raise _payment_error(error) from error
        except stripe.StripeError as error:
            raise _payment_error(error) from error
        return coupon_id

    async def retrieve_checkout_session(
        self, session_id: str, currency: str
    ) -> CheckoutSession | None:
        """The session as it is now, None if Stripe has no such session (another account, or
        test mode); `currency` is the order's, should Stripe not say."""
        request = self._client.v1.checkout.sessions.retrieve_async(session_id)
        session = await self._call_unless_missing(request)
        if session is None:
            log.warning("Stripe has no checkout session %s", session_id)
            return None
        return _checkout_session(session, currency)

    async def expire_checkout_session(self, session_id: str, currency: str) -> None:
        """Close a payment page so nobody can pay it any more. A page already closed (paid,
        expired, or unknown to Stripe) is where this would put it."""
        try:
            await self._client.v1.checkout.sessions.expire_async(session_id)
        except stripe.InvalidRequestError as error:
            # Stripe refuses to expire a page that is not open, with no code to tell that
            # from other refusals: ask it how the page is.
            page = await self.retrieve_checkout_session(session_id, currency)
            if page is None or page.status != "open":
                log.info("checkout session %s was closed already", session_id)
                return
            raise _payment_error(error) from error
        except stripe.StripeError as error:
            raise _payment_error(error) from error

    async def undelivered_events(
        self, *, since: datetime, types: Sequence[str], page_size: int = 100
    ) -> list[dict[str, Any]]:
        """Events of these types since `since` that Stripe could not deliver to our webhook,
        oldest first, every page of them, as plain dicts like the webhook's."""
        events: list[dict[str, Any]] = []
        params: EventListParams = {
            "delivery_success": False,
            "created": {"gte": int(since.timestamp())},
            "types": list(types),
            "limit": page_size,
        }
        while True:
            page = await self._call(self._client.v1.events.list_async(params))
            events += [event.to_dict() for event in page.data]
            if not page.has_more or not page.data:
                # Stripe lists newest first, in its exact order; "created" has whole seconds
                # only, so sorting on it would put a refund before its payment in one second.
                events.reverse()
                return events
            params["starting_after"] = page.data[-1].id

    async def refund(
        self, payment_intent_id: str, *, idempotency_key: str, amount: int | None = None
    ) -> Refund:
        """Refund the whole payment, or `amount` minor units of it."""
        params: RefundCreateParams = {"payment_intent": payment_intent_id}
        if amount is not None:
            params["amount"] = amount
        refund = await self._call(
            self._client.v1.refunds.create_async(
                params, options={"idempotency_key": idempotency_key}
            )
        )
        return Refund(refund.id, refund.status or "pending", refund.amount, refund.currency.upper())

    async def card_for_payment_intent(self, payment_intent_id: str) -> StripeCard | None:
        """The card a payment was made with, as much of it as we may keep; None if not a card."""
        intent = await self._call(
            self._client.v1.payment_intents.retrieve_async(
                payment_intent_id, {"expand": ["payment_method"]}
            )
        )
        method: Any = intent.payment_method
        if isinstance(method, str):
            method = await self._call(self._client.v1.payment_methods.retrieve_async(method))
        card = getattr(method, "card", None) if method is not None else None
        if card is None:
            return None
        customer = intent.customer if isinstance(intent.customer, str) else None
        return StripeCard(
            payment_method_id=method.id,
            customer_id=customer or _customer_id(method),
            brand=card.brand,
            last4=card.last4,
            exp_month=card.exp_month,
            exp_year=card.exp_year,
        )

    async def detach_payment_method(self, payment_method_id: str) -> None:
        """Afterwards Stripe keeps the card for no customer. A card Stripe no longer has, or that
        was never attached to a customer, is already where removing it would put it."""
        try:
            await self._client.v1.payment_methods.detach_async(payment_method_id)
        except stripe.InvalidRequestError as error:
            # Stripe refuses to detach a card that is not attached, with no error code to tell
            # that from other refusals: ask it where the card is.
            if error.http_status == 404 or not await self._attached(payment_method_id):
                log.info("%s was not attached at Stripe: %s", payment_method_id, error.user_message)
                return
            raise _payment_error(error) from error
        except stripe.StripeError as error:
            raise _payment_error(error) from error

    async def _attached(self, payment_method_id: str) -> bool:
        request = self._client.v1.payment_methods.retrieve_async(payment_method_id)
        method = await self._call_unless_missing(request)
        return method is not None and method.customer is not None

    async def _call(self, request: Awaitable[T]) -> T:
        try:
            return await request
        except stripe.StripeError as error:
            raise _payment_error(error) from error

    async def _call_unless_missing(self, request: Awaitable[T]) -> T | None:
        """None when Stripe has no such object."""
        try:
            return await request
        except stripe.InvalidRequestError as error:
            if error.http_status == 404:
                return None
            raise _payment_error(error) from error
        except stripe.StripeError as error:
            raise _payment_error(error) from error


def _checkout_session(session: stripe.checkout.Session, currency: str) -> CheckoutSession:
    if session.expires_at is None:
        log.error("Stripe returned checkout session %s without an expiry", session.id)
        raise PaymentError("payment.unavailable")
    return CheckoutSession(
        id=session.id,
        url=session.url or "",
        expires_at=datetime.fromtimestamp(session.expires_at, UTC),
        amount_total=session.amount_total or 0,
        currency=(session.currency or currency).upper(),
        status=session.status or "open",
    )


def _payment_error(error: stripe.StripeError) -> PaymentError:
    """What the customer may read; Stripe's own text goes to the log only."""
    if isinstance(error, stripe.CardError):
        log.info("Stripe declined a request: %s", error.user_message)
        return PaymentError("payment.declined")
    if isinstance(error, stripe.APIConnectionError | stripe.RateLimitError | stripe.APIError):
        log.warning("Stripe unreachable or failing: %r", error)
        return PaymentError("payment.unreachable")
    if error.code == "charge_already_refunded":  # e.g. refunded in the dashboard
        log.info("Stripe had refunded this payment already: %s", error.user_message)
        return PaymentError("payment.already_refunded")
    log.error("Stripe refused a request: %r", error)
    return PaymentError("payment.unavailable")


def order_coupon_id(order: Order) -> str:
    return f"order-{order.id}-off-{order.discount}-{order.currency.lower()}"


def checkout_idempotency_key(
    order_id: int, params: SessionCreateParams, *, save_card: bool, replacing: str | None = None
) -> str:
    """Names the order and the customer's choice, and fingerprints the rest of the request:
    repeating a request gets its session back, while a changed one (another choice, a changed
    hold, a closed session to replace) gets a new session instead of Stripe refusing the key."""
    canonical = json.dumps([params, replacing], sort_keys=True, separators=(",", ":"))
    digest = hashlib.sha256(canonical.encode()).hexdigest()[:16]
    choice = "save-card" if save_card else "no-save"
    return f"order-{order_id}-checkout-{choice}-{digest}"


def _session_params(
    order: Order, success_url: str, cancel_url: str, expires_at: datetime, save_card: bool
) -> SessionCreateParams:
    order_ref = {"order_id": str(order.id)}
    params: SessionCreateParams = {
        "mode": "payment",
        # Cards (and the wallets that pay by card) settle at once. Bank debits and vouchers
        # settle days later, long after the order's hold has released its stock.
        "allowed_payment_method_types": ["card"],
        "line_items": [_line_item(order.currency, item) for item in order.items]
        + _shipping_items(order),
        "client_reference_id": str(order.id),
        "metadata": order_ref | ({"save_card": "true"} if save_card else {}),
        "payment_intent_data": {"metadata": order_ref},
        "success_url": success_url,
        "cancel_url": cancel_url,
        "expires_at": int(expires_at.timestamp()),
    }
    if save_card:
        # Checkout attaches the card to the customer and tells them it will be saved. It would
        # save it as "limited", which Checkout never offers again; the customer agreed in the
        # chat to have it offered, so it is saved as "always".
        params["payment_intent_data"]["setup_future_usage"] = "on_session"
        params["payment_method_data"] = {"allow_redisplay": "always"}
    return params


def _line_item(currency: str, item: OrderItem) -> SessionCreateParamsLineItem:
    return {
        "quantity": item.quantity,
        "price_data": {
            "currency": currency.lower(),
            "unit_amount": item.unit_price,
            "product_data": {"name": f"{item.product_name} ({item.size_name})"},
        },
    }


def _shipping_items(order: Order) -> list[SessionCreateParamsLineItem]:
    """The delivery option as a line of its own after the items, so Checkout shows it and the
    session's amount_total is the order's total. The promo coupon is a fixed amount no larger
    than the items, so it never comes off the shipping. Free delivery adds no line."""
    if not order.shipping_price or order.shipping_name is None:
        return []
    return [
        {
            "quantity": 1,
            "price_data": {
                "currency": order.currency.lower(),
                "unit_amount": order.shipping_price,
                "product_data": {"name": order.shipping_name},
            },
        }
    ]


def _customer_id(method: Any) -> str | None:
    customer = getattr(method, "customer", None)
    return customer if isinstance(customer, str) else None
