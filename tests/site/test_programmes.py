"""
Programmes: the lab or project behind reports. Its box closes each of its reports for every
visitor (public text), and its page and feeds list its published reports.
"""
import pytest

from reports.desk.content import snapshot_of
from reports.desk.history import differences
from reports.models import Report
from tests.access_matrix import BODY, VISITORS, Desk
from tests.factories import ProgrammeFactory, ReportFactory, make_visitor

pytestmark = pytest.mark.django_db

LAB_TEXT = "The lab follows militant channels online, UNIQUE-PROGRAMME-TEXT."


@pytest.fixture
def lab():
    return ProgrammeFactory(name="Online Militancy Lab", slug="online-militancy-lab", description=LAB_TEXT)


@pytest.mark.parametrize("kind", VISITORS)
@pytest.mark.parametrize("view", ["page", "print"])
def test_the_programme_box_closes_its_report_for_every_visitor_with_the_text_or_the_teaser(client, lab, kind, view):
    desk = Desk(programme=lab)
    visitor = make_visitor(kind)
    if visitor is not None:
        client.force_login(visitor)
    address = desk.report.get_absolute_url() + ("print/" if view == "print" else "")
    page = client.get(address).content.decode()
    assert LAB_TEXT in page
    assert '<a href="/programmes/online-militancy-lab/">More from the Online Militancy Lab</a>' in page
    assert page.index(LAB_TEXT) > page.index("The public summary of the gated report."), "the box closes the report"
    other = client.get(desk.free_report.get_absolute_url()).content.decode()
    assert LAB_TEXT not in other, "a report of no programme has no box"


def test_the_programme_page_and_feeds_list_its_published_reports_alone(client, lab):
    published = ReportFactory(programme=lab, title="A published lab report")
    ReportFactory(programme=lab, title="A lab draft", status=Report.Status.DRAFT, published_at=None)
    ReportFactory(title="A report of no programme")
    page = client.get(lab.get_absolute_url())
    assert page.status_code == 200
    content = page.content.decode()
    assert LAB_TEXT in content and "A published lab report" in content
    assert "A lab draft" not in content and "A report of no programme" not in content
    for feed in ("rss", "atom"):
        answer = client.get(f"/programmes/{lab.slug}/{feed}/").content.decode()
        assert "A published lab report" in answer and "A lab draft" not in answer
        assert "A report of no programme" not in answer
    assert published.get_absolute_url() in client.get("/reports/?programme=online-militancy-lab").content.decode()
    assert "/programmes/online-militancy-lab/" in client.get("/sitemap.xml").content.decode()


def test_an_unknown_programme_is_a_404(client):
    assert client.get("/programmes/no-such-lab/").status_code == 404
    assert client.get("/programmes/no-such-lab/rss/").status_code == 404


def test_a_change_of_programme_shows_in_the_history(lab):
    report = ReportFactory()
    before = snapshot_of(report)
    report.programme = lab
    report.save()
    changes = {change["label"]: (change.get("old"), change.get("new")) for change in differences(before, snapshot_of(report))}
    assert changes["Programme"] == ("—", "Online Militancy Lab")


def test_the_gated_text_stays_out_of_the_programme_page(client, lab):
    Desk(programme=lab)
    assert BODY not in client.get(lab.get_absolute_url()).content.decode()
