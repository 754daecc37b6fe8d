"""The shop's tables. Importing this package registers every model on Base.metadata."""

from bot.models.admin import (
    AdminAction,
    Broadcast,
    BroadcastRecipient,
    BroadcastStatus,
    RecipientStatus,
)
from bot.models.base import LARGEST_ID, Base, utcnow
from bot.models.cart import MAX_LINE_QUANTITY, Cart, CartItem
from bot.models.catalog import (
    MAX_DIGITAL_KEY,
    MAX_DIGITAL_TEXT,
    MAX_PRODUCT_PHOTOS,
    CatalogRevision,
    Category,
    CategoryTranslation,
    DigitalFileType,
    DigitalKey,
    GalleryPhoto,
    Product,
    ProductKind,
    ProductTranslation,
    Size,
)
from bot.models.dialog import DialogState
from bot.models.order import (
    ALLOWED_TRANSITIONS,
    PURCHASED_STATUSES,
    Order,
    OrderItem,
    OrderStatus,
    OrderStatusChange,
)
from bot.models.outbox import OutboxMessage, OutboxStatus
from bot.models.payment import (
    PaymentDetails,
    PaymentInformation,
    PaymentProvider,
    PaymentStatus,
)
from bot.models.promo import PROMO_CODE_MAX, PromoCode, PromoRedemption
from bot.models.provider_event import ProviderEvent
from bot.models.review import REVIEW_MAX_LENGTH, Rating, Review
from bot.models.shipping import SHIPPING_NAME_MAX, ShippingOption
from bot.models.stock_alert import StockAlert
from bot.models.support import SupportConversation, SupportMessage, SupportMute
from bot.models.user import Address, User
from bot.models.wishlist import SavedProduct

__all__ = [
    "ALLOWED_TRANSITIONS",
    "LARGEST_ID",
    "MAX_DIGITAL_KEY",
    "MAX_DIGITAL_TEXT",
    "MAX_LINE_QUANTITY",
    "MAX_PRODUCT_PHOTOS",
    "PROMO_CODE_MAX",
    "PURCHASED_STATUSES",
    "REVIEW_MAX_LENGTH",
    "SHIPPING_NAME_MAX",
    "Address",
    "AdminAction",
    "Base",
    "Broadcast",
    "BroadcastRecipient",
    "BroadcastStatus",
    "Cart",
    "CartItem",
    "CatalogRevision",
    "Category",
    "CategoryTranslation",
    "DialogState",
    "DigitalFileType",
    "DigitalKey",
    "GalleryPhoto",
    "Order",
    "OrderItem",
    "OrderStatus",
    "OrderStatusChange",
    "OutboxMessage",
    "OutboxStatus",
    "PaymentDetails",
    "PaymentInformation",
    "PaymentProvider",
    "PaymentStatus",
    "Product",
    "ProductKind",
    "ProductTranslation",
    "PromoCode",
    "PromoRedemption",
    "ProviderEvent",
    "Rating",
    "RecipientStatus",
    "Review",
    "SavedProduct",
    "ShippingOption",
    "Size",
    "StockAlert",
    "SupportConversation",
    "SupportMessage",
    "SupportMute",
    "User",
    "utcnow",
]
