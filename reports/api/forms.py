from django import forms

from reports.models import APIToken


class APITokenForm(forms.Form):
    """A new API token for the reader: what it is for. A reader keeps a few in use at most."""

    name = forms.CharField(max_length=100, label="What is the token for?", help_text="e.g. OpenCTI connector")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean(self):
        if self.user.api_tokens.active().count() >= APIToken.MAX_ACTIVE_PER_USER:
            raise forms.ValidationError(
                f"You have {APIToken.MAX_ACTIVE_PER_USER} tokens in use: revoke one before making another."
            )
        return super().clean()
