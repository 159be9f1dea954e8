"""How django-axes names a failed login (AXES_USERNAME_CALLABLE)."""
from axes.models import AccessAttempt

USERNAME_LENGTH = AccessAttempt._meta.get_field("username").max_length


def lockout_username(request, credentials):
    """
    The username as typed, cut to what axes' table holds and with NUL bytes written out. Django's
    login form does not limit the username's length, and PostgreSQL refuses both an over-long value
    and a NUL: as typed, they would turn a failed login into a 500.
    """
    username = (credentials or getattr(request, "data", request.POST)).get("username")
    if username is None:
        return None
    return str(username).replace("\x00", "0x00")[:USERNAME_LENGTH]
