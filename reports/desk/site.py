"""
The desk's admin site. With STAFF_REQUIRE_2FA on, it lets in only staff whose session was
verified with a one-time password from one of their django-otp devices (TOTP app or static
backup codes), and its login form asks for one; with it off, it is Django's admin site.
"""
from django.conf import settings
from django.contrib.admin import AdminSite
from django.contrib.admin.forms import AdminAuthenticationForm
from django_otp.admin import OTPAdminAuthenticationForm, OTPAdminSite


class DeskAdminSite(OTPAdminSite):
    def __init__(self, name="admin"):
        super().__init__(name)

    @property
    def login_form(self):
        return OTPAdminAuthenticationForm if settings.STAFF_REQUIRE_2FA else AdminAuthenticationForm

    @property
    def login_template(self):
        return OTPAdminSite.login_template if settings.STAFF_REQUIRE_2FA else None

    def has_permission(self, request):
        if settings.STAFF_REQUIRE_2FA:
            return super().has_permission(request)
        return AdminSite.has_permission(self, request)
