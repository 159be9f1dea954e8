import functools

from django.db import models
from django.urls import get_script_prefix, get_urlconf, reverse


class Timestamped(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


def address(name, *args):
    """
    reverse(name, args=args), worked out once per process for the script prefix and URL
    configuration in force: pages link to the same addresses (reports, series, entities, tags,
    the site's own pages) on every request, and reversing each was a good part of their making.
    """
    return _address(name, args, get_script_prefix(), get_urlconf())


@functools.lru_cache(maxsize=8192)
def _address(name, args, script_prefix, urlconf):
    return reverse(name, urlconf, args=args)
