"""Sending: from a composed issue to mail on the relay, exactly once, and only to those
who may still have it. Its modules are the stages, in the order data flows:

    plan          what a send would do, before anything changes (and the dry run)
      │
    editions      the issue frozen for sending: everyone gets the same edition
      │
    deliveries    one row per recipient, and every change of its state
      │           (queued → sending → sent | failed | skipped, later bounced)
      ▼
    engine        claim → gate → transport → record, over several connections
      ├─ gate         may this person still have it, now? (asked on claim and
      │               every half second; an exit is honoured within a second)
      ├─ addressing   envelope sender (VERP), Message-ID (with a MAC),
      │               List-Unsubscribe, List-Id: the same for every kind of mail
      ├─ limits       rate limits as relays count them (and per recipient domain)
      ├─ relay        the one place that opens connections to the relay
      └─ journal      a line before and after each SMTP transaction; recovery of
                      the runs that died
    newsletter    ``execute_send`` of an edition (resumable) and test copies
    transactional confirmation and welcome mails, through the same engine

The CLI and the web app call ``plan``, ``newsletter`` and ``transactional``; nothing
outside this package talks to ``isamail.transport`` to send mail.
"""
