from django import forms
from django.forms.models import ModelChoiceIterator

from reports.models import Country, Organization, Outlet, Person, Programme, Series
from reports.models.reports import tags_in_use


class SlugChoiceField(forms.ModelChoiceField):
    """Chooses by slug, as the filters appear in addresses: ?series=special-dispatch."""

    def __init__(self, queryset, **kwargs):
        super().__init__(queryset, to_field_name="slug", required=False, **kwargs)


class ChoicesReadLate(ModelChoiceIterator):
    """A field's choices that take its queryset when they are read, not when they are made (as each form's copy of the field makes them)."""

    def __init__(self, field):
        self.field = field

    @property
    def queryset(self):
        return self.field.queryset


class TagsInUseField(SlugChoiceField):
    """
    The tags in use (`tags_in_use`), by slug, asked as of the moment a form first looks at them (a
    tag given, or the choices shown): a form that does neither, as most searches, never builds
    the query.
    """

    iterator = ChoicesReadLate

    def __init__(self, **kwargs):
        super().__init__(None, **kwargs)

    @property
    def queryset(self):
        if self._queryset is None:
            self._queryset = tags_in_use().order_by("name")
        return self._queryset

    @queryset.setter
    def queryset(self, queryset):
        self._set_queryset(queryset)

    def __deepcopy__(self, memo):
        # Each form's own field asks afresh: Field's copy, not ModelChoiceField's (which would ask here).
        result = super(forms.ChoiceField, self).__deepcopy__(memo)
        result.queryset = None
        return result


class ReportFilterForm(forms.Form):
    """
    The filters of the report list. An unknown or malformed value is dropped, and the page says
    so, rather than failing: the list is shown with the filters that made sense.
    """

    ACCESS_CHOICES = [("", "Any access"), ("free", "Free to read"), ("subscribers", "For subscribers")]

    series = SlugChoiceField(Series.objects.all(), empty_label="Any series")
    programme = SlugChoiceField(Programme.objects.all(), empty_label="Any programme")
    tag = TagsInUseField(empty_label="Any tag")
    organization = SlugChoiceField(Organization.objects.all(), empty_label="Any organization")
    person = SlugChoiceField(Person.objects.all(), empty_label="Any person")
    outlet = SlugChoiceField(Outlet.objects.all(), empty_label="Any outlet")
    country = SlugChoiceField(Country.objects.all(), empty_label="Any country or region", label="Country or region")
    access = forms.ChoiceField(choices=ACCESS_CHOICES, required=False)
    since = forms.DateField(required=False, label="Published from", widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(required=False, label="Published until", widget=forms.DateInput(attrs={"type": "date"}))

    LOOKUPS = {
        "series": "series",
        "programme": "programme",
        "tag": "tags",
        "organization": "organizations",
        "person": "people",
        "outlet": "outlets",
        "country": "countries",
    }

    def filter(self, reports):
        self.is_valid()
        values = self.cleaned_data
        for name, lookup in self.LOOKUPS.items():
            if values.get(name):
                reports = reports.filter(**{lookup: values[name]})
        if values.get("access") == "free":
            reports = reports.with_access_now(None)
        elif values.get("access") == "subscribers":
            reports = reports.gated_now()
        if values.get("since"):
            reports = reports.filter(published_at__date__gte=values["since"])
        if values.get("until"):
            reports = reports.filter(published_at__date__lte=values["until"])
        return reports

    def applied(self):
        """The filters `filter()` applies, as (name, value) pairs of plain values: for keys of what they narrow."""
        self.is_valid()
        return tuple(
            (name, str(getattr(value, "pk", value))) for name, value in sorted(self.cleaned_data.items()) if value
        )

    @property
    def ignored(self):
        """Labels of the filters that were given but could not be used."""
        return [self.fields[name].label or name.capitalize() for name in self.errors]

    @classmethod
    def given_in(cls, params):
        """
        The filters of `params` (a QueryDict): the form bound to them, or, where none is given (most
        searches), `NO_FILTERS_GIVEN`, which answers as that form would without the cost of making
        one (a copy of each of its fields).
        """
        return cls(params) if any(name in params for name in cls.base_fields) else NO_FILTERS_GIVEN


class NoFiltersGiven:
    """What a `ReportFilterForm` bound to none of its filters answers: no filter applied, none ignored."""

    fields = ReportFilterForm.base_fields

    @property
    def ignored(self):
        return []

    def filter(self, reports):
        return reports

    def applied(self):
        return ()


NO_FILTERS_GIVEN = NoFiltersGiven()
