"""The whole journey with the keyboard only, and focus always visible.

No mouse, no ``.click()``, no ``.fill()``: Tab and Shift+Tab move, Enter and Space act, the
arrow keys choose in selects and radio groups, and text is typed into whatever has focus.
After every key press that moves focus, the focused element must show a focus indicator (a
computed outline or box-shadow) and be on screen (WCAG 2.4.7 Focus Visible, 2.1.1 Keyboard).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from playwright.sync_api import expect
from sqlalchemy import select, update

from registry.auth.offices import agency_today
from registry.channels.models import Channel
from tests import factories
from tests.workflow import accept_security_risk, approved_proposal, submitted_proposal

FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const rect = el.getBoundingClientRect();
  const label = el.labels && el.labels.length ? el.labels[0].innerText : "";
  const option = el.tagName === "SELECT" && el.selectedOptions.length
    ? el.selectedOptions[0].text : "";
  return {
    tag: el.tagName.toLowerCase(),
    type: el.getAttribute("type") || "",
    id: el.id,
    name: el.getAttribute("name") || "",
    classes: typeof el.className === "string" ? el.className : "",
    text: (el.innerText || "").replace(/\\s+/g, " ").trim(),
    label: label.replace(/\\s+/g, " ").trim(),
    value: "value" in el ? String(el.value) : "",
    checked: !!el.checked,
    option: option,
    outlineStyle: style.outlineStyle,
    outlineWidth: parseFloat(style.outlineWidth) || 0,
    boxShadow: style.boxShadow,
    onScreen: rect.width > 0 && rect.height > 0 && rect.bottom > 0 && rect.right > 0
      && rect.top < window.innerHeight && rect.left < window.innerWidth,
  };
}"""

Focus = dict
Match = Callable[[Focus], bool]


def link(name: str, exact: bool = True) -> Match:
    if exact:
        return lambda f: f["tag"] == "a" and f["text"] == name
    return lambda f: f["tag"] == "a" and f["text"].startswith(name)


def button(name: str) -> Match:
    return lambda f: f["tag"] == "button" and f["text"] == name


def labelled(label: str, name: str | None = None) -> Match:
    return lambda f: f["label"] == label and (name is None or f["name"] == name)


def by_id(element_id: str) -> Match:
    return lambda f: f["id"] == element_id


def describe(f: Focus | None) -> str:
    if f is None:
        return "nothing (the page body)"
    what = f["label"] or f["text"][:60] or f["id"] or f["classes"]
    return f"<{f['tag']}{' ' + f['type'] if f['type'] else ''}> {what!r}"


class Keyboard:
    """Drives the page with keys only, checking the focus indicator after every move."""

    def __init__(self, page) -> None:  # noqa: ANN001
        self.page = page
        self.moves = 0
        self.elements: set[tuple[str, str, str, str]] = set()

    def focused(self) -> Focus | None:
        return self.page.evaluate(FOCUSED)

    def assert_focus_visible(self, f: Focus | None) -> None:
        assert f is not None, f"focus was lost on {self.page.url}"
        outline = f["outlineStyle"] != "none" and f["outlineWidth"] > 0
        shadow = f["boxShadow"] not in ("", "none")
        assert outline or shadow, (
            f"{describe(f)} on {self.page.url} has focus but no visible focus indicator "
            f"(outline {f['outlineStyle']} {f['outlineWidth']}px, box-shadow {f['boxShadow']})"
        )
        assert f["onScreen"], f"{describe(f)} has focus but is off screen on {self.page.url}"
        self.elements.add((self.page.url.split("?")[0], f["tag"], f["id"], f["text"][:40]))

    def press(self, key: str) -> Focus:
        self.page.keyboard.press(key)
        self.moves += 1
        f = self.focused()
        self.assert_focus_visible(f)
        return f

    def tab_to(self, match: Match, back: bool = False, limit: int = 200) -> Focus:
        key = "Shift+Tab" if back else "Tab"
        seen = []
        for _ in range(limit):
            f = self.press(key)
            if match(f):
                return f
            seen.append(describe(f))
        raise AssertionError(f"{key} never reached it on {self.page.url}; passed: {seen}")

    def type(self, text: str) -> None:
        self.page.keyboard.type(text)

    def choose(self, option: str, limit: int = 60) -> None:
        """In a focused select, press the arrow keys until ``option`` is chosen."""
        f = self.focused()
        assert f and f["tag"] == "select", f"expected a select, found {describe(f)}"
        key = "ArrowDown"
        for _ in range(limit):
            if f["option"] == option:
                return
            before = f["option"]
            f = self.press(key)
            if f["option"] == before:  # at the end of the list: go the other way
                key = "ArrowUp" if key == "ArrowDown" else "ArrowDown"
        raise AssertionError(f"could not choose {option!r} in {describe(f)}")

    def pick(self, typed: str, name: str, limit: int = 20) -> None:
        """In a focused people search box (a combobox), type, arrow down to ``name`` in the
        list that drops down, and press Enter to choose them."""
        f = self.focused()
        assert f and f["id"].endswith("-search"), f"expected a people search, found {describe(f)}"
        box = self.page.locator(f"#{f['id']}")
        self.type(typed)
        listbox = self.page.locator(f"#{box.get_attribute('aria-controls')}")
        expect(listbox.get_by_role("option", name=name)).to_be_visible()
        for _ in range(limit):
            self.press("ArrowDown")
            active = box.get_attribute("aria-activedescendant")
            if active and self.page.locator(f"#{active}").inner_text().startswith(name):
                break
        else:
            raise AssertionError(f"could not reach {name!r} in {describe(f)}")
        self.press("Enter")
        expect(box).to_have_value("")
        group = self.page.locator(f"#{f['id'].removesuffix('-search')}")
        expect(group.get_by_role("button", name=f"Remove {name}")).to_be_visible()

    def activate(self, key: str = "Enter") -> None:
        """Press Enter (or Space) on the focused control and wait for the page it opens."""
        with self.page.expect_navigation():
            self.page.keyboard.press(key)
        self.page.wait_for_load_state("load")

    def sign_in(self, email: str, password: str) -> None:
        self.page.goto("/sign-in")
        skip = self.press("Tab")
        assert skip["text"] == "Skip to main content", describe(skip)
        self.tab_to(labelled("Email"))
        self.type(email)
        assert self.press("Tab")["label"] == "Password"
        self.type(password)
        self.tab_to(button("Sign in"))
        self.activate()
        expect(self.page.get_by_role("heading", level=1)).to_contain_text("Kia ora")

    def sign_out(self) -> None:
        self.tab_to(button("Sign out"), back=True)
        self.activate()
        expect(self.page.get_by_role("heading", level=1)).to_have_text("Sign in")


def test_approve_with_the_keyboard_only(page, people, client_as):
    # Proposing by keyboard, section by section: tests/browser/test_task_list_browser.py.
    title = submitted_proposal(client_as, people).title
    keys = Keyboard(page)

    # The Manager Communications finds it in the queue and approves it.
    keys.sign_in(people.manager.email, factories.PASSWORD)
    # The skip link is the first stop, and it moves focus to the main content.
    skip = keys.press("Tab")
    assert skip["text"] == "Skip to main content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    # Back up from the main content into the navigation.
    keys.tab_to(link("Awaiting my sign-off"), back=True)
    keys.activate()
    expect(page.get_by_role("heading", level=1)).to_have_text("Awaiting my sign-off")
    keys.tab_to(link(title))
    keys.activate()
    expect(page.get_by_text("You will sign as Manager Communications.")).to_be_visible()
    keys.tab_to(button("Approve"))
    keys.activate()
    expect(page.locator(".notice-success")).to_contain_text("as Manager Communications")
    print(
        f"\nkeyboard: {keys.moves} key presses, {len(keys.elements)} focus stops, "
        "each with a visible focus indicator."
    )


def test_attest_to_a_review_with_radio_buttons(page, people, client_as, db):
    proposal = approved_proposal(client_as, people)
    channel = db.session.scalar(select(Channel).where(Channel.proposal_id == proposal.id))
    accept_security_risk(client_as, channel.id)
    client_as("comms").post(
        f"/channels/{channel.id}/live", data={"channel_url": "https://www.facebook.com/MECPasifika"}
    )
    accept_security_risk(client_as, channel.id)  # for the recertification below
    db.session.execute(update(Channel).values(review_due=agency_today() - timedelta(days=3)))
    db.session.commit()
    # The owner (the proposer) has attested: the liaison's attestation recertifies it.
    owner = client_as("staff_policy").post(
        f"/channels/{channel.id}/attest",
        data={
            "still_needed": "yes",
            "terms_accurate": "yes",
            "hours_kept": "yes",
            "spokespeople_right": "yes",
            "signed_name": "Tama Rāwiri",
            "cycle": "0",
            "outcome": "attest",
        },
    )
    assert owner.status_code == 302, owner.get_data(as_text=True)[:2000]

    keys = Keyboard(page)
    keys.sign_in(people.comms.email, factories.PASSWORD)
    keys.tab_to(link("Inventory"))
    keys.activate()
    keys.tab_to(link(channel.name))
    keys.activate()
    keys.tab_to(link("Attest"))
    keys.activate()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Attest to the review of {channel.name}"
    )

    # Attest without answering: the summary takes focus and links to each question.
    keys.tab_to(button("Attest"))
    keys.activate()
    f = keys.focused()
    keys.assert_focus_visible(f)
    assert "error-summary" in f["classes"], describe(f)
    keys.tab_to(link("Say whether the channel is still needed."))
    page.keyboard.press("Enter")
    f = keys.focused()
    keys.assert_focus_visible(f)
    assert f["name"] == "still_needed" and f["type"] == "radio", describe(f)

    # Answer each question: the arrow keys move between Yes and No (and choose).
    for number, name in enumerate(
        ("still_needed", "terms_accurate", "hours_kept", "spokespeople_right")
    ):
        if number:
            f = keys.tab_to(lambda f, name=name: f["name"] == name)
        assert f["label"] == "Yes", describe(f)
        f = keys.press("ArrowDown")
        assert f["label"] == "No" and f["checked"]
        f = keys.press("ArrowUp")
        assert f["label"] == "Yes" and f["checked"]
    keys.tab_to(labelled("Notes"))
    keys.type("All good.")
    keys.tab_to(labelled("Your full name"))
    keys.type("Mere Tane")
    keys.tab_to(button("Attest"))
    keys.activate()
    expect(page.locator(".notice-success")).to_contain_text("is recertified")
