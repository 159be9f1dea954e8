from django import forms
from django.conf import settings
from django.core.mail import send_mail
from django.core.validators import RegexValidator
from taggit.models import Tag

from .models import Country, Organization, Outlet, Person, Series
from .models.reports import tags_in_use


class SlugChoiceField(forms.ModelChoiceField):
    """Chooses by slug, as the filters appear in addresses: ?series=special-dispatch."""

    def __init__(self, queryset, **kwargs):
        super().__init__(queryset, to_field_name="slug", required=False, **kwargs)


class ReportFilterForm(forms.Form):
    """
    The filters of the report list. An unknown or malformed value is dropped, and the page says
    so, rather than failing: the list is shown with the filters that made sense.
    """

    ACCESS_CHOICES = [("", "Any access"), ("free", "Free to read"), ("subscribers", "For subscribers")]

    series = SlugChoiceField(Series.objects.all(), empty_label="Any series")
    tag = SlugChoiceField(Tag.objects.none(), empty_label="Any tag")  # tags in use, as of each request
    organization = SlugChoiceField(Organization.objects.all(), empty_label="Any organization")
    person = SlugChoiceField(Person.objects.all(), empty_label="Any person")
    outlet = SlugChoiceField(Outlet.objects.all(), empty_label="Any outlet")
    country = SlugChoiceField(Country.objects.all(), empty_label="Any country or region", label="Country or region")
    access = forms.ChoiceField(choices=ACCESS_CHOICES, required=False)
    since = forms.DateField(required=False, label="Published from", widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(required=False, label="Published until", widget=forms.DateInput(attrs={"type": "date"}))

    LOOKUPS = {
        "series": "series",
        "tag": "tags",
        "organization": "organizations",
        "person": "people",
        "outlet": "outlets",
        "country": "countries",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tag"].queryset = tags_in_use().order_by("name")

    def filter(self, reports):
        self.is_valid()
        values = self.cleaned_data
        for name, lookup in self.LOOKUPS.items():
            if values.get(name):
                reports = reports.filter(**{lookup: values[name]})
        if values.get("access") == "free":
            reports = reports.filter(required_tier__isnull=True)
        elif values.get("access") == "subscribers":
            reports = reports.filter(required_tier__isnull=False)
        if values.get("since"):
            reports = reports.filter(published_at__date__gte=values["since"])
        if values.get("until"):
            reports = reports.filter(published_at__date__lte=values["until"])
        return reports

    @property
    def ignored(self):
        """Labels of the filters that were given but could not be used."""
        return [self.fields[name].label or name.capitalize() for name in self.errors]


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
