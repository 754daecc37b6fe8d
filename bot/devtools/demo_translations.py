"""The demo catalogue (bot.devtools.demo_catalog) in the shop's other languages: Russian,
Spanish, Brazilian Portuguese and German, so the demo shop shows customers the catalogue in
their language. Keys are the English names exactly as demo_catalog spells them; brands are
invented names and stay as they are."""

from __future__ import annotations

# Category (as in demo_catalog._RANGES) -> language -> category name.
CATEGORIES: dict[str, dict[str, str]] = {
    "Sneakers": {
        "ru": "Кроссовки и кеды",
        "es": "Zapatillas",
        "pt_BR": "Tênis",
        "de": "Sneaker",
    },
    "T-Shirts": {
        "ru": "Футболки",
        "es": "Camisetas",
        "pt_BR": "Camisetas",
        "de": "T-Shirts",
    },
    "Hoodies": {
        "ru": "Худи",
        "es": "Sudaderas con capucha",
        "pt_BR": "Moletons",
        "de": "Hoodies",
    },
    "Jeans": {
        "ru": "Джинсы",
        "es": "Vaqueros",
        "pt_BR": "Calças jeans",
        "de": "Jeans",
    },
    "Caps": {
        "ru": "Кепки",
        "es": "Gorras",
        "pt_BR": "Bonés",
        "de": "Caps",
    },
    "Accessories": {
        "ru": "Аксессуары",
        "es": "Accesorios",
        "pt_BR": "Acessórios",
        "de": "Accessoires",
    },
    "Jackets": {
        "ru": "Куртки",
        "es": "Chaquetas",
        "pt_BR": "Jaquetas",
        "de": "Jacken",
    },
}

# Model (as in demo_catalog._RANGES) -> language -> (model name, description).
MODELS: dict[str, dict[str, tuple[str, str]]] = {
    # Sneakers
    "Court Classic Sneakers": {
        "ru": (
            "Кеды Court Classic",
            "Низкие кожаные кеды с мягким кантом вокруг щиколотки.",
        ),
        "es": (
            "Zapatillas Court Classic",
            "Zapatillas bajas de piel con cuello acolchado.",
        ),
        "pt_BR": (
            "Tênis Court Classic",
            "Tênis cano baixo de couro com colarinho acolchoado.",
        ),
        "de": (
            "Court Classic Sneaker",
            "Low-Top-Sneaker aus Leder mit gepolstertem Schaftrand.",
        ),
    },
    "Trail Runner Sneakers": {
        "ru": (
            "Кроссовки Trail Runner",
            "Лёгкие беговые кроссовки с дышащим сетчатым верхом.",
        ),
        "es": (
            "Zapatillas Trail Runner",
            "Zapatillas de running ligeras con parte superior de malla transpirable.",
        ),
        "pt_BR": (
            "Tênis Trail Runner",
            "Tênis de corrida leve com cabedal em mesh respirável.",
        ),
        "de": (
            "Trail Runner Sneaker",
            "Leichte Laufschuhe mit atmungsaktivem Mesh-Obermaterial.",
        ),
    },
    "Canvas High-Top Sneakers": {
        "ru": (
            "Высокие кеды из канваса",
            "Высокие кеды из хлопкового канваса с вулканизированной резиновой подошвой.",
        ),
        "es": (
            "Zapatillas altas de lona",
            "Zapatillas altas de lona de algodón con suela de goma vulcanizada.",
        ),
        "pt_BR": (
            "Tênis cano alto de lona",
            "Tênis cano alto em lona de algodão com solado de borracha vulcanizada.",
        ),
        "de": (
            "Canvas High-Top Sneaker",
            "High-Top-Sneaker aus Baumwoll-Canvas mit vulkanisierter Gummisohle.",
        ),
    },
    "Street Knit Sneakers": {
        "ru": (
            "Кроссовки Street Knit",
            "Трикотажные кроссовки-носки, в которых удобно весь день.",
        ),
        "es": (
            "Zapatillas Street Knit",
            "Zapatillas de punto tipo calcetín, cómodas durante todo el día.",
        ),
        "pt_BR": (
            "Tênis Street Knit",
            "Tênis em malha com ajuste tipo meia, confortável o dia todo.",
        ),
        "de": (
            "Street Knit Sneaker",
            "Strick-Sneaker in Sockenoptik, die den ganzen Tag bequem bleiben.",
        ),
    },
    # T-Shirts
    "Essential Crew T-Shirt": {
        "ru": (
            "Футболка Essential с круглым вырезом",
            "Мягкая футболка из органического хлопка с круглым вырезом в рубчик.",
        ),
        "es": (
            "Camiseta Essential de cuello redondo",
            "Camiseta suave de algodón orgánico con cuello redondo de canalé.",
        ),
        "pt_BR": (
            "Camiseta Essential gola careca",
            "Camiseta macia de algodão orgânico com gola careca canelada.",
        ),
        "de": (
            "Essential Rundhals-T-Shirt",
            "Weiches T-Shirt aus Bio-Baumwolle mit geripptem Rundhalsausschnitt.",
        ),
    },
    "Heavyweight Boxy T-Shirt": {
        "ru": (
            "Плотная футболка свободного кроя",
            "Плотный хлопковый джерси 240 г, свободный прямой крой.",
        ),
        "es": (
            "Camiseta boxy fit de gramaje alto",
            "Punto de algodón grueso de 240 g con corte holgado y cuadrado.",
        ),
        "pt_BR": (
            "Camiseta boxy de gramatura alta",
            "Malha de algodão encorpada de 240 g com modelagem ampla e quadrada.",
        ),
        "de": (
            "Heavyweight Boxy T-Shirt",
            "Dicker Baumwolljersey mit 240 g in lässiger Boxy-Passform.",
        ),
    },
    "Pocket T-Shirt": {
        "ru": (
            "Футболка с карманом",
            "Футболка классического кроя с нагрудным карманом и двойной строчкой по краям.",
        ),
        "es": (
            "Camiseta con bolsillo",
            "Camiseta de corte clásico con bolsillo en el pecho y dobladillos con doble pespunte.",
        ),
        "pt_BR": (
            "Camiseta com bolso",
            "Camiseta de modelagem clássica com bolso no peito e barras com costura dupla.",
        ),
        "de": (
            "T-Shirt mit Brusttasche",
            "T-Shirt in klassischer Passform mit Brusttasche und doppelt gesteppten Säumen.",
        ),
    },
    "Performance Sport T-Shirt": {
        "ru": (
            "Спортивная футболка Performance",
            "Быстросохнущая футболка из переработанного полиэстера для тренировок.",
        ),
        "es": (
            "Camiseta deportiva Performance",
            "Camiseta de secado rápido de poliéster reciclado para entrenar.",
        ),
        "pt_BR": (
            "Camiseta esportiva Performance",
            "Camiseta de secagem rápida em poliéster reciclado para treinos.",
        ),
        "de": (
            "Performance Sport-T-Shirt",
            "Schnell trocknendes T-Shirt aus recyceltem Polyester fürs Training.",
        ),
    },
    # Hoodies
    "Classic Pullover Hoodie": {
        "ru": (
            "Классическое худи",
            "Худи из футера с начёсом и карманом-кенгуру.",
        ),
        "es": (
            "Sudadera con capucha clásica",
            "Sudadera con capucha de felpa perchada y bolsillo canguro.",
        ),
        "pt_BR": (
            "Moletom clássico com capuz",
            "Moletom felpado com capuz e bolso canguru.",
        ),
        "de": (
            "Klassischer Hoodie",
            "Hoodie aus innen angerautem Sweat mit Kängurutasche.",
        ),
    },
    "Zip-Up Hoodie": {
        "ru": (
            "Худи на молнии",
            "Худи на молнии во всю длину из петельчатого хлопкового футера средней плотности.",
        ),
        "es": (
            "Sudadera con capucha y cremallera",
            "Sudadera con cremallera completa en felpa de algodón sin perchar de grosor medio.",
        ),
        "pt_BR": (
            "Moletom com capuz e zíper",
            "Moletom com zíper inteiro em moletinho de algodão de gramatura média.",
        ),
        "de": (
            "Zip-Hoodie",
            "Hoodie mit durchgehendem Reißverschluss aus mittelschwerem Baumwoll-French-Terry.",
        ),
    },
    "Oversized Hoodie": {
        "ru": (
            "Худи оверсайз",
            "Свободное худи со спущенной линией плеча из плотного футера с начёсом.",
        ),
        "es": (
            "Sudadera con capucha oversize",
            "Hombros caídos y corte holgado en felpa perchada de gramaje alto.",
        ),
        "pt_BR": (
            "Moletom oversized",
            "Ombros caídos e modelagem ampla em moletom felpado pesado.",
        ),
        "de": (
            "Oversized Hoodie",
            "Hoodie aus schwerem Sweat mit überschnittenen Schultern und weiter Passform.",
        ),
    },
    "Tech Fleece Hoodie": {
        "ru": (
            "Худи Tech Fleece",
            "Приталенное худи из гладкого tech fleece с карманами на молнии.",
        ),
        "es": (
            "Sudadera con capucha Tech Fleece",
            "Sudadera entallada de tech fleece liso con capucha y bolsillos con cremallera.",
        ),
        "pt_BR": (
            "Moletom Tech Fleece",
            "Moletom com capuz de modelagem slim em tech fleece liso e bolsos com zíper.",
        ),
        "de": (
            "Tech Fleece Hoodie",
            "Schmal geschnittener Hoodie aus glattem Tech Fleece mit Reißverschlusstaschen.",
        ),
    },
    # Jeans
    "Slim Fit Jeans": {
        "ru": (
            "Джинсы slim fit",
            "Джинсы из эластичного денима, облегающие в бёдрах и зауженные к щиколотке.",
        ),
        "es": (
            "Vaqueros slim fit",
            "Vaqueros de denim elástico, ajustados en el muslo y estrechos en el tobillo.",
        ),
        "pt_BR": (
            "Calça jeans slim",
            "Calça jeans em denim com elastano, ajustada nas coxas e estreita no tornozelo.",
        ),
        "de": (
            "Slim Fit Jeans",
            "Jeans aus Stretchdenim, schmal am Oberschenkel und eng zulaufend am Knöchel.",
        ),
    },
    "Straight Leg Jeans": {
        "ru": (
            "Прямые джинсы",
            "Жёсткий деним 13 унций и прямой крой, который не выходит из моды.",
        ),
        "es": (
            "Vaqueros rectos",
            "Denim rígido de 13 oz con pernera recta y atemporal.",
        ),
        "pt_BR": (
            "Calça jeans reta",
            "Denim rígido de 13 oz com perna reta e atemporal.",
        ),
        "de": (
            "Straight Leg Jeans",
            "Jeans aus festem 13-oz-Denim mit geradem, zeitlosem Bein.",
        ),
    },
    "Relaxed Carpenter Jeans": {
        "ru": (
            "Свободные джинсы carpenter",
            "Свободные джинсы в стиле workwear с петлёй для молотка и карманами для инструментов.",
        ),
        "es": (
            "Vaqueros carpenter holgados",
            "Vaqueros amplios de estilo workwear con trabilla para martillo y bolsillos para "
            "herramientas.",
        ),
        "pt_BR": (
            "Calça jeans carpinteira ampla",
            "Calça jeans ampla estilo workwear com alça para martelo e bolsos para ferramentas.",
        ),
        "de": (
            "Relaxed Carpenter Jeans",
            "Weite Workwear-Jeans mit Hammerschlaufe und Werkzeugtaschen.",
        ),
    },
    "Tapered Selvedge Jeans": {
        "ru": (
            "Зауженные джинсы из селвидж-денима",
            "Японский селвидж-деним, который со временем красиво вытирается.",
        ),
        "es": (
            "Vaqueros tapered de denim selvedge",
            "Denim selvedge japonés que envejece de maravilla con el uso.",
        ),
        "pt_BR": (
            "Calça jeans tapered selvedge",
            "Denim selvedge japonês que desbota lindamente com o uso.",
        ),
        "de": (
            "Tapered Selvedge Jeans",
            "Japanischer Selvedge-Denim, der beim Tragen wunderschön ausbleicht.",
        ),
    },
    # Caps
    "Baseball Cap": {
        "ru": (
            "Бейсболка",
            "Шестиклинная бейсболка из хлопкового твила с регулируемым ремешком.",
        ),
        "es": (
            "Gorra de béisbol",
            "Gorra de seis paneles de sarga de algodón con correa ajustable.",
        ),
        "pt_BR": (
            "Boné baseball",
            "Boné de seis gomos em sarja de algodão com alça ajustável.",
        ),
        "de": (
            "Baseball Cap",
            "Six-Panel-Cap aus Baumwolltwill mit verstellbarem Riemen.",
        ),
    },
    "Trucker Cap": {
        "ru": (
            "Кепка-тракер",
            "Кепка-тракер с сеткой сзади и поролоновой передней панелью.",
        ),
        "es": (
            "Gorra trucker",
            "Gorra trucker con rejilla trasera y panel frontal de espuma.",
        ),
        "pt_BR": (
            "Boné trucker",
            "Boné trucker com tela traseira e painel frontal de espuma.",
        ),
        "de": (
            "Trucker Cap",
            "Trucker Cap mit Mesh-Rückseite und Frontpanel aus Schaumstoff.",
        ),
    },
    "Corduroy Dad Cap": {
        "ru": (
            "Вельветовая кепка dad cap",
            "Мягкая вельветовая кепка без каркаса с изогнутым козырьком.",
        ),
        "es": (
            "Gorra dad cap de pana",
            "Gorra de pana sin estructura con visera curva.",
        ),
        "pt_BR": (
            "Boné dad hat de veludo cotelê",
            "Boné de veludo cotelê sem estrutura com aba curva.",
        ),
        "de": (
            "Cord Dad Cap",
            "Cap aus Cord ohne Versteifung, mit gebogenem Schirm.",
        ),
    },
    "Wool Snapback Cap": {
        "ru": (
            "Шерстяной снэпбек",
            "Снэпбек с прямым козырьком из тёплой смесовой шерсти.",
        ),
        "es": (
            "Gorra snapback de lana",
            "Snapback de visera plana en una cálida mezcla de lana.",
        ),
        "pt_BR": (
            "Boné snapback de lã",
            "Snapback de aba reta em mistura de lã quentinha.",
        ),
        "de": (
            "Snapback Cap aus Wolle",
            "Snapback mit flachem Schirm aus einer warmen Wollmischung.",
        ),
    },
    # Accessories
    "Leather Belt": {
        "ru": (
            "Кожаный ремень",
            "Ремень из полнозернистой кожи с пряжкой из матовой стали.",
        ),
        "es": (
            "Cinturón de piel",
            "Cinturón de piel plena flor con hebilla de acero cepillado.",
        ),
        "pt_BR": (
            "Cinto de couro",
            "Cinto em couro flor integral com fivela de aço escovado.",
        ),
        "de": (
            "Ledergürtel",
            "Gürtel aus Vollnarbenleder mit Schnalle aus gebürstetem Stahl.",
        ),
    },
    "Canvas Tote Bag": {
        "ru": (
            "Сумка-шопер из канваса",
            "Прочный шопер из канваса с внутренним карманом, в него помещается ноутбук.",
        ),
        "es": (
            "Bolso tote de lona",
            "Bolso tote de lona resistente con bolsillo interior y espacio para un portátil.",
        ),
        "pt_BR": (
            "Bolsa tote de lona",
            "Bolsa tote de lona resistente com bolso interno e espaço para notebook.",
        ),
        "de": (
            "Tote Bag aus Canvas",
            "Robuste Canvas-Tasche mit Innentasche, groß genug für einen Laptop.",
        ),
    },
    "Ribbed Beanie": {
        "ru": (
            "Шапка-бини в рубчик",
            "Мягкая шапка из мериноса в рубчик с отворотом.",
        ),
        "es": (
            "Gorro de canalé",
            "Gorro suave de punto acanalado de merino con vuelta.",
        ),
        "pt_BR": (
            "Gorro canelado",
            "Gorro macio de lã merino canelada com barra dobrada.",
        ),
        "de": (
            "Ripp-Beanie",
            "Weiche Mütze aus Merinowolle in Rippstrick mit Umschlag.",
        ),
    },
    "Crew Socks 3-Pack": {
        "ru": (
            "Носки средней длины, 3 пары",
            "Три пары хлопковых носков средней длины с уплотнённой стопой.",
        ),
        "es": (
            "Calcetines de caña media (pack de 3)",
            "Tres pares de calcetines de algodón de caña media acolchados.",
        ),
        "pt_BR": (
            "Kit com 3 pares de meias cano médio",
            "Três pares de meias de algodão cano médio, acolchoadas.",
        ),
        "de": (
            "Crew-Socken im 3er-Pack",
            "Drei Paar gepolsterte Crew-Socken aus Baumwolle.",
        ),
    },
    # Jackets
    "Denim Trucker Jacket": {
        "ru": (
            "Джинсовая куртка trucker",
            "Классическая джинсовая куртка с нагрудными карманами и металлическими пуговицами.",
        ),
        "es": (
            "Cazadora vaquera trucker",
            "Cazadora vaquera clásica con bolsillos en el pecho y botones metálicos.",
        ),
        "pt_BR": (
            "Jaqueta jeans trucker",
            "Jaqueta jeans clássica com bolsos no peito e botões de metal.",
        ),
        "de": (
            "Trucker-Jeansjacke",
            "Klassische Jeansjacke mit Brusttaschen und Metallknöpfen.",
        ),
    },
    "Packable Rain Jacket": {
        "ru": (
            "Складная куртка-дождевик",
            "Непромокаемая дышащая куртка, которая складывается в собственный карман.",
        ),
        "es": (
            "Chubasquero plegable",
            "Chaqueta impermeable y transpirable que se guarda en su propio bolsillo.",
        ),
        "pt_BR": (
            "Jaqueta impermeável dobrável",
            "Jaqueta impermeável e respirável que se guarda no próprio bolso.",
        ),
        "de": (
            "Packbare Regenjacke",
            "Wasserdichte, atmungsaktive Jacke, die sich in der eigenen Tasche verstauen lässt.",
        ),
    },
    "Quilted Puffer Jacket": {
        "ru": (
            "Стёганый пуховик",
            "Тёплый пуховик с наполнителем из переработанного пуха и воротником-стойкой.",
        ),
        "es": (
            "Plumífero acolchado",
            "Plumífero cálido de plumón reciclado con cuello alto.",
        ),
        "pt_BR": (
            "Jaqueta puffer matelassê",
            "Jaqueta puffer quente com enchimento de pluma reciclada e gola alta.",
        ),
        "de": (
            "Gesteppte Pufferjacke",
            "Warme Pufferjacke mit recycelter Daunenfüllung und Stehkragen.",
        ),
    },
    "Coach Jacket": {
        "ru": (
            "Куртка-коуч",
            "Лёгкая нейлоновая куртка на кнопках с кулиской по низу.",
        ),
        "es": (
            "Chaqueta coach",
            "Chaqueta ligera de nailon con botones de presión y cordón ajustable en el bajo.",
        ),
        "pt_BR": (
            "Jaqueta coach",
            "Jaqueta leve de nylon com botões de pressão e cordão de ajuste na barra.",
        ),
        "de": (
            "Coach Jacket",
            "Leichte Nylonjacke mit Druckknopfleiste und Tunnelzug am Saum.",
        ),
    },
}

# Colour (as in demo_catalog.COLOURS) -> language -> (as in a product name, after the
# description's colour label).
COLOURS: dict[str, dict[str, tuple[str, str]]] = {
    "Black": {
        "ru": ("Чёрный", "чёрный"),
        "es": ("Negro", "negro"),
        "pt_BR": ("Preto", "preto"),
        "de": ("Schwarz", "Schwarz"),
    },
    "White": {
        "ru": ("Белый", "белый"),
        "es": ("Blanco", "blanco"),
        "pt_BR": ("Branco", "branco"),
        "de": ("Weiß", "Weiß"),
    },
    "Navy": {
        "ru": ("Тёмно-синий", "тёмно-синий"),
        "es": ("Azul marino", "azul marino"),
        "pt_BR": ("Azul-marinho", "azul-marinho"),
        "de": ("Navy", "Navy"),
    },
    "Olive": {
        "ru": ("Оливковый", "оливковый"),
        "es": ("Oliva", "oliva"),
        "pt_BR": ("Verde-oliva", "verde-oliva"),
        "de": ("Oliv", "Oliv"),
    },
    "Grey": {
        "ru": ("Серый", "серый"),
        "es": ("Gris", "gris"),
        "pt_BR": ("Cinza", "cinza"),
        "de": ("Grau", "Grau"),
    },
    "Sand": {
        "ru": ("Песочный", "песочный"),
        "es": ("Arena", "arena"),
        "pt_BR": ("Areia", "areia"),
        "de": ("Sand", "Sand"),
    },
    "Burgundy": {
        "ru": ("Бордовый", "бордовый"),
        "es": ("Burdeos", "burdeos"),
        "pt_BR": ("Bordô", "bordô"),
        "de": ("Bordeaux", "Bordeaux"),
    },
    "Forest Green": {
        "ru": ("Тёмно-зелёный", "тёмно-зелёный"),
        "es": ("Verde bosque", "verde bosque"),
        "pt_BR": ("Verde floresta", "verde floresta"),
        "de": ("Waldgrün", "Waldgrün"),
    },
}

# Language -> the description's closing sentence, e.g. "Farbe: Schwarz."
COLOUR_LABEL: dict[str, str] = {
    "ru": "Цвет: {colour}.",
    "es": "Color: {colour}.",
    "pt_BR": "Cor: {colour}.",
    "de": "Farbe: {colour}.",
}
