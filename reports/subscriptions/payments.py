"""
The seam where a payment provider would plug in: today there is none, and subscription managers
grant requests by hand (reports.subscriptions.grants, in the admin's queue).

A provider replaces the two functions below, and nothing else need change:

- `checkout(subscription_request) -> Checkout | None` is called once a reader's request is saved
  (reports.subscriptions.offers.RequestSubscriptionView). None (as now) means "no payment online: the
  request waits in the managers' queue". A Checkout sends the reader to the provider's page (its url).
- `payment_received(subscription_request, *, until, reference)` is what the provider's confirmation
  (a webhook view, verified by the provider's own library) calls once paid: it grants the request
  through the same path as a manager, so the access policy, holdings cache and e-mail are the same.
"""
from dataclasses import dataclass

from reports.subscriptions.grants import grant_request


@dataclass(frozen=True)
class Checkout:
    """Where to send the reader to pay."""

    url: str


def checkout(subscription_request) -> Checkout | None:
    """No payment provider: every request waits for a subscription manager."""
    return None


def payment_received(subscription_request, *, until, reference):
    """Grant a paid request until `until` (inclusive), noting the provider's reference on the subscription."""
    return grant_request(subscription_request, until=until, by=None, note=reference)
