"""The Dutch web UI in a real browser: search, evidence, document, SPARQL editor, phone width, keyboard.

Every page load is watched for console errors, uncaught exceptions and requests leaving the machine.
Screenshots go to test-artifacts/screenshots/.
"""

from __future__ import annotations

import re
from urllib.parse import urlparse

import pytest

pytestmark = pytest.mark.browser

QUESTION = "Welke gemeenten passen de Damocles-aanpak toe?"
LAPTOP = {"width": 1366, "height": 800}
PHONE = {"width": 390, "height": 844}


class Watch:
    """Console errors, page exceptions and off-host requests of one page."""

    def __init__(self, page, base_url: str) -> None:
        self.problems: list[str] = []
        host = urlparse(base_url).netloc
        page.on("console", lambda m: m.type == "error" and self.problems.append(f"console: {m.text}"))
        page.on("pageerror", lambda e: self.problems.append(f"exception: {e}"))
        page.on(
            "request",
            lambda r: (
                urlparse(r.url).scheme in ("http", "https")
                and urlparse(r.url).netloc != host
                and self.problems.append(f"external request: {r.url}")
            ),
        )
        page.on("requestfailed", lambda r: self.problems.append(f"failed request: {r.url}"))


@pytest.fixture
def laptop(browser, site):
    context = browser.new_context(viewport=LAPTOP, locale="nl-NL")
    page = context.new_page()
    watch = Watch(page, site)
    yield page, watch
    context.close()
    assert not watch.problems, watch.problems


@pytest.fixture
def phone(browser, site):
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    page = context.new_page()
    watch = Watch(page, site)
    yield page, watch
    context.close()
    assert not watch.problems, watch.problems


def test_question_gives_municipality_cards_with_highlighted_evidence(laptop, site, screenshots):
    page, _ = laptop
    page.goto(site + "/")
    page.get_by_label("Vraag of zoekwoorden").fill(QUESTION)
    page.keyboard.press("Enter")  # plain form submit
    page.wait_for_url(re.compile(r"\?q="))
    cards = page.locator(".municipality-card")
    assert cards.count() >= 1
    first = cards.first
    assert first.locator("h3 a").inner_text().strip()
    assert first.locator("blockquote.evidence").count() >= 1
    assert first.locator("blockquote.evidence mark").count() >= 1, (
        "query terms are highlighted in the evidence"
    )
    page.screenshot(path=str(screenshots / "zoeken-laptop.png"), full_page=True)

    link = first.locator("blockquote.evidence footer a").first
    target = link.get_attribute("href")
    assert re.fullmatch(r"/documenten/[^#]+#p\d+", target)
    link.click()
    page.wait_for_url(re.compile(r"/documenten/"))
    anchor = target.split("#", 1)[1]
    passage = page.locator(f"#{anchor}")
    assert passage.is_visible()
    assert page.locator(".passage .fact").count() > 5, "extracted facts are highlighted in the text"
    assert page.locator("aside .facts-list li").count() > 3
    page.screenshot(path=str(screenshots / "document-laptop.png"))


def test_question_reading_chips_and_near_misses_apart(laptop, site, screenshots):
    page, _ = laptop
    page.goto(site + "/?q=" + "Welke gemeenten zijn gestart met Preventie met gezag?".replace(" ", "+"))
    chips = page.locator("ul.chips.understood li")
    assert chips.count() >= 2
    assert any("Preventie met gezag" in t for t in chips.all_inner_texts())
    assert any("meerdere gemeenten" in t for t in chips.all_inner_texts())
    misses = page.locator(".near-misses li.near-miss")
    assert misses.count() >= 1
    assert any("Hengelo" in t and "volgt alleen" in t for t in misses.all_inner_texts())
    cards = {c.strip() for c in page.locator(".municipality-card h3 a").all_inner_texts()}
    assert "Hengelo" not in cards
    page.screenshot(path=str(screenshots / "zoeken-bijna-laptop.png"), full_page=True)


def test_filters_and_municipality_page(laptop, site, screenshots):
    page, _ = laptop
    page.goto(site + "/")
    page.locator("details.filters summary").click()  # filters fold away until asked for
    options = page.locator("#f-municipality option")
    assert options.count() >= 2
    code = options.nth(1).get_attribute("value")
    page.get_by_label("Vraag of zoekwoorden").fill("veiligheid")
    page.select_option("#f-municipality", code)
    page.wait_for_url(re.compile(r"municipality=" + code))  # a changed filter re-runs the search
    for card in page.locator(".municipality-card").all():
        assert card.get_attribute("data-code") == code
    page.goto(f"{site}/gemeenten/{code}")
    assert page.locator("h1").inner_text().startswith("Gemeente")
    assert page.locator("table.data tbody tr").count() >= 1
    page.screenshot(path=str(screenshots / "gemeente-laptop.png"), full_page=True)


def test_keyboard_users_can_skip_to_content_and_search(laptop, site):
    page, _ = laptop
    page.goto(site + "/over")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Naar de inhoud"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#inhoud"
    page.goto(site + "/")
    # the search box has focus on arrival (autofocus: once the page is loaded, not at the first byte)
    page.wait_for_function("document.activeElement && document.activeElement.name === 'q'")
    page.keyboard.type("cameratoezicht")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"q=cameratoezicht"))
    assert page.locator("#resultaten").is_visible()


def test_a_matrix_cell_opens_with_its_quotes(laptop, site):
    page, _ = laptop
    page.goto(site + "/matrix?theme=theme%3Aondermijning")
    cell = page.locator("td.cell:not(.empty)").first
    label = cell.get_attribute("title").split(":")[0]  # "Haaksbergen × integrale controles: 2 ..."
    cell.click()
    page.wait_for_selector("#cell-detail q")
    assert label in page.locator("#cell-detail").inner_text()
    assert page.locator("#cell-detail q").first.inner_text().strip()
    other = page.locator("td.cell:not(.empty)").nth(1)
    other.focus()
    page.keyboard.press("Enter")  # keyboard users open a cell too
    page.wait_for_function(
        "label => (document.querySelector('#cell-detail b') || {}).textContent === label",
        arg=other.get_attribute("title").split(":")[0],
    )


def test_sparql_editor_runs_an_example_query(laptop, site, screenshots):
    page, _ = laptop
    page.goto(site + "/sparql-editor")
    page.wait_for_selector(".yasqe .CodeMirror")
    buttons = page.locator("[data-example]")
    assert buttons.count() >= 5
    with page.expect_response(
        lambda r: urlparse(r.url).path == "/sparql" and r.request.method == "POST"
    ) as answer:
        buttons.nth(0).click()
    assert answer.value.status == 200
    page.wait_for_selector(".yasr table tbody tr")
    assert page.locator(".yasr table tbody tr").count() >= 1
    assert page.evaluate("document.documentElement.scrollWidth") <= LAPTOP["width"] + 1
    page.screenshot(path=str(screenshots / "sparql-editor-laptop.png"), full_page=True)


def test_phone_width_is_readable_without_sideways_scrolling(phone, site, screenshots):
    page, _ = phone
    page.goto(site + "/?" + "q=" + QUESTION.replace(" ", "+"))
    assert page.locator(".municipality-card").count() >= 1
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1
    page.screenshot(path=str(screenshots / "zoeken-telefoon.png"))
    page.locator("#resultaten").scroll_into_view_if_needed()
    page.screenshot(path=str(screenshots / "zoeken-telefoon-resultaten.png"))
    page.locator(".municipality-card blockquote.evidence footer a").first.click()
    page.wait_for_url(re.compile(r"/documenten/"))
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1
    page.screenshot(path=str(screenshots / "document-telefoon.png"))
