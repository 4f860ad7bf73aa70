"""Who is asking: the client's address, as every throttle of the site reads it."""

import ipaddress

from django.conf import settings


def client_ip(request) -> str:
    """The address of the client that sent `request`.

    Without a proxy it is REMOTE_ADDR. Behind one (DJANGO_BEHIND_PROXY), it is
    the entry that the outermost trusted proxy appended to X-Forwarded-For:
    DJANGO_PROXY_HOPS entries from the right. Entries further left are written
    by the client and never trusted. A malformed header falls back to
    REMOTE_ADDR, so a forged value can never name somebody else.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    if settings.BEHIND_PROXY:
        forwarded = [
            part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        ]
        hops = max(settings.PROXY_HOPS, 1)
        if len(forwarded) >= hops:
            candidate = forwarded[-hops]
            if _is_ip(candidate):
                return candidate
    return remote if _is_ip(remote) else "0.0.0.0"  # noqa: S104 - a key, not a bind address


def client_network(request) -> str:
    """The client's address for counting: an IPv6 client is counted by its /64 network,
    which one household or one attacker holds whole."""
    address = ipaddress.ip_address(client_ip(request))
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/64", strict=False).network_address)
    return str(address)


def axes_client_ip(request) -> str:
    return client_ip(request)


def _is_ip(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True
