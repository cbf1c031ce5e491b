"""The subscriber side: who may receive what.

``addresses`` (normalise, validate, hash), ``lists`` (mailing lists), ``subscribers``
(people, their subscriptions, consent log, suppression, erasure), ``csvfiles`` and
``importer`` (CSV in and out), ``optin`` (double opt-in: signup, confirm,
unsubscribe). Nothing here sends mail; ``optin`` queues confirmation mails for the
sending package.
"""
