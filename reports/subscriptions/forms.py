"""The forms of readers' own pages: asking for institutional access, joining an institution, making an API token, e-mail preferences."""
from django import forms
from django.conf import settings
from django.core.mail import send_mail
from django.core.validators import RegexValidator

from reports.models import AlertState, APIToken

ONE_LINE = RegexValidator(r"[\r\n]", inverse_match=True, message="Write this on one line.")


class AccessRequestForm(forms.Form):
    """An institution asks for access; the subscriptions desk gets the request by e-mail."""

    name = forms.CharField(max_length=200, label="Your name", validators=[ONE_LINE])
    email = forms.EmailField(label="Work e-mail address")
    institution = forms.CharField(
        max_length=200, label="Agency, university or newsroom", validators=[ONE_LINE]
    )
    readers = forms.IntegerField(min_value=1, max_value=100000, label="How many readers?")
    message = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False, max_length=5000)

    def send(self):
        data = self.cleaned_data
        send_mail(
            subject=f"Institutional access request: {data['institution']}",
            message=(
                f"{data['name']} <{data['email']}> asks for access for {data['readers']} reader(s) "
                f"at {data['institution']}.\n\n{data['message']}"
            ),
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[settings.SUBSCRIPTIONS_EMAIL],
        )


class InstitutionEmailForm(forms.Form):
    email = forms.EmailField(label="Your work e-mail address", help_text="At your agency's, university's or newsroom's domain.")


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


class EmailPreferencesForm(forms.ModelForm):
    """Digests on or off, and how often: the account page's e-mail preferences."""

    class Meta:
        model = AlertState
        fields = ["enabled", "frequency"]
        widgets = {"frequency": forms.RadioSelect}
