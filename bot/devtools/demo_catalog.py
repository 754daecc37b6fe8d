"""A demo shop to try the bot with: seven categories and 56 products, each with a picture.

Generated from a small table (each model in two colours, by a rotating brand), so names,
prices, stock and pictures are deterministic and the same on every run. The pictures are drawn
into the shop's media directory (demo/<SKU>.png) and the products point at them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.devtools import demo_photos
from bot.devtools import demo_translations as translated
from bot.models import Product
from bot.services import catalog_translation as translations
from bot.services.catalog_translation import Texts
from bot.services.product import (
    bump_catalog_revision,
    create_category,
    create_product,
    list_categories,
)
from bot.services.product_fields import ONE_SIZE
from bot.services.product_photo import media_reference

CURRENCY = "EUR"
SHOE_SIZES = tuple(str(size) for size in range(39, 46))
CLOTHING_SIZES = ("XS", "S", "M", "L", "XL", "XXL")
BRANDS = ("Northwind", "Kestrel", "Halden", "Urban Fox", "Marlow", "Tidewater", "Alder & Pine")
PICTURE_FOLDER = "demo"
COLOURS = ("Black", "White", "Navy", "Olive", "Grey", "Sand", "Burgundy", "Forest Green")


@dataclass(frozen=True, slots=True)
class _Range:
    category: str
    code: str
    sizes: tuple[str, ...]
    base_price: int  # euro cents
    models: tuple[tuple[str, str], ...]  # name and description


_RANGES = (
    _Range("Sneakers", "SNK", SHOE_SIZES, 7999, (
        ("Court Classic Sneakers", "Low-top leather sneakers with a padded collar."),
        ("Trail Runner Sneakers", "Light running sneakers with a breathable mesh upper."),
        ("Canvas High-Top Sneakers", "Cotton canvas high-tops with a vulcanised rubber sole."),
        ("Street Knit Sneakers", "Sock-like knit sneakers that stay comfortable all day."),
    )),
    _Range("T-Shirts", "TEE", CLOTHING_SIZES, 1999, (
        ("Essential Crew T-Shirt", "Soft organic cotton tee with a ribbed crew neck."),
        ("Heavyweight Boxy T-Shirt", "Thick 240 g cotton jersey in a relaxed, boxy fit."),
        ("Pocket T-Shirt", "Classic fit tee with a chest pocket and double-stitched hems."),
        ("Performance Sport T-Shirt", "Quick-drying recycled polyester tee for training."),
    )),
    _Range("Hoodies", "HOD", CLOTHING_SIZES, 4999, (
        ("Classic Pullover Hoodie", "Brushed fleece hoodie with a kangaroo pocket."),
        ("Zip-Up Hoodie", "Full-zip hoodie in midweight loopback cotton."),
        ("Oversized Hoodie", "Dropped shoulders and a roomy fit in heavyweight fleece."),
        ("Tech Fleece Hoodie", "Slim hoodie in smooth tech fleece with zipped pockets."),
    )),
    _Range("Jeans", "JNS", CLOTHING_SIZES, 6999, (
        ("Slim Fit Jeans", "Stretch denim jeans, slim through the thigh and narrow at the ankle."),
        ("Straight Leg Jeans", "Rigid 13 oz denim with a straight, timeless leg."),
        ("Relaxed Carpenter Jeans", "Roomy workwear jeans with a hammer loop and tool pockets."),
        ("Tapered Selvedge Jeans", "Japanese selvedge denim that fades beautifully with wear."),
    )),
    _Range("Caps", "CAP", (ONE_SIZE,), 2499, (
        ("Baseball Cap", "Six-panel cotton twill cap with an adjustable strap."),
        ("Trucker Cap", "Mesh-back trucker cap with a foam front panel."),
        ("Corduroy Dad Cap", "Unstructured corduroy cap with a curved brim."),
        ("Wool Snapback Cap", "Flat-brim snapback in a warm wool blend."),
    )),
    _Range("Accessories", "ACC", (ONE_SIZE,), 1499, (
        ("Leather Belt", "Full-grain leather belt with a brushed steel buckle."),
        ("Canvas Tote Bag", "Sturdy canvas tote with an inside pocket, big enough for a laptop."),
        ("Ribbed Beanie", "Soft merino rib-knit beanie with a turn-up cuff."),
        ("Crew Socks 3-Pack", "Three pairs of cushioned cotton crew socks."),
    )),
    _Range("Jackets", "JKT", CLOTHING_SIZES, 8999, (
        ("Denim Trucker Jacket", "Classic denim jacket with chest pockets and metal buttons."),
        ("Packable Rain Jacket", "Waterproof, breathable shell that packs into its own pocket."),
        ("Quilted Puffer Jacket", "Warm recycled-down puffer with a stand-up collar."),
        ("Coach Jacket", "Lightweight nylon jacket with a snap front and a drawcord hem."),
    )),
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class DemoProduct:
    sku: str
    name: str
    category: str
    price: int
    description: str
    sizes: tuple[tuple[str, int], ...]
    brand: str
    model: str
    colour: str
    translations: dict[str, tuple[str, str]]  # language -> name and description

    @property
    def texts(self) -> dict[tuple[str, str], str]:
        """Its translations as the catalogue stores them."""
        return {
            (field, language): text
            for language, texts in self.translations.items()
            for field, text in zip(("name", "description"), texts, strict=True)
        }

    @property
    def picture(self) -> str:
        """Its picture's path inside the media directory."""
        return f"{PICTURE_FOLDER}/{self.sku}.png"


def demo_products() -> list[DemoProduct]:
    """Each model in two colours; some sizes are sold out, as in any real shop."""
    products: list[DemoProduct] = []
    for range_number, line in enumerate(_RANGES):
        for model_number, (model, description) in enumerate(line.models):
            brand = BRANDS[(range_number + model_number) % len(BRANDS)]
            for shade in range(2):
                colour = COLOURS[(range_number * 3 + model_number * 2 + shade) % len(COLOURS)]
                seed = len(products)
                products.append(
                    DemoProduct(
                        sku=f"{line.code}-{model_number + 1:02d}-{colour[:3].upper()}",
                        name=f"{brand} {model} – {colour}",
                        category=line.category,
                        price=line.base_price + 1000 * model_number + 500 * shade,
                        description=f"{description} Colour: {colour.lower()}.",
                        sizes=tuple(
                            (size, (seed * 5 + position * 3) % 8)  # 0 now and then: sold out
                            for position, size in enumerate(line.sizes)
                        ),
                        brand=brand,
                        model=model,
                        colour=colour,
                        translations=_translated(brand, model, colour),
                    )
                )
    return products


def _translated(brand: str, model: str, colour: str) -> dict[str, tuple[str, str]]:
    texts = {}
    for language, (name, description) in translated.MODELS[model].items():
        in_name, in_text = translated.COLOURS[colour][language]
        tail = translated.COLOUR_LABEL[language].format(colour=in_text)
        texts[language] = (f"{brand} {name} – {in_name}", f"{description} {tail}")
    return texts


async def seed_demo(session: AsyncSession, *, media_dir: Path) -> int:
    """Load the demo catalogue, skipping what is already there; returns products created.

    Pictures go to media_dir/demo/; a demo product seeded before it had one gets it now, and
    its translations."""
    category_ids = {
        summary.name.casefold(): summary.id
        for summary in await list_categories(session, include_empty=True)
    }
    products = demo_products()
    demo_skus = [product.sku for product in products]
    existing = {
        product.sku: product
        for product in await session.scalars(select(Product).where(Product.sku.in_(demo_skus)))
    }
    created = 0
    texts: dict[int, Texts] = {}
    for product in products:
        key = product.category.casefold()
        if key not in category_ids:
            category_ids[key] = (await create_category(session, name=product.category)).id
        mine = existing.get(product.sku)
        if mine is not None and mine.name != product.name:
            continue  # the merchant's own product
        if mine is not None:
            texts[mine.id] = product.texts
            if not mine.photo:
                mine.photo = _picture(product, media_dir)
            continue
        made = await create_product(
            session,
            sku=product.sku,
            name=product.name,
            price=product.price,
            currency=CURRENCY,
            category_id=category_ids[key],
            description=product.description,
            sizes=product.sizes,
            photo=_picture(product, media_dir),
        )
        texts[made.id] = product.texts
        created += 1
    category_names = {
        category_ids[category.casefold()]: names
        for category, names in translated.CATEGORIES.items()
    }
    changed = await translations.replace_category_names(session, category_names)
    if await translations.replace_product_texts(session, texts) | changed:
        await bump_catalog_revision(session)
    await session.flush()
    return created


def _picture(product: DemoProduct, media_dir: Path) -> str:
    return media_reference(_draw(product, media_dir).relative_to(media_dir).as_posix())


def _draw(product: DemoProduct, media_dir: Path) -> Path:
    return demo_photos.save(
        media_dir / product.picture,
        lambda: demo_photos.draw(product.sku, product.colour, product.brand, product.model),
    )
