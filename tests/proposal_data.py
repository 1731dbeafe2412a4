"""A complete, policy-passing proposal form, as a browser would post it."""

from __future__ import annotations

from tests.factories import People

TERMS = (
    "Welcome to our page. We welcome respectful discussion. We remove abusive, "
    "discriminatory or off-topic comments and spam.\n\n"
    "We monitor this page Monday to Friday, 8:30am to 5:00pm NZ time. Messages sent outside "
    "these hours are answered when we are next monitoring."
)


def good_form(people: People, **overrides: object) -> dict[str, object]:
    form: dict[str, object] = {
        "channel_name": "MEC Pasifika Communities",
        "platform": "facebook",
        "handle": "MECPasifika",
        "channel_url": "",
        "business_unit": str(people.policy.id),
        "purpose": "Share news and events with Pasifika communities.",
        "audience": "Pasifika communities in Aotearoa New Zealand.",
        "languages": ["English", "Samoan", "Tongan"],
        "other_languages": "",
        "terms_of_use": TERMS,
        "out_of_hours_message": "Thanks for your message. We reply during our monitoring hours.",
        "profile_statement": "This channel is supported by the Ministry for Ethnic Communities.",
        "profile_links": "https://www.ethniccommunities.govt.nz/\nhttps://www.facebook.com/MECNZ",
        "no_related_reason": "This is the agency's first channel for these communities.",
        "liaison": str(people.comms.id),
        "spokespeople": [str(people.staff_policy.id)],
        "peer_reviewers": [str(people.dce_policy.id)],
        "information_contact": str(people.staff_policy.id),
        "neutrality_confirmed": "y",
        "action": "save",
    }
    for day in range(5):
        form[f"monitoring_windows-{day}-weekday"] = str(day)
        form[f"monitoring_windows-{day}-starts"] = "08:30"
        form[f"monitoring_windows-{day}-ends"] = "17:00"
    form.update(overrides)
    return {key: value for key, value in form.items() if value is not None}
