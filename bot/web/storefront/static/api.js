// The shop's JSON API (/app/api), every call signed with Telegram's initData.

import { initData } from "./telegram.js";

// app.js is at /app/static/: the API is beside it at /app/api/, wherever the page was opened.
const ROOT = new URL("../api/", import.meta.url);

// A 4xx/5xx answer: `message` is the server's `error`, already in the reader's language.
export class ApiError extends Error {
  constructor(status, body) {
    super(typeof body?.error === "string" ? body.error : "");
    this.status = status;
    this.code = body?.code ?? null;
    this.field = body?.field ?? null;
  }
}

// 401: initData missing, forged or stale. Nothing works after it.
export class Unauthorized extends ApiError {}

// No answer at all (offline, DNS, the server down before HTTP).
export class Offline extends Error {}

let blocked = null;

async function request(method, path, { body, query, signal } = {}) {
  if (blocked) throw blocked;
  const url = new URL(path, ROOT);
  for (const [name, value] of Object.entries(query ?? {})) url.searchParams.set(name, value);
  const headers = { Accept: "application/json", Authorization: `tma ${initData()}` };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  let response;
  try {
    response = await fetch(url, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal,
      cache: "no-store",
    });
  } catch (error) {
    if (error?.name === "AbortError") throw error;
    throw new Offline();
  }
  const data = await response.json().catch(() => null);
  if (response.status === 401) {
    blocked = new Unauthorized(401, data);
    throw blocked;
  }
  if (!response.ok || data === null) throw new ApiError(response.status, data);
  return data;
}

const id = (value) => encodeURIComponent(String(value));

export const api = {
  session: () => request("GET", "session"),
  categories: () => request("GET", "categories"),
  category: (categoryId, page) =>
    request("GET", `categories/${id(categoryId)}`, { query: { page } }),
  product: (productId) => request("GET", `products/${id(productId)}`),
  save: (productId, saved) =>
    request(saved ? "PUT" : "DELETE", `products/${id(productId)}/saved`),
  notifyMe: (productId, sizeId, wanted) =>
    request(wanted ? "PUT" : "DELETE", `products/${id(productId)}/sizes/${id(sizeId)}/alert`),
  wishlist: (page) => request("GET", "wishlist", { query: { page } }),
  unsave: (productId, page) =>
    request("DELETE", `wishlist/${id(productId)}`, { query: { page } }),
  search: (q, page, signal) => request("GET", "search", { query: { q, page }, signal }),
  cart: () => request("GET", "cart"),
  addToCart: (productId, sizeId, quantity) =>
    request("POST", "cart/items", {
      body: { product_id: productId, size_id: sizeId, quantity },
    }),
  setQuantity: (sizeId, quantity) =>
    request("PUT", `cart/items/${id(sizeId)}`, { body: { quantity } }),
  addresses: () => request("GET", "addresses"),
  saveAddress: (fields) => request("POST", "addresses", { body: fields }),
  checkout: (addressId, shippingId) =>
    request("POST", "checkout", {
      body: shippingId ? { address_id: addressId, shipping_id: shippingId } : { address_id: addressId },
    }),
  placeOrder: (addressId, fingerprint, shippingId, promoId) =>
    request("POST", "orders", {
      body: { address_id: addressId, fingerprint, shipping_id: shippingId || 0, promo_id: promoId },
    }),
  applyPromo: (addressId, code) =>
    request("POST", "checkout/promo", { body: { address_id: addressId, code } }),
  removePromo: (addressId) =>
    request("DELETE", "checkout/promo", { body: { address_id: addressId } }),
  pay: (orderId) => request("POST", `orders/${id(orderId)}/pay`),
  order: (orderId) => request("GET", `orders/${id(orderId)}`),
};
