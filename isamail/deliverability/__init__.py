"""Deliverability: whether mail from this project can reach inboxes, and the relay's rules.

``relay`` builds the SMTP endpoint with its login (password or OAuth2, never without
TLS); ``oauth2`` fetches and refreshes XOAUTH2 tokens; ``resolver`` is the one DNS resolver
(dnspython, optionally pointed at a nameserver of the settings); ``doctor`` checks
SPF, DKIM, DMARC, MX, the web endpoint, the relay and the secrets; ``dkim`` signs
finished messages; ``providers`` recognises mailbox providers by their MX;
``quotas`` counts what the relay allows per minute, hour and day; ``breaker`` pauses
a provider that refuses on policy grounds.
"""
