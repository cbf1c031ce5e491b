"""The mail's fixed texts in German, English and Chinese, chosen by the issue's language.

Kept as data so that a missing translation fails a test instead of showing a blank.
"""

from __future__ import annotations

import datetime

TEXTS: dict[str, dict[str, str]] = {
    "de": {
        "org_name": "ISA – Chinesisch-Deutsche Industriestädteallianz",
        "read_more": "Lesen Sie mehr",
        "view_online": "Im Browser ansehen",
        "web_version": "Web-Version",
        "unsubscribe": "Abmelden",
        "unsubscribe_line": "Sie möchten den Newsletter nicht mehr erhalten? Hier abmelden",
        "why": "Sie erhalten diesen Newsletter, weil Sie sich mit {email} "
        "für den ISA-Newsletter angemeldet haben.",
        "your_address": "Ihrer E-Mail-Adresse",
        "imprint": "Impressum",
        "publisher": "Herausgeber",
        "contact": "Kontakt",
        "website": "Website",
        "privacy": "Datenschutzerklärung",
        "links": "Links",
    },
    "en": {
        "org_name": "ISA – Sino-German Industrial Cities Alliance",
        "read_more": "Read more",
        "view_online": "View in your browser",
        "web_version": "Web version",
        "unsubscribe": "Unsubscribe",
        "unsubscribe_line": "No longer want to receive this newsletter? Unsubscribe here",
        "why": "You are receiving this newsletter because you subscribed to the ISA "
        "newsletter with {email}.",
        "your_address": "your e-mail address",
        "imprint": "Imprint",
        "publisher": "Publisher",
        "contact": "Contact",
        "website": "Website",
        "privacy": "Privacy policy",
        "links": "Links",
    },
    "zh": {
        "org_name": "ISA – 中德工业城市联盟",
        "read_more": "阅读全文",
        "view_online": "在浏览器中查看",
        "web_version": "网页版",
        "unsubscribe": "退订",
        "unsubscribe_line": "不想再收到本简报？请点此退订",
        "why": "您收到本简报，是因为您使用 {email} 订阅了 ISA 新闻简报。",
        "your_address": "您的电子邮箱",
        "imprint": "出版信息",
        "publisher": "出版方",
        "contact": "联系方式",
        "website": "网站",
        "privacy": "隐私政策",
        "links": "链接",
    },
}

_MONTHS = {
    "de": "Januar Februar März April Mai Juni Juli August September Oktober November Dezember",
    "en": "January February March April May June July August September October November December",
}


def texts(language: str) -> dict[str, str]:
    return TEXTS[language]


def month_year(date: datetime.date, language: str) -> str:
    """The issue's month as readers write it: "Oktober 2020", "October 2020", "2020年10月"."""
    if language == "zh":
        return f"{date.year}年{date.month}月"
    return f"{_MONTHS[language].split()[date.month - 1]} {date.year}"
