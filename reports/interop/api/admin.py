"""The desk's admin for API tokens: made for a user (shown once), revoked, never shown again."""
from django.contrib import admin, messages
from django.utils import timezone

from reports.models import APIToken


@admin.register(APIToken)
class APITokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "key_prefix", "created_at", "last_used_at", "active"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    list_select_related = ["user"]
    search_fields = ["name", "key_prefix", "user__username", "user__email"]
    raw_id_fields = ["user"]
    fields = ["user", "name", "key_prefix", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["key_prefix", "created_at", "last_used_at", "revoked_at"]
    actions = ["revoke"]

    def get_readonly_fields(self, request, obj=None):
        return [*self.readonly_fields, "user"] if obj else self.readonly_fields

    @admin.display(boolean=True, description="active", ordering="revoked_at")
    def active(self, token):
        return token.is_active

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        token = obj.new_key()
        super().save_model(request, obj, form, change)
        messages.warning(
            request,
            f"The new token for {obj.user}: {token}. Copy it now and pass it on safely: it is not shown again.",
        )

    @admin.action(description="Revoke the selected tokens", permissions=["change"])
    def revoke(self, request, queryset):
        count = queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
        self.message_user(request, f"{count} token(s) revoked: requests with them are refused from now on.")
