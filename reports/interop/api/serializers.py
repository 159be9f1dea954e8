"""
What the API shows of each thing. A report's gated fields (body, footnotes, quotes, and its files:
images, documents, archived sources) are computed only when `report.is_readable_by(user)`, and are
null otherwise; everything else is the public teaser. A file's `url` is answered by the site under
the same policy (reports.media.views).
"""
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from reports.models import (
    ArchivedSource,
    Designation,
    Document,
    Footnote,
    Organization,
    Outlet,
    Person,
    Quote,
    Report,
    Role,
)
from reports.models.media import ImageRendition, ReportImage


@extend_schema_field(OpenApiTypes.URI)
class PageURLField(serializers.Field):
    """The absolute address of the object's page, or of one of the site's views named by slug."""

    def __init__(self, view_name=None, **kwargs):
        self.view_name = view_name
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, obj):
        path = reverse(self.view_name, args=[obj.slug]) if self.view_name else obj.get_absolute_url()
        return self.context["request"].build_absolute_uri(path)


def names():
    """Related names (tags, aliases) as a list of strings."""
    return serializers.SlugRelatedField(many=True, read_only=True, slug_field="name")


class RefSerializer(serializers.Serializer):
    """A thing pointed at by slug and name (series, tier, country, organization, person, outlet)."""

    slug = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)


class ReportRefSerializer(serializers.Serializer):
    slug = serializers.CharField(read_only=True)
    title = serializers.CharField(read_only=True)
    url = PageURLField()


class AccessSerializer(serializers.Serializer):
    complimentary = serializers.BooleanField(source="is_complimentary", read_only=True)
    tier = RefSerializer(source="access_tier", allow_null=True, read_only=True)


class ReportSummarySerializer(serializers.ModelSerializer):
    """A report's teaser, public for every published report."""

    reference = serializers.CharField(read_only=True, help_text="How the desk cites the report.")
    series = RefSerializer()
    access = AccessSerializer(source="*")
    tags = names()
    organizations = RefSerializer(many=True)
    people = RefSerializer(many=True)
    outlets = RefSerializer(many=True)
    countries = RefSerializer(many=True)
    readable = serializers.SerializerMethodField(help_text="Whether the caller may read the full text.")
    url = PageURLField()
    api_url = PageURLField("api:report-detail")
    stix_url = PageURLField("report_stix", help_text="The STIX 2.1 bundle, for those who may read the report.")

    class Meta:
        model = Report
        fields = [
            "slug", "title", "reference", "series", "number", "published_at", "summary", "access", "tags",
            "organizations", "people", "outlets", "countries", "readable", "url", "api_url", "stix_url",
        ]

    def get_readable(self, report) -> bool:
        return report.is_readable_by(self.context["request"].user)


def address(help_text, **kwargs):
    """A web address that may be empty (a blank URL field, which OpenAPI cannot say as a uri)."""
    return serializers.CharField(read_only=True, help_text=f"{help_text} An address, or empty.", **kwargs)


class FootnoteSerializer(serializers.ModelSerializer):
    outlet = RefSerializer(allow_null=True)
    url = address("The source.")

    class Meta:
        model = Footnote
        fields = ["position", "text", "url", "outlet"]


class QuoteSerializer(serializers.ModelSerializer):
    person = RefSerializer(allow_null=True)
    organization = RefSerializer(allow_null=True)
    outlet = RefSerializer(allow_null=True)
    source_url = address("Where the quote was published.", source="url")
    reports = ReportRefSerializer(source="published_reports", many=True, help_text="Published reports carrying the quote.")

    class Meta:
        model = Quote
        fields = [
            "id", "said_on", "person", "organization", "outlet", "original_language", "original_text", "translation",
            "source_url", "reports",
        ]


@extend_schema_field(OpenApiTypes.URI)
class FileURLField(serializers.Field):
    """The absolute address of a report's file, answered under the report's access policy."""

    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, obj):
        return self.context["request"].build_absolute_uri(obj.get_absolute_url())


class RenditionSerializer(serializers.ModelSerializer):
    url = FileURLField()

    class Meta:
        model = ImageRendition
        fields = ["url", "format", "content_type", "width", "height"]


class ImageSerializer(serializers.ModelSerializer):
    url = FileURLField(help_text="The image as uploaded, without its metadata.")
    credit_outlet = RefSerializer(allow_null=True)
    renditions = RenditionSerializer(many=True)

    class Meta:
        model = ReportImage
        fields = ["position", "url", "content_type", "width", "height", "sha256", "alt_text", "caption", "credit_outlet",
                  "credit_date", "public_cover", "renditions"]


class DocumentSerializer(serializers.ModelSerializer):
    url = FileURLField()
    source_url = address("Where the original comes from.")

    class Meta:
        model = Document
        fields = ["url", "title", "kind", "content_type", "size", "sha256", "quote_number", "language", "source", "source_url"]


class ArchivedSourceSerializer(serializers.ModelSerializer):
    url = FileURLField(help_text="The archived copy, byte for byte as captured.")

    class Meta:
        model = ArchivedSource
        fields = ["url", "cites", "number", "kind", "content_type", "size", "sha256", "original_url", "captured_at"]


class ReportSerializer(ReportSummarySerializer):
    """A report: the teaser, and for those who may read it the body, footnotes, quotes and files (null for others)."""

    body_html = serializers.SerializerMethodField()
    footnotes = serializers.SerializerMethodField()
    quotes = serializers.SerializerMethodField()
    images = serializers.SerializerMethodField()
    documents = serializers.SerializerMethodField()
    archived_sources = serializers.SerializerMethodField()

    class Meta(ReportSummarySerializer.Meta):
        fields = ReportSummarySerializer.Meta.fields + ["body_html", "footnotes", "quotes", "images", "documents", "archived_sources"]

    @extend_schema_field(ImageSerializer(many=True, allow_null=True))
    def get_images(self, report):
        if not self.get_readable(report):
            return None
        images = report.images.select_related("credit_outlet").prefetch_related("renditions")
        return ImageSerializer(images, many=True, context=self.context).data

    @extend_schema_field(DocumentSerializer(many=True, allow_null=True))
    def get_documents(self, report):
        return DocumentSerializer(report.documents.all(), many=True, context=self.context).data if self.get_readable(report) else None

    @extend_schema_field(ArchivedSourceSerializer(many=True, allow_null=True))
    def get_archived_sources(self, report):
        if not self.get_readable(report):
            return None
        return ArchivedSourceSerializer(report.archived_sources.all(), many=True, context=self.context).data

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_body_html(self, report):
        return report.body_html if self.get_readable(report) else None

    @extend_schema_field(FootnoteSerializer(many=True, allow_null=True))
    def get_footnotes(self, report):
        if not self.get_readable(report):
            return None
        return FootnoteSerializer(report.footnotes.select_related("outlet"), many=True, context=self.context).data

    @extend_schema_field(QuoteSerializer(many=True, allow_null=True))
    def get_quotes(self, report):
        if not self.get_readable(report):
            return None
        quotes = (
            Quote.objects.filter(report_quotes__report=report)
            .order_by("report_quotes__position", "report_quotes__pk")
            .with_speakers_and_reports()
        )
        return QuoteSerializer(quotes, many=True, context=self.context).data


class DesignationSerializer(serializers.ModelSerializer):
    url = address("The designation's source.")

    class Meta:
        model = Designation
        fields = ["authority", "designation", "designated_on", "revoked_on", "url"]


class OrganizationSerializer(serializers.ModelSerializer):
    aliases = names()
    parent = RefSerializer(allow_null=True)
    state_sponsor = RefSerializer(allow_null=True)
    countries = RefSerializer(many=True)
    designations = DesignationSerializer(many=True)
    url = PageURLField()
    stix_url = PageURLField("organization_stix")

    class Meta:
        model = Organization
        fields = [
            "slug", "name", "kind", "description", "aliases", "parent", "state_sponsor", "countries", "designations",
            "url", "stix_url",
        ]


class RoleSerializer(serializers.ModelSerializer):
    organization = RefSerializer(allow_null=True)

    class Meta:
        model = Role
        fields = ["title", "organization", "started_on", "ended_on"]


class PersonSerializer(serializers.ModelSerializer):
    aliases = names()
    roles = RoleSerializer(many=True)
    url = PageURLField()
    stix_url = PageURLField("person_stix")

    class Meta:
        model = Person
        fields = ["slug", "name", "description", "aliases", "roles", "url", "stix_url"]


class OutletSerializer(serializers.ModelSerializer):
    aliases = names()
    country = RefSerializer(allow_null=True)
    website = address("The outlet's own site.", source="url")
    url = PageURLField()

    class Meta:
        model = Outlet
        fields = ["slug", "name", "kind", "description", "aliases", "country", "language", "stance", "website", "url"]


class ErrorSerializer(serializers.Serializer):
    """What a refused request answers: why, and for bad parameters which ones and what was wrong."""

    detail = serializers.CharField()
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()), required=False)
