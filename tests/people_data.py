"""Seed staff in bulk (for the people pickers at an agency's scale)."""

from __future__ import annotations

from sqlalchemy import insert

from registry.auth.models import BusinessUnit, User
from registry.extensions import db
from registry.timeutil import utcnow

FIRST_NAMES = [
    "Aroha",
    "Anahera",
    "Ariana",
    "Ataahua",
    "Hine",
    "Huia",
    "Kahu",
    "Kiri",
    "Manaia",
    "Marama",
    "Moana",
    "Ngaio",
    "Nikau",
    "Pania",
    "Rangi",
    "Rēwi",
    "Tāne",
    "Tui",
    "Wiremu",
    "Wikitoria",
    "Aiden",
    "Amelia",
    "Ana",
    "Arjun",
    "Chloe",
    "Daniel",
    "Emma",
    "Fatima",
    "Grace",
    "Hamish",
    "Isla",
    "Jack",
    "Jasmine",
    "Kavya",
    "Liam",
    "Lucy",
    "Mei",
    "Mohammed",
    "Nadia",
    "Noah",
    "Olivia",
    "Oscar",
    "Priya",
    "Ravi",
    "Ruby",
    "Sam",
    "Sione",
    "Sofia",
    "Tevita",
    "Tom",
    "Vika",
    "Wei",
    "Xavier",
    "Yusuf",
    "Zara",
    "Ilse",
    "Losa",
    "Malia",
    "Ngozi",
    "Omar",
]
LAST_NAMES = [
    "Brown",
    "Chen",
    "Fa'asavalu",
    "Fifita",
    "Gill",
    "Harris",
    "Henare",
    "Huang",
    "Kaur",
    "Kim",
    "Lee",
    "Māka",
    "Martin",
    "Moana",
    "Nguyen",
    "Ngata",
    "Pōtae",
    "Patel",
    "Reddy",
    "Robinson",
    "Singh",
    "Smith",
    "Taufa",
    "Tawhiri",
    "Thompson",
    "Tūrei",
    "Walker",
    "Wang",
    "Williams",
    "Wilson",
    "Young",
    "Zhang",
    "Aziz",
    "Cooper",
    "Davies",
    "Evans",
    "Hughes",
    "Jones",
    "Khan",
    "Lopez",
    "Murphy",
    "O'Brien",
    "Park",
    "Ruatapu",
    "Sharma",
    "Tipene",
    "Vaifale",
    "Wong",
    "Yadav",
    "Ahmed",
    "Ali",
]


def seeded_name(index: int) -> str:
    first = FIRST_NAMES[index % len(FIRST_NAMES)]
    last = LAST_NAMES[(index // len(FIRST_NAMES)) % len(LAST_NAMES)]
    return f"{first} {last}"


def seed_people(count: int, units: list[BusinessUnit]) -> None:
    """``count`` active staff, in one INSERT: "Aroha Brown", "Anahera Brown"... each with an
    email address of their own (seed.<index>@...) and a unit. No passwords: they never sign in."""
    now = utcnow()
    rows = [
        {
            "email": f"seed.{index:05d}@example.govt.nz",
            "display_name": seeded_name(index),
            "password_hash": None,
            "is_active_account": True,
            "business_unit_id": units[index % len(units)].id,
            "session_generation": 0,
            "created_at": now,
            "updated_at": now,
        }
        for index in range(count)
    ]
    db.session.execute(insert(User), rows)
    db.session.commit()
