"""sendInvoice, createInvoiceLink, answerPreCheckoutQuery and the Telegram Stars methods
(refundStarPayment, getStarTransactions)."""

from __future__ import annotations

import re
import time
from typing import Any

from bot.emulator.errors import QUERY_TOO_OLD, bad_request
from bot.emulator.methods.common import deliver, target_chat
from bot.emulator.methods.registry import method
from bot.emulator.params import Params
from bot.emulator.state import STARS, EmulatorState, PreCheckoutAnswer

_CURRENCY = re.compile(r"^[A-Z]{3}$")


@method("sendInvoice")
async def send_invoice(state: EmulatorState, params: Params) -> Any:
    chat = target_chat(state, params)
    invoice, payload = _invoice(params)
    stored = deliver(state, chat, params, {"invoice": invoice})
    stored.invoice_payload = payload
    return stored.json


@method("createInvoiceLink")
async def create_invoice_link(state: EmulatorState, params: Params) -> Any:
    """The same checks as sendInvoice; the link is kept with its invoice for a test to open."""
    invoice, payload = _invoice(params)
    link = f"https://t.me/$invoice{len(state.invoice_links) + 1}"
    state.invoice_links[link] = {
        "payload": payload,
        "currency": invoice["currency"],
        "total_amount": invoice["total_amount"],
    }
    return link


def _invoice(params: Params) -> tuple[dict[str, Any], str]:
    """An invoice's fields, checked as Telegram checks them, and its payload."""
    title = _bounded(params, "title", 32)
    description = _bounded(params, "description", 255)
    payload = params.required_string("payload", "INVOICE_PAYLOAD_INVALID")
    if len(payload.encode()) > 128:
        raise bad_request("INVOICE_PAYLOAD_INVALID")
    currency = params.required_string("currency", "CURRENCY_INVALID")
    if not _CURRENCY.match(currency):
        raise bad_request("CURRENCY_INVALID")
    prices = params.json_value("prices")
    if currency == STARS:
        _check_stars(params, prices)
    invoice = {
        "title": title,
        "description": description,
        "start_parameter": params.string("start_parameter", ""),
        "currency": currency,
        "total_amount": _total(prices),
    }
    return invoice, payload


def _check_stars(params: Params, prices: Any) -> None:
    """Telegram's rules for an invoice in Stars: the provider token is empty or omitted,
    there is exactly one price, and tips are not supported."""
    if params.string("provider_token"):
        raise bad_request("PAYMENT_PROVIDER_INVALID")
    if isinstance(prices, list) and len(prices) > 1:
        raise bad_request("INVOICE_PRICES_INVALID")  # Stars take exactly one price
    if params.integer("max_tip_amount"):
        raise bad_request("INVOICE_TIPS_UNSUPPORTED")


@method("refundStarPayment")
async def refund_star_payment(state: EmulatorState, params: Params) -> Any:
    """Gives the Stars of a successful payment back to the user who paid; once only."""
    user_id = params.required_integer("user_id")
    charge_id = params.required_string("telegram_payment_charge_id", "CHARGE_ID_EMPTY")
    payment = state.star_payments.get(charge_id)
    if payment is None or payment.user_id != user_id:
        raise bad_request("CHARGE_NOT_FOUND")
    if payment.refunded:
        raise bad_request("CHARGE_ALREADY_REFUNDED")
    payment.refunded = True
    state.star_transactions.append(
        {
            "id": charge_id,
            "amount": payment.amount,
            "date": int(time.time()),
            "receiver": {
                "type": "user",
                "user": payment.user,
                "transaction_type": "invoice_payment",
            },
        }
    )
    return True


@method("getStarTransactions")
async def get_star_transactions(state: EmulatorState, params: Params) -> Any:
    """The bot's Star transactions, oldest first, `limit` (1-100, default 100) from `offset`."""
    offset = params.integer("offset", 0) or 0
    limit = params.integer("limit", 100)
    if limit is None or not 1 <= limit <= 100:
        raise bad_request("LIMIT_INVALID")
    if offset < 0:
        raise bad_request("OFFSET_INVALID")
    return {"transactions": state.star_transactions[offset : offset + limit]}


@method("answerPreCheckoutQuery")
async def answer_pre_checkout_query(state: EmulatorState, params: Params) -> Any:
    query_id = params.required_string("pre_checkout_query_id", "QUERY_ID_INVALID")
    query = state.pre_checkout_queries.get(query_id)
    if query is None or query.answer is not None:
        raise bad_request(QUERY_TOO_OLD)
    if "ok" not in params:
        raise bad_request("ok is empty")
    ok = params.boolean("ok")
    error_message = params.string("error_message")
    if not ok and not error_message:
        raise bad_request("ERROR_MESSAGE_EMPTY")
    query.answer = PreCheckoutAnswer(query_id, ok, error_message)
    state.notify_chat(query.chat_id)
    return True


def _bounded(params: Params, name: str, limit: int) -> str:
    value = params.required_string(name, f"{name.upper()}_INVALID")
    if len(value) > limit:
        raise bad_request(f"{name.upper()}_INVALID")
    return value


def _total(prices: Any) -> int:
    """The invoice's total is the sum of its prices; a price may be negative (a discount), the
    sum may not."""
    if not isinstance(prices, list) or not prices:
        raise bad_request("INVOICE_PRICES_EMPTY")
    amounts = [price.get("amount") if isinstance(price, dict) else None for price in prices]
    if not all(isinstance(amount, int) and not isinstance(amount, bool) for amount in amounts):
        raise bad_request("can't parse prices JSON object")
    total = sum(amount for amount in amounts if isinstance(amount, int))
    if total <= 0:
        raise bad_request("CURRENCY_TOTAL_AMOUNT_INVALID")
    return total
