"""Money: the figures that are sums someone has, gives or gets, and the prices, rates, values and conversions
that are not."""

from __future__ import annotations

import re

from summarizer.facts.places import LOOK_BACK
from summarizer.facts.record import Head
from summarizer.numbers import Quantity

CURRENCY_WORDS = {
    "dollars": "USD",
    "euros": "EUR",
    "euro": "EUR",  # "2.7 billion euro"
    "pounds": "GBP",
    "yen": "JPY",
    "roubles": "RUB",
    "rubles": "RUB",
    "yuan": "CNY",
    "renminbi": "CNY",
    "rupees": "INR",
    "won": "KRW",
    "riyals": "SAR",
    "dirhams": "AED",
    "francs": "CHF",
    "reais": "BRL",
    "rand": "ZAR",
    "naira": "NGN",
    "lira": "TRY",
    "pesos": "MXN",
    "shekels": "ILS",
    "kroner": "DKK",
    "kronor": "SEK",
    "zlotys": "PLN",
}
CURRENCY_WORD = "|".join(CURRENCY_WORDS)
# dollars that say whose they are: "Canadian dollars", "Hong Kong dollars"
NAMED_DOLLARS = {"Canadian": "CAD", "Australian": "AUD", "New Zealand": "NZD", "Hong Kong": "HKD"}

CURRENCY_SIGNS = {
    "$": "USD",
    "US$": "USD",
    "€": "EUR",
    "£": "GBP",
    "¥": "JPY",
    "₹": "INR",
    "₽": "RUB",
    "A$": "AUD",
    "C$": "CAD",
    "NZ$": "NZD",
    "HK$": "HKD",
    "Rs": "INR",
    "Rs.": "INR",
    "S$": "SGD",
    "NT$": "TWD",
    "R$": "BRL",
    "₦": "NGN",
    "₩": "KRW",
    "₱": "PHP",
    "₺": "TRY",
    "₪": "ILS",
    "Sh": "Sh",  # shillings: Kenya's, Tanzania's or Uganda's, as the paper writes them
    "KSh": "KES",
    "Ksh": "KES",
    "RM": "MYR",
}

# Money that is a price, a rate or a level, not an amount someone has: "$68.75 a barrel", "$2.53 per share",
# "$6.99-a-month", "$0.06/kWh", "$125 billion worth of goods", and a conversion in brackets after an amount.
_PRICE_AFTER = re.compile(
    r"^(?:\s+(?:US\s+)?(?:dollars|euros|pounds|yen|yuan|francs|rupees))?"  # "147 dollars a barrel"
    r"(?:-a-|\s*/\s*|\s+(?:a|an|per|each)\s+(?:diluted\s+)?)(?:barrel|ounce|tonne|ton|share|gallon|litre|liter|"
    r"kwh|kilowatt|megawatt|watt|month|week|day|hour|pound|kilo|kg|head|person|unit|seat|ticket|dose|night)s?\b"
    r"|^\s+(?:[a-z]+\s+)?(?:range|level|mark|area|handle|zone)\b"
    r"|^\s+(?:worth\s+of|in\s+(?:\w+\s+){0,2}goods|(?:\w+\s+){0,2}of\s+(?:[\w-]+\s+){0,4}?(?:goods|imports|exports|products))\b",
    re.IGNORECASE,
)

_CONVERSION_BEFORE = re.compile(
    r"(?:[$€£¥₹₽]\s?[\d.,]+\s*(?:bn|billion|m|million|k|thousand|trillion|tn)?|"
    r"[\d.,]+\s*(?:billion|million|thousand)?\s+(?:\w+\s+)?(?:" + CURRENCY_WORD + r"))\s*\(\s*[A-Z]{0,3}$"
)

# "raised his price target for Apple from $135 to $145", "its shares at $12": what one share costs
_PRICE_BEFORE = re.compile(
    r"\b(?:price\s+target|target\s+price|share\s+price|stock\s+price)\b[^.;,]{0,40}$", re.IGNORECASE
)

# "2.1733 trillion yen ($18.1bn; £11.7bn)": each further currency in the brackets is the same sum again
_LATER_CONVERSION = re.compile(
    r"\(\s*[A-Z]{0,3}[$€£¥₹₽][\d.,]+\s*(?:bn|billion|m|million|tn|trillion)?\s*[;,/]\s*[A-Z]{0,3}$"
)

_VALUATION_BEFORE = re.compile(
    r"\b(?:(?:valuation|market\s+(?:value|capitali[sz]ation)|market\s+cap|net\s+asset\s+value)\s+(?:of\s+|to\s+|at\s+)?"
    r"|(?:stake|holding|shares|stock|assets|fortune|wealth|portfolio)\s+(?:\w+\s+){0,2}?(?:worth|valued\s+at)\s+)"
    r"(?:about\s+|around\s+|nearly\s+|some\s+|more\s+than\s+)?$",
    re.IGNORECASE,
)  # "at a valuation of $725 million", "SoftBank's stake, worth about $4 billion": what the market says

_BRACKETED_AFTER_AMOUNT = re.compile(
    r"\d\s*(?:million|billion|trillion|bn|m|crore)?\s+(?:[A-Z]?[a-z]+\s+){1,6}\(\s*(?:[A-Z]{1,3})?$"
)

# the value of goods a tariff falls on is trade, not money anyone has: "US tariffs on another $200bn of Chinese goods"
_TARIFF_BEFORE = re.compile(
    r"\btariffs?\b[^.;$€£]{0,60}?\b(?:on|against|covering)\s+(?:another\s+|an?\s+|the\s+)?"
    r"(?:\w+,?\s+){0,2}?$",
    re.IGNORECASE,
)

# "$1.2925", "$68.75", "$13.60": cents (or finer) with no scale word are prices and rates, never an amount held
_CENTS = re.compile(
    r"\d\.\d{2,}(?!\d)(?!\s*(?:bn|billion|m\b|million|trillion|tn|k\b|thousand|lakh|crore))", re.IGNORECASE
)

_LEVEL_BEFORE = re.compile(r"\b(?:at|to)\s+(?:around\s+|about\s+)?$")  # "rose 9.7% to $6", "trading at $61"

MIN_MONEY = 100_000  # below this, a sum reached "at" or "to", or a sum "a year", is a price level or a wage
MIN_SUM = 10_000  # below this, money is a price (one annotated key fact in 2,300 was smaller: a list's EUR 7,500)
_YEARLY = re.compile(r"^\s+(?:[a-z]+\s+)?(?:(?:a|per)\s+(?:year|annum)|annually|yearly)\b")


def money_head(sentence: str, quantity: Quantity) -> Head | None:
    if _is_price(sentence, quantity):
        return None
    if quantity.currency:
        return Head(
            "money", CURRENCY_SIGNS.get(quantity.currency, quantity.currency), quantity.end, quantity.end, quantity.end
        )
    word = re.match(rf"^\s+(?:US\s+|U\.S\.\s+)?(?P<word>{CURRENCY_WORD})\b", sentence[quantity.end :])
    if word:
        return Head("money", CURRENCY_WORDS[word.group("word")], quantity.end, quantity.end, quantity.end + word.end())
    return None


def _is_price(sentence: str, quantity: Quantity) -> bool:
    """A price, rate, level or conversion rather than an amount of money someone has, gives or gets."""
    if _CENTS.search(quantity.text):
        return True
    if quantity.value is not None and quantity.value < MIN_SUM:
        return True  # "save $100 on", "sells a mat for $60": a price; no key fact is this small
    after = sentence[quantity.end :]
    if re.match(r"\s+pounds\s+of\s+(?!(?:aid|funding|money|cash|investment|assistance|support)\b)", after):
        return True  # "5,200 pounds of water vapor": a weight
    small = quantity.value is not None and quantity.value < MIN_MONEY
    if small and _YEARLY.match(after):
        return True  # "around $60,000 a year": a household's spending, a salary
    if small and _LEVEL_BEFORE.search(sentence[max(0, quantity.start - LOOK_BACK) : quantity.start]):
        return True
    before = sentence[max(0, quantity.start - LOOK_BACK) : quantity.start]
    if _BRACKETED_AFTER_AMOUNT.search(before):  # "10 million Swiss franc ($10.9 million)": the same sum again
        return True
    if _VALUATION_BEFORE.search(before):  # "at a valuation of $725 million": what the market says, not a sum held
        return True
    if _PRICE_BEFORE.search(before) or _LATER_CONVERSION.search(before):
        return True
    if _SIZE_AFTER.match(after):  # "to create a $65 billion industrial gases group": a size, not a sum that moves
        return True
    return bool(_PRICE_AFTER.match(after) or _CONVERSION_BEFORE.search(before) or _TARIFF_BEFORE.search(before))


_SIZE_AFTER = re.compile(
    r"^\s+(?:(?!(?:in|into|for|to|on|from|at|by|with|of|the|a|an)\b)[a-z-]+\s+){0,3}?(?:group|company|firm|giant|conglomerate|empire|industry|market|economy)\b(?!\s+of\b)"
)


# a currency only one state issues: a public budget written in it is that state's
NATIONAL_CURRENCIES = {"INR": "IN", "JPY": "JP", "RUB": "RU"}

PUBLIC_MONEY = re.compile(
    r"\b(?:budget|military\s+aid|aid\s+package|spending\s+on\s+defen[cs]e|allocated|"
    r"set\s+aside)\b",
    re.IGNORECASE,
)
