"""Keys for the read-only JSON API."""
import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone

# Recording every use would write on every API call; a minute is precise enough to see a token in use.
LAST_USED_PRECISION = dt.timedelta(minutes=1)


def token_hash(token):
    """
    SHA-256 of the token. Tokens are 256 random bits, so a fast unsalted hash is enough (nothing
    to guess, nothing to look up in a table) and lets a request's token be found by its hash.
    """
    return hashlib.sha256(token.encode()).hexdigest()


class APITokenQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)

    def find(self, token):
        """The token (revoked or not) whose hash this is, with its user; None when there is none."""
        return self.select_related("user").filter(key_hash=token_hash(token)).first()


class APIToken(models.Model):
    """
    A key for the read-only API, sent as `Authorization: Bearer <token>`. It acts as its user: the
    access policy gives a request with it exactly what the user may read. Only a hash is stored;
    the token itself is shown once, when it is made. A revoked token is refused.
    """

    PREFIX = "tm_"
    MAX_ACTIVE_PER_USER = 10

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, help_text="What the token is for, e.g. 'OpenCTI connector'.")
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    key_prefix = models.CharField(
        max_length=12, editable=False, help_text="The first characters of the token, to tell tokens apart."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = APITokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "API token"

    def __str__(self):
        return f"{self.name} ({self.key_prefix}…)"

    @classmethod
    def issue(cls, *, user, name):
        """A new token for the user: (the saved APIToken, the token itself, to be shown once)."""
        made = cls(user=user, name=name)
        token = made.new_key()
        made.save()
        return made, token

    def new_key(self):
        """Give this token a new random key and return it; only its hash and first characters are kept."""
        token = self.PREFIX + secrets.token_urlsafe(32)
        self.key_hash, self.key_prefix = token_hash(token), token[:10]
        return token

    @property
    def is_active(self):
        return self.revoked_at is None

    def revoke(self):
        if self.revoked_at is None:
            self.revoked_at = timezone.now()
            self.save(update_fields=["revoked_at"])

    def note_use(self):
        now = timezone.now()
        if self.last_used_at is None or now - self.last_used_at >= LAST_USED_PRECISION:
            self.last_used_at = now
            APIToken.objects.filter(pk=self.pk).update(last_used_at=now)
