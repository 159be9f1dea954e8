"""
Who is reading: the signed-in user, told without a query, and the address they read from.

Django's AuthenticationMiddleware loads the session's user from the database on every request and
checks the session against a hash of their password. What pages need of a user is kept in the
cache (which every process shares) instead: every field but the password, and
the session hash the password gives (the secret every one of their sessions already holds). A
session holding that hash is that user's; anything else (nothing kept, another hash, a session of
another backend, a cache that cannot be asked) goes Django's own way, which also upgrades or ends
the session as it should.

What is kept of a user is dropped when the user is saved or deleted through any process (a new
password, a deactivation: reports/signals.py), lasts at most SIGNED_IN_USER_SECONDS for changes no
save announces, and is keyed with the secret key, so that a new key does not honour sessions the
old one signed. The user comes with the password deferred: reading it (to check or change it)
loads it from the database, and saving the user saves the other fields only.

The user is looked up when first asked for, as with Django. A cookie names the user the session
is signed in as (set and dropped as the session changes), so that the session, the user as kept,
their holdings and whatever the view announces (reports.cache.store.expect; `claimed_user_pk`) come
from the cache in one round trip. The cookie only names keys to read: the session decides.
"""
import functools

from django.conf import settings
from django.contrib import auth
from django.contrib.auth import (
    BACKEND_SESSION_KEY,
    HASH_SESSION_KEY,
    SESSION_KEY,
    get_user_model,
    load_backend,
)
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.middleware import (
    AuthenticationMiddleware as DjangoAuthenticationMiddleware,
)
from django.contrib.sessions.backends import cached_db
from django.core.exceptions import ValidationError
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.functional import SimpleLazyObject

from reports.cache.readers import cached_reader_access, expect_reader_access
from reports.cache.store import expect, remembered, replace_generation
from reports.ops.client import client_ip

SIGNED_IN_USER_SECONDS = 10 * 60
SIGNED_IN_AS_COOKIE = "signed_in_as"


def kept_user_key(user_pk):
    return f"signed-in-user:{salted_hmac('reports.cache.signed_in', str(user_pk)).hexdigest()}"


def user_generation_key(user_pk):
    return f"signed-in-user:generation:{user_pk}"


def user_changed(user_pk):
    """The user was saved or deleted: what the cache keeps of them is stale for every process."""
    replace_generation(user_generation_key(user_pk))


@functools.cache
def kept_fields():
    return [field.attname for field in get_user_model()._meta.concrete_fields if field.attname != "password"]


def what_to_keep(user):
    """(session hash, the other fields' values) of a user who may sign in; None for none."""
    if user is None:
        return None
    return user.get_session_auth_hash(), [getattr(user, name) for name in kept_fields()]


def session_user_pk(request):
    """The pk of the user the session names, before the session is checked (None when it names none)."""
    if SESSION_KEY not in request.session:
        return None
    return get_user_model()._meta.pk.to_python(request.session[SESSION_KEY])


def claimed_user_pk(request):
    """
    The pk of the user the visitor's cookies say they are signed in as, without reading the
    session (None for none): for announcing what the request will read, never for deciding anything.
    """
    claimed = request.COOKIES.get(SIGNED_IN_AS_COOKIE)
    if not claimed or settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return None
    try:
        return get_user_model()._meta.pk.to_python(claimed)
    except ValidationError:
        return None


def expect_user(request, user_pk):
    """Announce what looking up the user reads: the session, the user as kept and their holdings."""
    session = request.session
    if session.session_key and isinstance(session, cached_db.SessionStore):
        expect(session.cache_key, kept_user_key(user_pk), user_generation_key(user_pk))
        expect_reader_access(user_pk)


def kept_user(request):
    """The session's user as the cache keeps them, if the session holds their hash; None for Django's way."""
    session = request.session
    session_hash, backend_path = session.get(HASH_SESSION_KEY), session.get(BACKEND_SESSION_KEY)
    if not session_hash or backend_path not in settings.AUTHENTICATION_BACKENDS:
        return None
    backend = load_backend(backend_path)
    user_pk = session_user_pk(request)
    if user_pk is None or not isinstance(backend, ModelBackend):
        return None
    expect_reader_access(user_pk)  # asked next by every page that shows reports
    kept = remembered(
        kept_user_key(user_pk),
        lambda: what_to_keep(backend.get_user(user_pk)),
        timeout=SIGNED_IN_USER_SECONDS,
        generations=(user_generation_key(user_pk),),
    )
    if kept is None or not constant_time_compare(session_hash, kept[0]):
        return None
    User = get_user_model()
    return User.from_db(User.objects.db, kept_fields(), kept[1])


def get_user(request):
    if not hasattr(request, "_cached_user"):
        user = kept_user(request) or auth.get_user(request)
        # So that the access policy can give readers on an institution's network its access, and
        # learn what the user holds through the cache (reports.models.readers).
        user.client_ip = client_ip(request)
        user.find_reader_access = cached_reader_access
        request._cached_user = user
    return request._cached_user


class AuthenticationMiddleware(DjangoAuthenticationMiddleware):
    """Django's, with the user as this module tells, and the cookie naming them (see above)."""

    def process_request(self, request):
        super().process_request(request)
        request.user = SimpleLazyObject(lambda: get_user(request))
        claimed = claimed_user_pk(request)
        if claimed is not None:
            expect_user(request, claimed)

    def process_response(self, request, response):
        session = getattr(request, "session", None)
        if session is None or not session.accessed:  # nothing learnt of who the visitor is
            return response
        signed_in_as = session.get(SESSION_KEY)
        if signed_in_as is None:
            if SIGNED_IN_AS_COOKIE in request.COOKIES:
                response.delete_cookie(
                    SIGNED_IN_AS_COOKIE, path=settings.SESSION_COOKIE_PATH, domain=settings.SESSION_COOKIE_DOMAIN,
                    samesite=settings.SESSION_COOKIE_SAMESITE,
                )
        elif signed_in_as != request.COOKIES.get(SIGNED_IN_AS_COOKIE):
            response.set_cookie(
                SIGNED_IN_AS_COOKIE, signed_in_as,
                max_age=None if session.get_expire_at_browser_close() else session.get_expiry_age(),
                path=settings.SESSION_COOKIE_PATH, domain=settings.SESSION_COOKIE_DOMAIN,
                secure=settings.SESSION_COOKIE_SECURE, httponly=True, samesite=settings.SESSION_COOKIE_SAMESITE,
            )
        return response
