"""A fake of the parts of Stripe's API the shop uses, on loopback, recording every request.

The offline console pays with it and the tests assert on what it recorded. stripe-python talks
to it unchanged through STRIPE_API_BASE. Form bodies are decoded from Stripe's bracket notation
(`line_items[0][price_data][unit_amount]=4999`) into nested dicts and lists of strings, exactly
as they went over the wire.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import secrets
import time
from collections.abc import Callable, Coroutine, Mapping
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

from aiohttp import web

from bot.web.server import server_url, start_web_server, stop_web_server

TEST_CARD = {"brand": "visa", "last4": "4242", "exp_month": 12, "exp_year": 2034}
# Stripe keeps a Checkout Session open from 30 minutes to 24 hours after creating it.
SHORTEST_SESSION_S = 30 * 60
LONGEST_SESSION_S = 24 * 60 * 60


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str
    params: dict[str, Any]
    headers: dict[str, str]


@dataclass
class InjectedError:
    status: int
    type: str
    message: str
    code: str | None
    path: str | None


@dataclass
class FakeStripeApi:
    """Use as `async with FakeStripeApi() as stripe_api:`; point the gateway at `base_url`."""

    requests: list[RecordedRequest] = field(default_factory=list)
    sessions: dict[str, dict[str, Any]] = field(default_factory=dict)
    payment_intents: dict[str, dict[str, Any]] = field(default_factory=dict)
    payment_methods: dict[str, dict[str, Any]] = field(default_factory=dict)
    refunds: dict[str, dict[str, Any]] = field(default_factory=dict)
    coupons: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Events Stripe "sent", and whether our webhook took each (GET /v1/events lists them).
    events: list[tuple[dict[str, Any], bool]] = field(default_factory=list)
    base_url: str = ""
    clock: Callable[[], float] = time.time  # Stripe's "now", which tests may move on
    # The API keys this account has, secret (sk_…) or restricted (rk_…); None: any such key.
    api_keys: set[str] | None = None
    # Told of every new refund, as Stripe then sends charge.refunded (the console posts it).
    on_refund: Callable[[dict[str, Any]], Coroutine[Any, Any, None]] | None = None
    _told: set[asyncio.Task[None]] = field(default_factory=set)
    _errors: list[InjectedError] = field(default_factory=list)
    _idempotent: dict[str, tuple[dict[str, Any], dict[str, Any]]] = field(default_factory=dict)
    _runner: web.AppRunner | None = None

    async def __aenter__(self) -> FakeStripeApi:
        app = web.Application()
        app.router.add_post("/v1/checkout/sessions", self._create_session)
        app.router.add_get("/v1/checkout/sessions/{id}", self._get_session)
        app.router.add_post("/v1/checkout/sessions/{id}/expire", self._expire_session)
        app.router.add_post("/v1/refunds", self._create_refund)
        app.router.add_post("/v1/coupons", self._create_coupon)
        app.router.add_get("/v1/events", self._list_events)
        app.router.add_get("/v1/payment_intents/{id}", self._get_payment_intent)
        app.router.add_get("/v1/payment_methods/{id}", self._get_payment_method)
        app.router.add_post("/v1/payment_methods/{id}/detach", self._detach_payment_method)
        self._runner = await start_web_server(app, "127.0.0.1", 0)
        self.base_url = server_url(self._runner)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._runner is not None:
            await stop_web_server(self._runner)

    # ------------------------------------------------------------ test controls

    def fail_next(
        self,
        *,
        status: int = 402,
        type: str = "card_error",
        message: str = "Your card was declined.",
        code: str | None = "card_declined",
        path: str | None = None,
    ) -> None:
        """The next request (to `path`, if given) fails with this Stripe error."""
        self._errors.append(InjectedError(status, type, message, code, path))

    def requests_to(self, method: str, path: str) -> list[RecordedRequest]:
        return [r for r in self.requests if r.method == method and r.path == path]

    def keep_card(self, customer: str, card: dict[str, Any] | None = None) -> str:
        """A card kept for `customer`, as a payment that saved it leaves it; returns its id."""
        return self._add_card(card, customer, "always")

    def offered_cards(self, session_id: str) -> list[str]:
        """The saved cards the session's payment page offers: those of its customer whose
        allow_redisplay passes the session's filter (Stripe's default: only "always")."""
        session = self.sessions[session_id]
        options = session["_saved_payment_method_options"]
        shown = options.get("allow_redisplay_filters", ["always"])
        return [
            method["id"]
            for method in self.payment_methods.values()
            if session["customer"] is not None
            and method["customer"] == session["customer"]
            and method["allow_redisplay"] in shown
        ]

    def pay(
        self,
        session_id: str,
        *,
        card: dict[str, Any] | None = None,
        saved_card: str | None = None,
    ) -> dict[str, Any]:
        """Complete a session as a customer paying by card would, with a new `card` or a
        `saved_card` the page offered; returns the session object. Checkout creates the
        customer when the session says so, and attaches a new card to the customer when the
        session asked to keep it for later."""
        session = self.sessions[session_id]
        if session["status"] != "open":
            raise ValueError(f"the payment page {session_id} is {session['status']}")
        intent_data = session["_payment_intent_data"]
        wants_saving = "setup_future_usage" in intent_data
        customer = session["customer"]
        if customer is None and session["customer_creation"] == "always":
            customer = f"cus_{_token()}"
        if saved_card is not None:
            if saved_card not in self.offered_cards(session_id):
                raise ValueError(f"the payment page does not offer {saved_card}")
            method_id = saved_card
        else:
            method_id = self._new_card(card, customer if wants_saving else None, session)
        intent_id = f"pi_{_token()}"
        self.payment_intents[intent_id] = {
            "id": intent_id,
            "object": "payment_intent",
            "amount": session["amount_total"],
            "currency": session["currency"],
            "status": "succeeded",
            "customer": customer,
            "payment_method": method_id,
            "setup_future_usage": intent_data.get("setup_future_usage"),
        }
        session.update(
            status="complete", payment_status="paid", payment_intent=intent_id, customer=customer
        )
        return public(session)

    def _new_card(
        self, card: dict[str, Any] | None, customer: str | None, session: dict[str, Any]
    ) -> str:
        """A card saved for later is "limited" unless the session said how it may be shown."""
        chosen = session["_payment_method_data"].get("allow_redisplay")
        redisplay = chosen or ("limited" if customer else "unspecified")
        return self._add_card(card, customer, redisplay)

    def _add_card(self, card: dict[str, Any] | None, customer: str | None, redisplay: str) -> str:
        method_id = f"pm_{_token()}"
        self.payment_methods[method_id] = {
            "id": method_id,
            "object": "payment_method",
            "type": "card",
            "card": dict(card or TEST_CARD),
            "customer": customer,
            "allow_redisplay": redisplay,
        }
        return method_id

    # ------------------------------------------------------------ endpoints

    async def _create_session(self, request: web.Request) -> web.Response:
        params, refused = await self._receive(request)
        if refused is not None:
            return refused
        return self._idempotently(request, params, lambda: self._new_session(params))

    def _new_session(self, params: dict[str, Any]) -> dict[str, Any] | web.Response:
        invalid = _invalid_session(params, self.clock())
        if invalid is not None:
            return invalid
        lines = params.get("line_items", [])
        currency = lines[0]["price_data"]["currency"] if lines else None
        subtotal = sum(
            int(line["price_data"]["unit_amount"]) * int(line["quantity"]) for line in lines
        )
        discounts = self._session_discounts(params, currency)
        if isinstance(discounts, web.Response):
            return discounts
        discount = sum(_coupon_discount(coupon, subtotal) for coupon in discounts)
        session_id = f"cs_test_{_token()}"
        session = {
            "id": session_id,
            "object": "checkout.session",
            "mode": params.get("mode"),
            "url": f"{self.base_url}/pay/{session_id}",
            "status": "open",
            "payment_status": "unpaid",
            "amount_subtotal": subtotal,
            "amount_total": subtotal - discount,
            "total_details": {"amount_discount": discount, "amount_shipping": 0, "amount_tax": 0},
            "discounts": [{"coupon": coupon["id"]} for coupon in discounts],
            "currency": currency,
            "expires_at": int(params.get("expires_at", self.clock() + LONGEST_SESSION_S)),
            "metadata": params.get("metadata", {}),
            "client_reference_id": params.get("client_reference_id"),
            "customer": params.get("customer"),
            "customer_creation": params.get("customer_creation"),
            "payment_intent": None,
            "success_url": params.get("success_url"),
            "cancel_url": params.get("cancel_url"),
            "_payment_intent_data": params.get("payment_intent_data", {}),
            "_payment_method_data": params.get("payment_method_data", {}),
            "_saved_payment_method_options": params.get("saved_payment_method_options", {}),
        }
        self.sessions[session_id] = session
        return public(session)

    def _session_discounts(
        self, params: dict[str, Any], currency: str | None
    ) -> list[dict[str, Any]] | web.Response:
        """The coupons a session names, refused as Stripe refuses them: unknown, more than
        one, in another currency, or together with promotion codes typed on the page."""
        wanted = params.get("discounts", [])
        if not isinstance(wanted, list) or len(wanted) > 1:
            message = "You may only specify one discount per Checkout Session."
            return _error(400, "invalid_request_error", message, "parameter_invalid")
        if wanted and "allow_promotion_codes" in params:
            message = (
                "You may only specify one of these parameters: allow_promotion_codes, discounts."
            )
            return _error(400, "invalid_request_error", message, "parameter_invalid")
        coupons = []
        for discount in wanted:
            coupon = self.coupons.get(discount.get("coupon", ""))
            if coupon is None:
                return _missing("coupon")
            if coupon["amount_off"] is not None and coupon["currency"] != currency:
                message = "The coupon's currency must match the Checkout Session's currency."
                return _error(400, "invalid_request_error", message, "parameter_invalid")
            coupons.append(coupon)
        return coupons

    async def _create_coupon(self, request: web.Request) -> web.Response:
        params, refused = await self._receive(request)
        if refused is not None:
            return refused
        return self._idempotently(request, params, lambda: self._new_coupon(params))

    def _new_coupon(self, params: dict[str, Any]) -> dict[str, Any] | web.Response:
        """Exactly one of amount_off (with its currency) and percent_off, as Stripe wants."""
        amount, percent = params.get("amount_off"), params.get("percent_off")
        if (amount is None) == (percent is None):
            message = "You must pass exactly one of amount_off or percent_off."
            return _error(400, "invalid_request_error", message, "parameter_invalid")
        if amount is not None and (not amount.isdigit() or int(amount) <= 0):
            return _error(400, "invalid_request_error", "Invalid amount_off.", "parameter_invalid")
        if amount is not None and "currency" not in params:
            message = "You must pass currency when passing amount_off."
            return _error(400, "invalid_request_error", message, "parameter_missing")
        if params.get("duration", "once") not in ("once", "forever", "repeating"):
            return _error(400, "invalid_request_error", "Invalid duration.", "parameter_invalid")
        coupon_id = params.get("id") or _token()
        if coupon_id in self.coupons:
            message = "Coupon already exists."
            return _error(400, "invalid_request_error", message, "resource_already_exists")
        coupon = {
            "id": coupon_id,
            "object": "coupon",
            "amount_off": int(amount) if amount is not None else None,
            "percent_off": float(percent) if percent is not None else None,
            "currency": params.get("currency"),
            "duration": params.get("duration", "once"),
            "name": params.get("name"),
            "valid": True,
        }
        self.coupons[coupon_id] = coupon
        return coupon

    async def _get_session(self, request: web.Request) -> web.Response:
        """A session left open past its expiry has expired; only an open one has a url."""
        _, refused = await self._receive(request)
        if refused is not None:
            return refused
        session = self.sessions.get(request.match_info["id"])
        if session is None:
            return _missing("checkout.session")
        if session["status"] == "open" and self.clock() >= session["expires_at"]:
            session["status"] = "expired"
        shown = public(session)
        if shown["status"] != "open":
            shown["url"] = None
        return web.json_response(shown)

    def log_event(self, event: dict[str, Any], *, delivered: bool) -> None:
        """An event as Stripe keeps it, with whether its delivery to our webhook succeeded."""
        self.events.append((event, delivered))

    async def _list_events(self, request: web.Request) -> web.Response:
        """Newest first, a page at a time, as Stripe lists them."""
        params, refused = await self._receive(request)
        if refused is not None:
            return refused
        since = int(params.get("created", {}).get("gte", 0))
        types = set(params.get("types", []))
        wanted = params.get("delivery_success")
        found = [
            event
            for event, delivered in reversed(self.events)
            if int(event.get("created", 0)) >= since
            and (not types or event["type"] in types)
            and (wanted is None or str(delivered).lower() == wanted)
        ]
        after = params.get("starting_after")
        if after is not None:
            ids = [event["id"] for event in found]
            found = found[ids.index(after) + 1 :] if after in ids else []
        limit = int(params.get("limit", 10))
        body = {
            "object": "list",
            "url": "/v1/events",
            "data": found[:limit],
            "has_more": len(found) > limit,
        }
        return web.json_response(body)

    async def _expire_session(self, request: web.Request) -> web.Response:
        """Only an open page can be expired, as at Stripe."""
        _, refused = await self._receive(request)
        if refused is not None:
            return refused
        session = self.sessions.get(request.match_info["id"])
        if session is None:
            return _missing("checkout.session")
        if session["status"] != "open":
            message = 'Only Checkout Sessions with a status in ["open"] can be expired.'
            return _error(400, "invalid_request_error", message, None)
        session.update(status="expired", url=None)
        return web.json_response(public(session))

    async def _create_refund(self, request: web.Request) -> web.Response:
        params, refused = await self._receive(request)
        if refused is not None:
            return refused
        intent = self.payment_intents.get(params.get("payment_intent", ""))
        if intent is None:
            return _missing("payment_intent")
        if request.headers.get("Idempotency-Key") not in self._idempotent and self._refunded(
            intent
        ):
            message = f"Charge for {intent['id']} has already been refunded."
            return _error(400, "invalid_request_error", message, "charge_already_refunded")
        before = len(self.refunds)
        response = self._idempotently(request, params, lambda: self._new_refund(intent, params))
        if self.on_refund is not None and len(self.refunds) > before:
            refund = list(self.refunds.values())[-1]
            # After the answer, as Stripe's webhook comes after its API call returns.
            task = asyncio.get_running_loop().create_task(self.on_refund(refund))
            self._told.add(task)
            task.add_done_callback(self._told.discard)
        return response

    def _refunded(self, intent: dict[str, Any]) -> bool:
        """Fully refunded already (a replayed key still gets its first answer)."""
        done = [r["amount"] for r in self.refunds.values() if r["payment_intent"] == intent["id"]]
        return sum(int(amount) for amount in done) >= int(intent["amount"])

    def _new_refund(self, intent: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
        refund = {
            "id": f"re_{_token()}",
            "object": "refund",
            "amount": int(params.get("amount", intent["amount"])),
            "currency": intent["currency"],
            "payment_intent": intent["id"],
            "status": "succeeded",
        }
        self.refunds[refund["id"]] = refund
        return refund

    async def _get_payment_intent(self, request: web.Request) -> web.Response:
        params, refused = await self._receive(request)
        if refused is not None:
            return refused
        intent = self.payment_intents.get(request.match_info["id"])
        if intent is None:
            return _missing("payment_intent")
        if "payment_method" in params.get("expand", []):
            intent = intent | {"payment_method": self.payment_methods[intent["payment_method"]]}
        return web.json_response(intent)

    async def _get_payment_method(self, request: web.Request) -> web.Response:
        _, refused = await self._receive(request)
        if refused is not None:
            return refused
        method = self.payment_methods.get(request.match_info["id"])
        if method is None:
            return _missing("PaymentMethod")
        return web.json_response(method)

    async def _detach_payment_method(self, request: web.Request) -> web.Response:
        _, refused = await self._receive(request)
        if refused is not None:
            return refused
        method = self.payment_methods.get(request.match_info["id"])
        if method is None:
            return _missing("PaymentMethod")
        if method["customer"] is None:
            message = (
                "The payment method you provided is not attached to a customer so detachment "
                "is impossible."
            )
            return _error(400, "invalid_request_error", message, None)
        method["customer"] = None
        return web.json_response(method)

    # ------------------------------------------------------------ plumbing

    async def _receive(self, request: web.Request) -> tuple[dict[str, Any], web.Response | None]:
        """Record the request, then refuse it if it is unauthenticated or an error is due."""
        form = await request.post() if request.method == "POST" else request.query
        params = decode_form({key: str(value) for key, value in form.items()})
        self.requests.append(
            RecordedRequest(request.method, request.path, params, dict(request.headers))
        )
        refused = self._unauthenticated(request.headers.get("Authorization", ""))
        if refused is not None:
            return params, refused
        for error in self._errors:
            if error.path in (None, request.path):
                self._errors.remove(error)
                return params, _error(error.status, error.type, error.message, error.code)
        return params, None

    def _unauthenticated(self, authorization: str) -> web.Response | None:
        """Stripe's 401 for a request without a key this account has, naming the key as
        Stripe does: its prefix and last four characters."""
        key = authorization.removeprefix("Bearer ")
        if not authorization.startswith("Bearer ") or not key:
            message = "You did not provide an API key."
            return _error(401, "invalid_request_error", message, None)
        if key.startswith(("sk_", "rk_")) and (self.api_keys is None or key in self.api_keys):
            return None
        return _error(
            401, "invalid_request_error", f"Invalid API Key provided: {_masked(key)}", None
        )

    def _idempotently(
        self,
        request: web.Request,
        params: dict[str, Any],
        create: Callable[[], dict[str, Any] | web.Response],
    ) -> web.Response:
        """Stripe replays the first response for a key, and refuses the key with new params.
        A request it refused as invalid leaves no response behind."""
        key = request.headers.get("Idempotency-Key")
        if key is None or key not in self._idempotent:
            created = create()
            if isinstance(created, web.Response):
                return created
            if key is not None:
                self._idempotent[key] = (params, created)
            return web.json_response(created)
        first_params, response = self._idempotent[key]
        if first_params != params:
            return _error(
                400,
                "idempotency_error",
                "Keys for idempotent requests can only be used with the same parameters.",
                None,
            )
        return web.json_response(response, headers={"Idempotent-Replayed": "true"})


def _invalid_session(params: dict[str, Any], now: float) -> web.Response | None:
    """The checks Stripe makes that the shop could get wrong."""
    if "customer" in params and "customer_creation" in params:
        message = "You may only specify one of these parameters: customer, customer_creation."
        return _error(400, "invalid_request_error", message, "parameter_invalid")
    if "expires_at" in params:
        lifetime = int(params["expires_at"]) - now
        if lifetime < SHORTEST_SESSION_S:
            message = "The `expires_at` timestamp must be at least 30 minutes from now."
            return _error(400, "invalid_request_error", message, "parameter_invalid")
        if lifetime > LONGEST_SESSION_S:
            message = "The `expires_at` timestamp must be less than 24 hours from now."
            return _error(400, "invalid_request_error", message, "parameter_invalid")
    return None


def _coupon_discount(coupon: dict[str, Any], subtotal: int) -> int:
    """What a coupon takes off: never more than the subtotal."""
    if coupon["amount_off"] is not None:
        return min(int(coupon["amount_off"]), subtotal)
    off: int = round(subtotal * float(coupon["percent_off"]) / 100)
    return min(off, subtotal)


def decode_form(form: Mapping[str, str]) -> dict[str, Any]:
    """`a[b][0]=x` -> {"a": {"b": ["x"]}}: dicts whose keys are all indexes become lists."""
    root: dict[str, Any] = {}
    for raw_key, value in form.items():
        parts = raw_key.replace("]", "").split("[")
        node = root
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    decoded: dict[str, Any] = _listify(root)
    return decoded


def _listify(node: Any) -> Any:
    if not isinstance(node, dict):
        return node
    if node and all(key.isdigit() for key in node):
        return [_listify(node[key]) for key in sorted(node, key=int)]
    return {key: _listify(value) for key, value in node.items()}


def public(session: dict[str, Any]) -> dict[str, Any]:
    """The session as Stripe shows it (without the fake's own bookkeeping)."""
    return {key: value for key, value in session.items() if not key.startswith("_")}


def signed_event(
    payload: dict[str, Any], secret: str, timestamp: int | None = None
) -> tuple[bytes, str]:
    """The body and Stripe-Signature header Stripe would send: v1 is the hex HMAC-SHA256 of
    "{timestamp}.{body}" keyed with the endpoint's signing secret."""
    body = json.dumps(payload).encode()
    return body, sign_body(body, secret, timestamp)


def sign_body(body: bytes, secret: str, timestamp: int | None = None) -> str:
    """The Stripe-Signature header for any body, JSON or not."""
    stamp = int(time.time()) if timestamp is None else timestamp
    signature = hmac.new(secret.encode(), f"{stamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={stamp},v1={signature}"


def _error(status: int, type: str, message: str, code: str | None) -> web.Response:
    error = {"type": type, "message": message} | ({"code": code} if code else {})
    return web.json_response({"error": error}, status=status)


def _missing(resource: str) -> web.Response:
    """Stripe's answer for an id it doesn't know."""
    return _error(404, "invalid_request_error", f"No such {resource}", "resource_missing")


def _masked(key: str) -> str:
    """sk_test_*****************1234, as Stripe writes a key in its errors."""
    prefix = "_".join(key.split("_")[:2]) + "_" if key.count("_") >= 2 else ""
    hidden = max(len(key) - len(prefix) - 4, 0)
    return prefix + "*" * hidden + key[len(prefix) + hidden :]


def _token() -> str:
    return secrets.token_hex(12)
