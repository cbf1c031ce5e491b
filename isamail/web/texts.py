"""The pages' texts in German, English and Chinese, and how a request picks one.

Kept as data so that a test can hold the three languages to the same keys.
"""

from __future__ import annotations

LANGUAGES = ("de", "en", "zh")
LANGUAGE_NAMES = {"de": "Deutsch", "en": "English", "zh": "中文"}

TEXTS: dict[str, dict[str, str]] = {
    "de": {
        "org": "ISA – Chinesisch-Deutsche Industriestädteallianz",
        "newsletter": "ISA-Newsletter",
        "nav_subscribe": "Abonnieren",
        "nav_archive": "Archiv",
        "subscribe_title": "Newsletter abonnieren",
        "subscribe_intro": "Einmal im Monat: Nachrichten aus den Partnerstädten, Projekte, "
        "Veranstaltungen und Ausschreibungen der Allianz.",
        "email": "E-Mail-Adresse",
        "name": "Name",
        "optional": "freiwillig",
        "lists": "Welche Newsletter möchten Sie erhalten?",
        "consent": "Mit „Abonnieren“ willige ich ein, dass mir die ISA den gewählten Newsletter "
        "per E-Mail schickt. Dazu werden meine Adresse, mein Name (falls angegeben) sowie Zeit, "
        "IP-Adresse und Browser der Anmeldung gespeichert. Ich kann mich jederzeit über den "
        "Link in jeder Ausgabe abmelden.",
        "privacy_more": "Mehr dazu in der Datenschutzerklärung",
        "submit": "Abonnieren",
        "honeypot": "Dieses Feld bitte leer lassen",
        "subscribed_title": "Fast geschafft!",
        "subscribed_text": "Bitte sehen Sie in Ihr Postfach: Falls die Adresse noch nicht "
        "angemeldet ist, haben wir Ihnen eine E-Mail mit einem Bestätigungslink geschickt. "
        "Erst mit Ihrer Bestätigung ist die Anmeldung abgeschlossen.",
        "subscribed_hint": "Keine Mail erhalten? Sehen Sie bitte auch im Spam-Ordner nach. "
        "Der Link ist 72 Stunden gültig.",
        "confirm_title": "Anmeldung bestätigen",
        "confirm_text": "Bitte bestätigen Sie, dass Sie diesen Newsletter erhalten möchten:",
        "confirm_button": "Ja, Anmeldung bestätigen",
        "confirmed_title": "Willkommen beim ISA-Newsletter!",
        "confirmed_text": "Ihre Anmeldung ist bestätigt. Die nächste Ausgabe kommt direkt in "
        "Ihr Postfach.",
        "unsub_title": "Newsletter abbestellen",
        "unsub_text": "Sie möchten „{list}“ nicht mehr erhalten?",
        "unsub_already": "Sie sind von „{list}“ bereits abgemeldet.",
        "unsub_address": "Abmelden wird die Adresse {address}.",
        "unsub_this": "Von „{list}“ abmelden",
        "unsub_all": "Von allen ISA-Newslettern abmelden",
        "unsubscribed_title": "Sie sind abgemeldet",
        "unsubscribed_address": "Abgemeldet: {address}",
        "unsubscribed_text": "Sie erhalten diesen Newsletter nicht mehr. War das ein Versehen? "
        "Sie können sich jederzeit wieder anmelden.",
        "unsubscribe_help": "Zum Abmelden nutzen Sie bitte den Link am Ende Ihrer "
        "Newsletter-E-Mail. Oder schreiben Sie uns: {contact}",
        "invalid_title": "Dieser Link ist ungültig",
        "invalid_text": "Der Link ist unvollständig, wurde verändert oder gehört zu einer "
        "Vorschau. Bitte öffnen Sie den Link direkt aus Ihrer E-Mail.",
        "expired_title": "Dieser Link ist abgelaufen",
        "expired_text": "Bestätigungslinks gelten 72 Stunden. Melden Sie sich einfach erneut an, "
        "Sie erhalten dann einen neuen Link.",
        "used_title": "Dieser Link wurde schon verwendet",
        "used_text": "Wenn Sie ihn selbst geöffnet haben, ist Ihre Anmeldung bereits bestätigt. "
        "Andernfalls melden Sie sich einfach erneut an.",
        "resubscribe": "Erneut anmelden",
        "error_title": "Das hat leider nicht geklappt",
        "bad_address": "Bitte prüfen Sie die E-Mail-Adresse.",
        "choose_list": "Bitte wählen Sie mindestens einen Newsletter aus der Liste.",
        "bad_request": "Die Anfrage war unvollständig. Bitte versuchen Sie es noch einmal.",
        "notfound_title": "Seite nicht gefunden",
        "notfound_text": "Diese Seite gibt es nicht (mehr).",
        "too_large": "Die Anfrage ist zu groß.",
        "server_error": "Ein interner Fehler ist aufgetreten. Bitte versuchen Sie es später noch "
        "einmal.",
        "archive_title": "Archiv",
        "archive_intro": "Alle bisher versandten Ausgaben des ISA-Newsletters.",
        "archive_empty": "Noch keine Ausgaben.",
        "back": "Zur Startseite",
        "imprint": "Impressum",
        "privacy": "Datenschutz",
        "contact": "Kontakt",
    },
    "en": {
        "org": "ISA – Sino-German Industrial Cities Alliance",
        "newsletter": "ISA Newsletter",
        "nav_subscribe": "Subscribe",
        "nav_archive": "Archive",
        "subscribe_title": "Subscribe to the newsletter",
        "subscribe_intro": "Once a month: news from the partner cities, projects, events and "
        "calls of the alliance.",
        "email": "E-mail address",
        "name": "Name",
        "optional": "optional",
        "lists": "Which newsletters would you like to receive?",
        "consent": "By clicking “Subscribe” I agree that the ISA sends me the chosen newsletter "
        "by e-mail. My address, my name (if given) and the time, IP address and browser of "
        "this signup are stored for that. I can unsubscribe at any time with the link in "
        "every issue.",
        "privacy_more": "More in the privacy policy",
        "submit": "Subscribe",
        "honeypot": "Please leave this field empty",
        "subscribed_title": "Almost done!",
        "subscribed_text": "Please check your inbox: if the address is not subscribed yet, we "
        "have sent you an e-mail with a confirmation link. Your subscription is complete once "
        "you confirm it.",
        "subscribed_hint": "No mail? Please also look in your spam folder. The link is valid "
        "for 72 hours.",
        "confirm_title": "Confirm your subscription",
        "confirm_text": "Please confirm that you would like to receive this newsletter:",
        "confirm_button": "Yes, confirm my subscription",
        "confirmed_title": "Welcome to the ISA newsletter!",
        "confirmed_text": "Your subscription is confirmed. The next issue will come straight to "
        "your inbox.",
        "unsub_title": "Unsubscribe",
        "unsub_text": "You no longer want to receive “{list}”?",
        "unsub_already": "You are already unsubscribed from “{list}”.",
        "unsub_address": "This unsubscribes {address}.",
        "unsub_this": "Unsubscribe from “{list}”",
        "unsub_all": "Unsubscribe from all ISA newsletters",
        "unsubscribed_title": "You are unsubscribed",
        "unsubscribed_address": "Unsubscribed: {address}",
        "unsubscribed_text": "You will no longer receive this newsletter. A mistake? You can "
        "subscribe again at any time.",
        "unsubscribe_help": "To unsubscribe, please use the link at the end of your newsletter "
        "e-mail, or write to us: {contact}",
        "invalid_title": "This link is not valid",
        "invalid_text": "The link is incomplete, was changed, or belongs to a preview. Please "
        "open the link directly from your e-mail.",
        "expired_title": "This link has expired",
        "expired_text": "Confirmation links are valid for 72 hours. Just sign up again and you "
        "will receive a new link.",
        "used_title": "This link has already been used",
        "used_text": "If you opened it yourself, your subscription is already confirmed. "
        "Otherwise just sign up again.",
        "resubscribe": "Sign up again",
        "error_title": "Sorry, that did not work",
        "bad_address": "Please check the e-mail address.",
        "choose_list": "Please choose at least one newsletter.",
        "bad_request": "The request was incomplete. Please try again.",
        "notfound_title": "Page not found",
        "notfound_text": "This page does not exist (any more).",
        "too_large": "The request is too large.",
        "server_error": "An internal error occurred. Please try again later.",
        "archive_title": "Archive",
        "archive_intro": "All issues of the ISA newsletter sent so far.",
        "archive_empty": "No issues yet.",
        "back": "Home",
        "imprint": "Imprint",
        "privacy": "Privacy",
        "contact": "Contact",
    },
    "zh": {
        "org": "ISA – 中德工业城市联盟",
        "newsletter": "ISA 新闻简报",
        "nav_subscribe": "订阅",
        "nav_archive": "往期",
        "subscribe_title": "订阅新闻简报",
        "subscribe_intro": "每月一期：伙伴城市动态、项目、活动与联盟招标信息。",
        "email": "电子邮箱",
        "name": "姓名",
        "optional": "选填",
        "lists": "您想订阅哪些简报？",
        "consent": "点击“订阅”即表示我同意 ISA 通过电子邮件向我发送所选简报。"
        "为此将保存我的邮箱地址、姓名（如填写）以及本次订阅的时间、IP 地址和浏览器信息。"
        "我可随时通过每期简报中的链接退订。",
        "privacy_more": "详见隐私政策",
        "submit": "订阅",
        "honeypot": "请勿填写此栏",
        "subscribed_title": "即将完成！",
        "subscribed_text": "请查收邮件：如果该地址尚未订阅，我们已向您发送一封含确认链接的邮件。"
        "确认后订阅方告完成。",
        "subscribed_hint": "没有收到邮件？请同时查看垃圾邮件文件夹。链接 72 小时内有效。",
        "confirm_title": "确认订阅",
        "confirm_text": "请确认您希望订阅以下简报：",
        "confirm_button": "是的，确认订阅",
        "confirmed_title": "欢迎订阅 ISA 新闻简报！",
        "confirmed_text": "您的订阅已确认。下一期将直接发送到您的邮箱。",
        "unsub_title": "退订简报",
        "unsub_text": "您不想再收到“{list}”了吗？",
        "unsub_already": "您已退订“{list}”。",
        "unsub_address": "将退订的邮箱：{address}",
        "unsub_this": "退订“{list}”",
        "unsub_all": "退订所有 ISA 简报",
        "unsubscribed_title": "您已退订",
        "unsubscribed_address": "已退订：{address}",
        "unsubscribed_text": "您将不再收到此简报。如属误操作，您可随时重新订阅。",
        "unsubscribe_help": "如需退订，请使用简报邮件末尾的链接，或写信给我们：{contact}",
        "invalid_title": "此链接无效",
        "invalid_text": "链接不完整、已被修改或属于预览。请直接从您的邮件中打开链接。",
        "expired_title": "此链接已过期",
        "expired_text": "确认链接 72 小时内有效。请重新订阅，您将收到新的链接。",
        "used_title": "此链接已被使用",
        "used_text": "如果是您本人打开的，您的订阅已经确认。否则请重新订阅。",
        "resubscribe": "重新订阅",
        "error_title": "抱歉，操作未成功",
        "bad_address": "请检查电子邮箱地址。",
        "choose_list": "请至少选择一份简报。",
        "bad_request": "请求不完整，请重试。",
        "notfound_title": "页面不存在",
        "notfound_text": "此页面不存在或已删除。",
        "too_large": "请求过大。",
        "server_error": "发生内部错误，请稍后再试。",
        "archive_title": "往期简报",
        "archive_intro": "迄今发送的全部 ISA 新闻简报。",
        "archive_empty": "暂无往期。",
        "back": "返回首页",
        "imprint": "出版信息",
        "privacy": "隐私政策",
        "contact": "联系方式",
    },
}


def negotiate(accept_language: str, override: str | None, fallback: str) -> str:
    """``override`` (the page's ?lang=) if supported, else the best match of the browser's
    Accept-Language, else ``fallback`` (the list's or the subscriber's language)."""
    if override in LANGUAGES:
        return override
    best, best_q = None, 0.0
    for position, item in enumerate(accept_language.split(",")[:20]):
        tag, _, params = item.strip().partition(";")
        primary = tag.strip().lower().split("-")[0]
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        q -= position * 1e-6  # equal weights: the first named wins
        if primary in LANGUAGES and q > best_q:
            best, best_q = primary, q
    if best is not None:
        return best
    return fallback if fallback in LANGUAGES else "de"
