"""The synthetic province: people, agencies, rosters and years of declarations, written as real
.xlsx files with planted anomalies, and a manifest of exactly the flags the checks must raise.

How it stays exact. Every person's assets live in a small simulation: a baseline, then dated
events (savings, spending, purchases, sales). A declaration is the state on its completion date;
its `Biến động` rows are the events since the previous full declaration, one row per event, so
they equal ΔTs to the đồng; its income covers ΔT. Identified items never change value, foreign
items are there from the start, and whoever is not an annual declarant files a supplementary
declaration in any year whose purchases reach V. Clean data therefore raises no flag under any
regime (docs/checks.md). Each planted anomaly is one deviation on a person who has no other
events, and the rules it triggers (with the numbers that make them fire) are listed with it.
"""
from __future__ import annotations

import copy
import json
import random
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import xlsxwriter

from declarations.legal import LegalParams
from etl import layout
from etl.demo import names as N
from etl.layout import (
    ASSETS, DECLARATION_TYPES, GENERAL, INCOME, INCOME_EARNERS, INCOME_SECTION, INCOME_SECTION_LABELS,
    NO_CHANGE_TEXT, RELATIONS, RELATIVES, ROSTER, UNKNOWN_VALUE_TEXT, VARIATIONS, Sheet,
)
from etl.records import (
    AssetRecord, DeclarationRecord, Identity, IncomeRecord, RelativeRecord, RosterRecord, VariationRecord,
)
from etl.template import (
    AMOUNT_FIELDS, DATE_FORMAT, GENERAL_FIRST_ROW, HEADER_ROW, TITLE_ROW, TITLES, VND_FORMAT, WIDTHS,
)
from etl.text import name_key, strip_diacritics

MILLION = 1_000_000
TYPE_SLUGS = {"first": "lan-dau", "annual": "hang-nam", "supplementary": "bo-sung", "personnel": "can-bo"}
DECLARATIONS_DIR = "ke-khai"
ROSTERS_DIR = "danh-sach"
MANIFEST_NAME = "manifest.json"
#: Fixed document properties, so the same seed writes the same bytes.
_CREATED = datetime(2020, 1, 1)

#: Every rule of PRODUCT.md, each planted at least once when the window allows it.
RULES = ("MISSING", "LATE", "UNEXPLAINED_INCREASE", "WEALTH_EXCEEDS_INCOME", "ASSET_DISAPPEARED",
         "VALUE_CHANGED", "VARIATION_MISMATCH", "NEW_FOREIGN_ASSET", "SUPPLEMENTARY_MISSING",
         "FORM_INCONSISTENT")

#: (rule, variant): the plants, in the order they are dealt out (one of each rule first).
PLANTS: tuple[tuple[str, str], ...] = (
    ("MISSING", "annual"), ("LATE", "annual"), ("UNEXPLAINED_INCREASE", "plain"),
    ("WEALTH_EXCEEDS_INCOME", "gift"), ("ASSET_DISAPPEARED", "legacy"), ("VALUE_CHANGED", "house"),
    ("VARIATION_MISMATCH", "no_change"), ("NEW_FOREIGN_ASSET", "account"),
    ("SUPPLEMENTARY_MISSING", "car"), ("FORM_INCONSISTENT", "first_income"),
    ("MISSING", "legacy"), ("LATE", "first"), ("VARIATION_MISMATCH", "row"),
    ("FORM_INCONSISTENT", "no_variation_sheet"), ("MISSING", "first"), ("LATE", "personnel"),
    ("UNEXPLAINED_INCREASE", "with_wealth"), ("NEW_FOREIGN_ASSET", "no_country"),
    ("FORM_INCONSISTENT", "unknown_no_reason"), ("FORM_INCONSISTENT", "no_country"),
    ("MISSING", "personnel"), ("ASSET_DISAPPEARED", "car"), ("FORM_INCONSISTENT", "first_variation"),
    ("VALUE_CHANGED", "land"), ("WEALTH_EXCEEDS_INCOME", "gift"), ("SUPPLEMENTARY_MISSING", "same_year"),
)


# ----------------------------------------------------------------------------------------------
# The simulation's model

@dataclass
class Item:
    iid: int
    section: str
    name: str
    owner: str | None = None
    address: str | None = None
    area: Decimal | None = None
    quantity: Decimal | None = None
    certificate: str | None = None
    year_acquired: int | None = None
    value: int | None = None
    unknown: bool = False
    country: str | None = None
    other_info: str | None = None


@dataclass
class Event:
    day: date
    kind: str                  #: "acquire" | "dispose" | "cash" | "revalue"
    iid: int
    delta: int                 #: the change of T it causes (acquire: +value, dispose: -value)
    explanation: str
    item: Item | None = None   #: the new item (acquire)
    hidden: bool = False       #: left out of `Biến động` (a planted anomaly)


@dataclass
class Slot:
    """One declaration a person owes or makes."""

    dtype: str
    year: int
    completed_on: date
    event_date: date | None = None
    on_roster: bool = True
    filed: bool = True
    position: str | None = None
    tweaks: list[str] = field(default_factory=list)   #: planted deviations of the form
    income_override: int | None = None
    mismatch_extra: int = 0                            #: planted VARIATION_MISMATCH (row variant)
    record: DeclarationRecord | None = None


@dataclass
class Person:
    pid: int
    full_name: str
    female: bool
    dob: date
    cccd: str
    agency: str
    position: str
    annual: bool                       #: an annual declarant (Law Art. 36.3) from the start
    residence: str
    cmnd: str | None = None
    cmnd_until: int | None = None      #: files of years <= this carry the CMND
    spouse: RelativeRecord | None = None
    children: list[RelativeRecord] = field(default_factory=list)
    salary: int = 0
    spouse_salary: int = 0
    items: list[Item] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    slots: list[Slot] = field(default_factory=list)
    promoted_to: str | None = None
    plant: tuple[str, str] | None = None
    quiet: bool = False                #: no random events (planted and correction people)

    def identity(self, year: int) -> Identity:
        if self.cmnd and self.cmnd_until is not None and year <= self.cmnd_until:
            return Identity("cmnd", self.cmnd)
        return Identity("cccd", self.cccd)


@dataclass
class DeclarationFile:
    path: str                  #: relative to the output folder, POSIX separators
    record: DeclarationRecord
    pid: int
    messy: bool
    superseded: bool = False   #: a later file for the same person, type and year replaces it


@dataclass
class RosterFile:
    path: str
    year: int
    records: list[RosterRecord]
    messy: bool


@dataclass
class Province:
    """Everything generated, in memory: what the files say (records) and what must be flagged."""

    seed: int
    parameters: dict
    as_of: date
    agencies: list[dict]
    persons: list[Person]
    roster_files: list[RosterFile]
    declaration_files: list[DeclarationFile]
    expected_flags: list[dict]
    planted: list[dict]
    corrections: list[dict]


@dataclass
class Manifest:
    """What `generate_province` wrote and what the checks must find (also in manifest.json)."""

    seed: int
    parameters: dict
    as_of: date
    counts: dict
    files: list[str]
    roster_files: list[str]
    declaration_files: list[str]
    expected_flags: list[dict]
    planted: list[dict]
    corrections: list[dict]
    agencies: list[dict]

    def to_json(self) -> dict:
        return {
            "seed": self.seed, "parameters": self.parameters, "as_of": self.as_of.isoformat(),
            "counts": self.counts, "files": self.files, "roster_files": self.roster_files,
            "declaration_files": self.declaration_files, "expected_flags": self.expected_flags,
            "planted": self.planted, "corrections": self.corrections, "agencies": self.agencies,
        }

    @classmethod
    def from_json(cls, data: dict) -> Manifest:
        return cls(**{**data, "as_of": date.fromisoformat(data["as_of"])})


# ----------------------------------------------------------------------------------------------
# Public API

def generate_province(out_dir: Path, *, declarants: int = 200, years: int = 4, seed: int = 1,
                      last_year: int | None = None, messy_share: float = 0.2,
                      anomaly_rate: float = 0.08, params: LegalParams | None = None) -> Manifest:
    """Write a synthetic province (rosters, declarations, manifest.json) into `out_dir`."""
    province = build_province(declarants=declarants, years=years, seed=seed, last_year=last_year,
                              messy_share=messy_share, anomaly_rate=anomaly_rate, params=params)
    out_dir = Path(out_dir)
    for roster in province.roster_files:
        write_roster(out_dir / roster.path, roster.records, messy=roster.messy,
                     rng=random.Random(f"{seed}:{roster.path}"))
    for dfile in province.declaration_files:
        write_declaration(out_dir / dfile.path, dfile.record, messy=dfile.messy,
                          rng=random.Random(f"{seed}:{dfile.path}"))
    manifest = manifest_of(province)
    (out_dir / MANIFEST_NAME).write_text(json.dumps(manifest.to_json(), ensure_ascii=False, indent=1),
                                         encoding="utf-8")
    return manifest


def manifest_of(province: Province) -> Manifest:
    """The manifest of a built province (file lists sorted: the import order)."""
    rosters = sorted(r.path for r in province.roster_files)
    decls = sorted(d.path for d in province.declaration_files)
    planted_counts: dict[str, int] = {}
    for flag in province.expected_flags:
        planted_counts[flag["rule"]] = planted_counts.get(flag["rule"], 0) + 1
    counts = {
        "people": len(province.persons),
        "agencies": len(province.agencies),
        "roster_files": len(rosters),
        "roster_entries": sum(len(r.records) for r in province.roster_files),
        "declaration_files": len(decls),
        "declarations": len(decls) - len(province.corrections),
        "corrections": len(province.corrections),
        "messy_files": sum(1 for r in province.roster_files if r.messy)
        + sum(1 for d in province.declaration_files if d.messy),
        "legacy_cmnd_people": sum(1 for p in province.persons if p.cmnd),
        "planted": len(province.planted),
        "expected_flags": len(province.expected_flags),
        "expected_flags_by_rule": dict(sorted(planted_counts.items())),
    }
    return Manifest(seed=province.seed, parameters=province.parameters, as_of=province.as_of,
                    counts=counts, files=rosters + decls, roster_files=rosters, declaration_files=decls,
                    expected_flags=province.expected_flags, planted=province.planted,
                    corrections=province.corrections, agencies=province.agencies)


def build_province(*, declarants: int = 200, years: int = 4, seed: int = 1, last_year: int | None = None,
                   messy_share: float = 0.2, anomaly_rate: float = 0.08,
                   params: LegalParams | None = None) -> Province:
    """The province in memory: people, their declarations as records, rosters, expected flags."""
    if declarants < 1 or years < 1:
        raise ValueError("declarants and years must be at least 1")
    if last_year is None:
        last_year = date.today().year - 1
    return _Builder(declarants, years, seed, last_year, messy_share, anomaly_rate,
                    params or LegalParams()).build()


# ----------------------------------------------------------------------------------------------
# Building the province

def _m(low: int, high: int, rng: random.Random) -> int:
    """A random amount in whole millions between low and high million."""
    return rng.randint(low, high) * MILLION


def _round_m(value: float) -> int:
    return max(MILLION, int(round(value / MILLION)) * MILLION)


def _section_order(section: str) -> tuple:
    return tuple(int(p) for p in section.split("."))


class _Builder:
    def __init__(self, declarants: int, years: int, seed: int, last_year: int, messy_share: float,
                 anomaly_rate: float, params: LegalParams) -> None:
        self.n = declarants
        self.years = years
        self.seed = seed
        self.last = last_year
        self.first = last_year - years + 1
        self.messy_share = messy_share
        self.anomaly_rate = anomaly_rate
        self.params = params
        self.rng = random.Random(seed)
        self.ids: set[str] = set()
        self.people_keys: set[tuple[str, date]] = set()
        self.next_iid = 1
        self.expected: list[dict] = []
        self.planted: list[dict] = []
        self.corrections: list[dict] = []

    # -- thresholds, by the regime in force on a day (PRODUCT.md: the later declaration's date)
    def V(self, day: date) -> int:
        return self.params.regime_on(day).variation_threshold

    def Ti(self, day: date) -> int:
        return self.params.regime_on(day).item_threshold

    def build(self) -> Province:
        rng = self.rng
        self.agencies = self._agencies()
        kinds = self._plant_list()
        n_legacy = max(2, round(self.n * 0.03)) if self.years >= 2 else 0
        planted_pids = dict(zip(sorted(rng.sample(range(1, self.n + 1), len(kinds))), kinds))
        persons = [self._person(pid, planted_pids.get(pid)) for pid in range(1, self.n + 1)]
        # A few clean people carry a CMND on their early files too (beyond the planted ones).
        clean = [p for p in persons if p.plant is None and p.annual and p.slots and
                 p.slots[0].dtype == "annual" and not p.cmnd]
        more = max(0, n_legacy - sum(1 for p in persons if p.cmnd))
        for person in rng.sample(clean, min(len(clean), more)):
            self._make_legacy(person, rng.randint(self.first, self.last - 1))
        for person in persons:
            self._supplementaries(person)
            self._records(person)
        files = self._files(persons)
        self._corrections(persons, files)
        rosters = self._rosters(persons)
        as_of = date(self.last + 1, 1, 15)
        self.expected.sort(key=lambda f: (f["cccd"], f["declaration_type"], f["year"], f["rule"]))
        parameters = {"declarants": self.n, "years": self.years, "seed": self.seed,
                      "last_year": self.last, "first_year": self.first, "messy_share": self.messy_share,
                      "anomaly_rate": self.anomaly_rate}
        files.sort(key=lambda f: f.path)
        return Province(self.seed, parameters, as_of, self.agencies, persons, rosters, files,
                        self.expected, self.planted, self.corrections)

    # -- agencies
    def _agencies(self) -> list[dict]:
        out: list[dict] = []
        for name, units in N.DEPARTMENTS:
            out.append({"name": name, "parent": None, "kind": "department"})
            for unit in units:
                out.append({"name": unit, "parent": name, "kind": "unit"})
        for commune in N.COMMUNES:
            out.append({"name": f"Ủy ban nhân dân {commune}", "parent": None, "kind": "commune"})
        wanted = min(len(out), max(3, self.n // 8))
        chosen = self.rng.sample(range(len(out)), wanted)
        return [out[i] for i in sorted(chosen)]

    def _plant_list(self) -> list[tuple[str, str]]:
        feasible = [p for p in PLANTS if self._feasible(p)]
        if not feasible or self.anomaly_rate <= 0:
            return []
        want = max(round(self.anomaly_rate * self.n), len({r for r, _ in feasible}))
        want = min(want, self.n // 2) if self.n >= 4 else 0
        out = [feasible[i % len(feasible)] for i in range(want)]
        return out

    def _feasible(self, plant: tuple[str, str]) -> bool:
        rule, variant = plant
        if self.years >= 2:
            return True
        # A one-year window: no year-over-year comparison, no later year for a supplementary.
        return (rule, variant) in {("MISSING", "annual"), ("MISSING", "first"), ("LATE", "first"),
                                   ("LATE", "personnel"), ("MISSING", "personnel"),
                                   ("FORM_INCONSISTENT", "first_income"),
                                   ("FORM_INCONSISTENT", "first_variation"),
                                   ("FORM_INCONSISTENT", "no_variation_sheet"),
                                   ("FORM_INCONSISTENT", "unknown_no_reason"),
                                   ("FORM_INCONSISTENT", "no_country")}

    # -- people
    def _unique_id(self, make) -> str:
        while True:
            value = make()
            if value not in self.ids:
                self.ids.add(value)
                return value

    def _cccd(self, dob: date, female: bool) -> str:
        rng = self.rng
        century = 0 if dob.year < 2000 else 2
        return self._unique_id(lambda: rng.choice(N.CCCD_PROVINCE_CODES) + str(century + int(female))
                               + f"{dob.year % 100:02d}" + f"{rng.randrange(10**6):06d}")

    def _cmnd(self) -> str:
        rng = self.rng
        return self._unique_id(lambda: rng.choice(N.CMND_PREFIXES) + f"{rng.randrange(10**7):07d}")

    def _name(self, female: bool) -> str:
        rng = self.rng
        surnames, weights = zip(*N.SURNAMES)
        surname = rng.choices(surnames, weights)[0]
        if female:
            return f"{surname} {rng.choice(N.MIDDLE_FEMALE)} {rng.choice(N.GIVEN_FEMALE)}"
        return f"{surname} {rng.choice(N.MIDDLE_MALE)} {rng.choice(N.GIVEN_MALE)}"

    def _address(self, commune: str | None = None) -> str:
        rng = self.rng
        commune = commune or rng.choice(N.COMMUNES)
        if commune.startswith("phường"):
            return f"Số {rng.randint(1, 250)}, đường {rng.choice(N.STREETS)}, {commune}, tỉnh {N.PROVINCE}"
        return f"{rng.choice(N.HAMLETS)}, {commune}, tỉnh {N.PROVINCE}"

    def _position(self, agency: dict, annual: bool) -> str:
        rng = self.rng
        kind = agency["kind"]
        if kind == "commune":
            return rng.choice(N.COMMUNE_LEADERS + N.ANNUAL_POSTS_COMMUNE) if annual \
                else rng.choice(N.PLAIN_POSTS_COMMUNE)
        if not annual:
            return rng.choice(N.PLAIN_POSTS_DEPARTMENT)
        division = rng.choice(N.DIVISIONS)
        if kind == "unit":
            return rng.choice(("Giám đốc", "Phó Giám đốc", "Kế toán trưởng", f"Trưởng {division[0].lower()}"
                               f"{division[1:]}", "Chuyên viên quản lý tài chính"))
        head = rng.choice(("Trưởng", "Phó Trưởng"))
        return rng.choice((*N.DEPARTMENT_LEADERS, f"{head} {division.lower()}"
                           if division.startswith("Phòng") else f"Chánh {division.lower()}",
                           *N.ANNUAL_POSTS_DEPARTMENT))

    def _agency_of(self, person: Person) -> dict:
        return next(a for a in self.agencies if a["name"] == person.agency)

    def _promotion(self, agency: dict) -> str:
        if agency["kind"] == "commune":
            return "Phó Chủ tịch Ủy ban nhân dân"
        return f"Phó Trưởng {self.rng.choice(N.DIVISIONS[1:]).lower()}"

    def _person(self, pid: int, plant: tuple[str, str] | None) -> Person:
        rng = self.rng
        rule, variant = plant if plant else ("", "")
        female = rng.random() < 0.42
        while True:
            full_name = self._name(female)
            dob = date(self.last - rng.randint(26, 58), rng.randint(1, 12), rng.randint(1, 28))
            if (name_key(full_name), dob) not in self.people_keys:
                self.people_keys.add((name_key(full_name), dob))
                break
        # Profile: who declares annually, and when the person's declarations start.
        profile = self._profile(rule, variant)
        agency = rng.choice(self.agencies)
        annual = profile != "plain"
        person = Person(pid=pid, full_name=full_name, female=female, dob=dob, cccd=self._cccd(dob, female),
                        agency=agency["name"], position=self._position(agency, annual), annual=annual,
                        residence=self._address(), plant=plant, quiet=plant is not None)
        person.salary = _m(110, 260, rng) if not annual else _m(180, 420, rng)
        self._family(person)
        hire = self._hire_year(profile, rule, variant)
        earliest = hire if hire is not None else self.first
        needs = {
            ("ASSET_DISAPPEARED", "car"): "car", ("ASSET_DISAPPEARED", "legacy"): "car",
            ("VALUE_CHANGED", "house"): "house", ("VALUE_CHANGED", "land"): "land",
            ("FORM_INCONSISTENT", "no_country"): "foreign",
            ("FORM_INCONSISTENT", "unknown_no_reason"): "heirloom",
        }.get((rule, variant))
        self._baseline(person, earliest, needs)
        self._schedule(person, profile, hire, agency)
        if plant:
            self._plant(person, rule, variant)
        else:
            self._random_events(person)
        return person

    def _profile(self, rule: str, variant: str) -> str:
        if rule == "SUPPLEMENTARY_MISSING":
            return "plain"
        if (rule, variant) in {("MISSING", "first"), ("LATE", "first"), ("FORM_INCONSISTENT", "first_income"),
                               ("FORM_INCONSISTENT", "first_variation")}:
            return "annual_new"
        if rule:
            return "annual_pre"
        r = self.rng.random()
        return "annual_pre" if r < 0.62 else "annual_new" if r < 0.8 else "plain"

    def _hire_year(self, profile: str, rule: str, variant: str) -> int | None:
        rng = self.rng
        if profile == "annual_pre":
            return None
        if rule == "SUPPLEMENTARY_MISSING":
            return rng.randint(self.first, self.last - 1)
        return rng.randint(self.first, self.last)

    def _family(self, person: Person) -> None:
        rng = self.rng
        age = self.last - person.dob.year
        if age >= 27 and rng.random() < 0.85:
            female = not person.female
            sdob = date(person.dob.year + rng.randint(-3, 6) * (1 if female else -1), rng.randint(1, 12),
                        rng.randint(1, 28))
            occupation, workplace = rng.choice(N.OCCUPATIONS)
            commune = rng.choice(N.COMMUNES)
            workplace = workplace.format(commune=commune, street=rng.choice(N.STREETS), province=N.PROVINCE)
            person.spouse = RelativeRecord(
                relation="wife" if female else "husband", full_name=self._name(female), date_of_birth=sdob,
                identity=Identity("cccd", self._cccd(sdob, female)), occupation=occupation,
                workplace=workplace or None, residence=person.residence)
            person.spouse_salary = 0 if occupation == "Nội trợ" else _m(90, 240, rng)
            for _ in range(rng.choice((0, 1, 1, 2, 2))):
                born = self.last - rng.randint(1, 19)
                cdob = date(born, rng.randint(1, 12), rng.randint(1, 28))
                cfemale = rng.random() < 0.5
                child_id = Identity("cccd", self._cccd(cdob, cfemale)) if self.last - born >= 14 else None
                person.children.append(RelativeRecord(
                    relation="minor_child", full_name=f"{person.full_name.split()[0]} "
                    f"{self._name(cfemale).split(' ', 1)[1]}", date_of_birth=cdob, identity=child_id,
                    occupation="Học sinh", workplace=None, residence=person.residence))

    def _item(self, person: Person, section: str, name: str, value: int | None, year: int, **kw) -> Item:
        item = Item(self.next_iid, section, name, value=value, year_acquired=year, **kw)
        if item.owner is None:
            item.owner = person.full_name
        self.next_iid += 1
        return item

    def _cert(self) -> str:
        rng = self.rng
        return self._unique_id(lambda: rng.choice(("CS", "CT", "CY", "BĐ", "DA")) + " "
                               + f"{rng.randrange(10**6):06d}")

    def _plate(self, car: bool) -> str:
        rng = self.rng
        series = rng.choice("ABCDEFGH") if car else rng.choice(("B1", "C1", "D1", "F1", "H1", "K1"))
        return self._unique_id(lambda: f"37{series}-{rng.randrange(1000):03d}.{rng.randrange(100):02d}")

    def _account(self) -> str:
        rng = self.rng
        return self._unique_id(lambda: f"{rng.randint(1, 9)}{rng.randrange(100):02d}-"
                               f"{rng.randrange(10**6):06d}-{rng.randrange(1000):03d}")

    # Assets at the person's first declaration of the window (acquired in or before that year).
    def _baseline(self, person: Person, earliest: int, needs: str | None) -> None:
        rng = self.rng
        items = person.items
        owners = [person.full_name] + ([person.spouse.full_name] if person.spouse else [])

        def year() -> int:
            return rng.randint(min(earliest, max(1995, person.dob.year + 22)), earliest)

        bank = rng.choice(N.BANKS)
        items.append(self._item(person, "5", f"Tiền gửi tiết kiệm tại ngân hàng {bank}", _m(60, 1500, rng),
                                None, owner=rng.choice(owners)))
        if rng.random() < 0.25:
            items.append(self._item(person, "5", "Tiền mặt", _m(55, 300, rng), None))
        home = person.residence
        if needs == "house" or rng.random() < 0.75:
            cert = self._cert() if rng.random() < 0.85 else None
            y = year()
            area = Decimal(rng.randint(60, 300))
            items.append(self._item(person, "1.1", "Đất ở", _m(400, 4000, rng), y, address=home, area=area,
                                    certificate=cert, owner=" và ".join(owners)))
            house = rng.choice(("Nhà ở riêng lẻ 2 tầng", "Nhà ở riêng lẻ 3 tầng", "Nhà cấp 4"))
            items.append(self._item(person, "2.1", house, _m(300, 2500, rng), y, address=home, area=area * 2,
                                    certificate=cert, owner=" và ".join(owners)))
        elif rng.random() < 0.5:
            flat = (f"Căn hộ {rng.randint(2, 25)}{rng.randint(1, 20):02d}, chung cư {rng.choice(N.STREETS)}, "
                    f"{rng.choice(N.COMMUNES[:8])}, tỉnh {N.PROVINCE}")
            items.append(self._item(person, "2.1", "Căn hộ chung cư", _m(900, 3200, rng), year(),
                                    address=flat,
                                    area=Decimal(f"{rng.randint(55, 140)}.{rng.randint(0, 9)}"),
                                    certificate=self._cert(), owner=" và ".join(owners)))
        if needs == "land" or rng.random() < 0.25:
            land = rng.choice(("Đất trồng cây lâu năm", "Đất trồng lúa", "Đất rừng sản xuất"))
            items.append(self._item(person, "1.2", land, _m(150, 1800, rng), year(),
                                    address=self._address(rng.choice(N.COMMUNES[8:])),
                                    area=Decimal(rng.randint(300, 5000)), certificate=self._cert()))
        if needs == "car" or rng.random() < 0.45:
            model = rng.choice(N.CAR_MODELS)
            items.append(self._item(person, "7.1", f"Xe ô tô {model}", _m(400, 1500, rng), year(),
                                    certificate=self._plate(True), quantity=Decimal(1)))
        if rng.random() < 0.35:
            items.append(self._item(person, "7.1", f"Xe máy {rng.choice(N.MOTORBIKES)}", _m(55, 130, rng),
                                    year(), certificate=self._plate(False), quantity=Decimal(1),
                                    owner=rng.choice(owners)))
        if rng.random() < 0.3:
            items.append(self._item(person, "4", "Vàng miếng SJC", _m(60, 600, rng), year(),
                                    quantity=Decimal(rng.randint(1, 12))))
        if rng.random() < 0.2:
            stock = rng.choice(N.STOCKS)
            items.append(self._item(person, "6.1", f"Cổ phiếu {stock}", _m(60, 800, rng), year(),
                                    quantity=Decimal(rng.randint(1, 30) * 1000)))
        if rng.random() < 0.1:
            items.append(self._item(person, "7.2", rng.choice(N.ART), _m(60, 350, rng), year()))
        if needs == "heirloom" or rng.random() < 0.1:
            section, name, reason = rng.choice(N.HEIRLOOMS)
            items.append(self._item(person, section, name, None, year(), unknown=True, other_info=reason,
                                    address=self._address() if section.startswith("3") else None))
        if needs == "foreign" or rng.random() < 0.03:
            section, name, country = rng.choice(N.FOREIGN)
            cert = (self._account() if section == "9"
                    else f"Vol {rng.randint(1000, 9999)} Fol {rng.randint(100, 999)}")
            items.append(self._item(person, section, name, _m(150, 900, rng), year(), country=country,
                                    certificate=cert,
                                    address=N.FOREIGN_CITIES[country] if section == "8" else None))

    # Declarations the person owes (roster) or makes: dates chosen so all are on time.
    def _schedule(self, person: Person, profile: str, hire: int | None, agency: dict) -> None:
        rng = self.rng
        slots = person.slots
        if profile == "annual_pre":
            start = self.first
        else:
            event = date(hire, rng.randint(2, 10), rng.randint(1, 28))
            slots.append(Slot("first", hire, self._completion("first", hire, event), event,
                              position=person.position))
            start = hire + 1
        annual_from = start if person.annual else None
        # Personnel work (bổ nhiệm): some annual declarants, more of the others (then annual after).
        p_personnel = 0.0 if person.plant else (0.08 if person.annual else 0.4)
        personnel_years = [y for y in range(start, self.last + 1)]
        if personnel_years and rng.random() < p_personnel:
            year = rng.choice(personnel_years)
            self._personnel_slot(person, year, agency)
            if not person.annual:
                annual_from = year + 1
        if annual_from is not None:
            for year in range(annual_from, self.last + 1):
                slots.append(Slot("annual", year, self._annual_day(year), position=None))
        slots.sort(key=lambda s: s.completed_on)
        self._positions(person)

    def _personnel_slot(self, person: Person, year: int, agency: dict, late: bool = False) -> Slot:
        rng = self.rng
        event = date(year, rng.randint(6, 10), rng.randint(1, 28))
        slot = Slot("personnel", year, self._completion("personnel", year, event, late=late), event)
        person.slots.append(slot)
        person.slots.sort(key=lambda s: s.completed_on)
        person.promoted_to = self._promotion(self._agency_of(person))
        return slot

    def _positions(self, person: Person) -> None:
        promoted_on = next((s.event_date for s in person.slots if s.dtype == "personnel"), None)
        for slot in person.slots:
            after = promoted_on is not None and slot.completed_on > promoted_on
            slot.position = person.promoted_to if after else person.position

    def _annual_day(self, year: int) -> date:
        return self._completion("annual", year, None)

    def _completion(self, dtype: str, year: int, event: date | None, *, late: bool = False) -> date:
        """A completion date on time (or, planted, late) by `LegalParams.due_date` (Law Art. 36)."""
        rng = self.rng
        due = self.params.due_date(dtype, year, event)
        if late:
            room = {"first": 35, "personnel": max(1, (event - due).days - 1) if event else 1}.get(dtype, 77)
            return due + timedelta(days=rng.randint(1 if dtype != "annual" else 2, room))
        if dtype == "first":
            return event + timedelta(days=rng.randint(0, max(0, (due - event).days)))
        if dtype == "personnel":
            return due - timedelta(days=rng.randint(0, 30))
        # Annual in the last weeks of the year, supplementary in December: after the year's events.
        end = min(due, date(year, 12, 30 if dtype == "annual" else 20))
        start = min(date(year, 11, 10) if dtype == "annual" else date(year, 12, 1), end)
        return start + timedelta(days=rng.randint(0, (end - start).days))

    def _make_legacy(self, person: Person, until: int) -> None:
        person.cmnd = self._cmnd()
        person.cmnd_until = until

    def full_slots(self, person: Person) -> list[Slot]:
        return [s for s in person.slots if s.dtype in layout.FULL_DECLARATION_TYPES and s.filed]

    # -- random events of clean people: savings, spending, purchases, sales
    def _random_events(self, person: Person) -> None:
        rng = self.rng
        if not person.slots:
            return
        earliest = person.slots[0].year
        cash = next(i for i in person.items if i.section == "5")
        balance = cash.value or 0
        owned = list(person.items)
        for year in range(earliest + 1, self.last + 1):
            days = sorted(date(year, 4, 1) + timedelta(days=rng.randint(0, 213)) for _ in range(3))
            r = rng.random()
            if r < 0.45:
                delta = _m(20, 250, rng)
                person.events.append(Event(days[0], "cash", cash.iid, delta, rng.choice(N.SAVING_REASONS)))
                balance += delta
            elif r < 0.6 and balance > 100 * MILLION:
                delta = -_m(10, min(150, balance // MILLION - 60), rng)
                person.events.append(Event(days[0], "cash", cash.iid, delta, rng.choice(N.SPENDING_REASONS)))
                balance += delta
            r = rng.random()
            # People who do not declare annually buy more here, so that some supplementary
            # declarations (Law Art. 36.2: an increase of V or more in a year) appear.
            if r < (0.14 if person.annual else 0.3):
                kinds = (("car", "motorbike", "land", "gold", "shares") if person.annual
                         else ("car", "land", "gold"))
                item = self._purchase(person, year, rng.choice(kinds))
                person.events.append(Event(days[1], "acquire", item.iid, item.value or 0,
                                           rng.choice(N.PURCHASE_REASONS), item=item))
                owned.append(item)
                take = min(balance - 50 * MILLION, _round_m((item.value or 0) * rng.uniform(0.3, 1.0)))
                if take >= MILLION:
                    person.events.append(Event(days[1], "cash", cash.iid, -take,
                                               f"Rút tiền tiết kiệm để mua {_lower(item.name)}"))
                    balance -= take
            elif r < (0.19 if person.annual else 0.35):
                sellable = [i for i in owned if i.section in ("7.1", "1.2") and i.value]
                if sellable:
                    item = rng.choice(sellable)
                    owned.remove(item)
                    person.events.append(Event(days[2], "dispose", item.iid, -(item.value or 0),
                                               f"Đã bán {_lower(item.name)}"))
                    price = _round_m((item.value or 0) * rng.uniform(0.5, 1.3))
                    person.events.append(Event(days[2], "cash", cash.iid, price,
                                               f"Tiền bán {_lower(item.name)} gửi tiết kiệm"))
                    balance += price

    def _purchase(self, person: Person, year: int, kind: str, value: int | None = None) -> Item:
        rng = self.rng
        if kind == "car":
            return self._item(person, "7.1", f"Xe ô tô {rng.choice(N.CAR_MODELS)}",
                              value or _m(450, 1200, rng), year, certificate=self._plate(True),
                              quantity=Decimal(1))
        if kind == "motorbike":
            return self._item(person, "7.1", f"Xe máy {rng.choice(N.MOTORBIKES)}", value or _m(55, 130, rng),
                              year, certificate=self._plate(False), quantity=Decimal(1))
        if kind == "land":
            return self._item(person, "1.2", "Đất trồng cây lâu năm", value or _m(200, 1500, rng), year,
                              address=self._address(rng.choice(N.COMMUNES[8:])),
                              area=Decimal(rng.randint(300, 4000)), certificate=self._cert())
        if kind == "house":
            return self._item(person, "2.1", "Nhà ở riêng lẻ 2 tầng", value or _m(800, 3000, rng), year,
                              address=self._address(rng.choice(N.COMMUNES[:8])),
                              area=Decimal(rng.randint(60, 200)), certificate=self._cert())
        if kind == "gold":
            return self._item(person, "4", "Vàng miếng SJC", value or _m(60, 400, rng), year,
                              quantity=Decimal(rng.randint(1, 8)))
        if kind == "shares":
            stock = rng.choice(N.STOCKS)
            return self._item(person, "6.1", f"Cổ phiếu {stock}", value or _m(60, 500, rng), year,
                              quantity=Decimal(rng.randint(1, 20) * 1000))
        if kind == "capital":
            return self._item(person, "6.3", f"Vốn góp vào Công ty TNHH {rng.choice(N.STREETS)}",
                              value or _m(200, 900, rng), year)
        raise ValueError(kind)

    # -- planted anomalies (each on a person with no other events)
    def _slot(self, person: Person, dtype: str, choose=None) -> Slot:
        candidates = [s for s in person.slots if s.dtype == dtype]
        if choose:
            candidates = [s for s in candidates if choose(s)]
        return self.rng.choice(candidates)

    def _flag(self, person: Person, dtype: str, year: int, rule: str) -> None:
        self.expected.append({"cccd": person.cccd, "declaration_type": dtype, "year": year, "rule": rule})

    def _note(self, person: Person, rule: str, variant: str, slot: Slot, flags: list[str],
              detail: str) -> None:
        self.planted.append({"cccd": person.cccd, "full_name": person.full_name, "rule": rule,
                             "variant": variant, "declaration_type": slot.dtype, "year": slot.year,
                             "completed_on": slot.completed_on.isoformat(), "flags": flags, "detail": detail})

    def _event_day(self, slot: Slot) -> date:
        """A day in the slot's year after its previous declaration and before its completion."""
        return date(slot.year, 4, 1) + timedelta(days=self.rng.randint(0, 200))

    def _plant(self, person: Person, rule: str, variant: str) -> None:
        rng = self.rng
        later = lambda s: s.year > self.first  # noqa: E731 - an annual with a previous one
        if rule == "MISSING":
            if variant in ("annual", "legacy"):
                if variant == "legacy" and self.years >= 2:
                    until = rng.randint(self.first, self.last - 1)
                    self._make_legacy(person, until)
                    slot = self._slot(person, "annual", lambda s: s.year <= until)
                else:
                    slot = self._slot(person, "annual")
                detail = "roster entry without a declaration"
            elif variant == "first":
                slot = self._slot(person, "first")
                detail = "first-time declaration never filed"
            else:
                year = rng.randint(self.first, self.last)
                slot = self._personnel_slot(person, year, self._agency_of(person))
                self._positions(person)
                detail = "personnel-work declaration never filed"
            slot.filed = False
            self._flag(person, slot.dtype, slot.year, "MISSING")
            self._note(person, rule, variant, slot, ["MISSING"], detail)
            return
        if rule == "LATE":
            if variant == "annual" and self.years >= 2:
                slot = self._slot(person, "annual", lambda s: s.year < self.last)
                slot.completed_on = self._completion("annual", slot.year, None, late=True)
                person.slots.sort(key=lambda s: s.completed_on)
            elif variant == "personnel" or (variant == "annual"):
                slot = self._personnel_slot(person, rng.randint(self.first, self.last),
                                            self._agency_of(person), late=True)
                self._positions(person)
            else:
                slot = self._slot(person, "first")
                slot.completed_on = self._completion("first", slot.year, slot.event_date, late=True)
            due = self.params.due_date(slot.dtype, slot.year, slot.event_date)
            self._flag(person, slot.dtype, slot.year, "LATE")
            self._note(person, rule, variant, slot, ["LATE"],
                       f"due {due.isoformat()}, completed {slot.completed_on.isoformat()}")
            return
        if rule == "FORM_INCONSISTENT":
            if variant in ("first_income", "first_variation"):
                slot = self._slot(person, "first")
                detail = "Thu nhập filled in a first-time declaration" if variant == "first_income" \
                    else "Biến động filled in a first-time declaration"
            elif variant == "no_variation_sheet":
                slot = self._slot(person, "annual")
                detail = "no Biến động sheet in a later declaration"
            elif variant == "no_country":
                slot = self._slot(person, "annual")
                detail = "foreign item without a country"
            else:
                slot = self._slot(person, "annual")
                detail = "unknown value without a reason"
            slot.tweaks.append(variant)
            self._flag(person, slot.dtype, slot.year, "FORM_INCONSISTENT")
            self._note(person, rule, variant, slot, ["FORM_INCONSISTENT"], detail)
            return
        if rule == "SUPPLEMENTARY_MISSING":
            first = person.slots[0]
            y1 = rng.randint(first.year + 1, self.last)
            if variant == "same_year":
                y2 = y1
            else:
                y2 = rng.randint(y1, self.last)
            personnel = self._personnel_slot(person, y2, self._agency_of(person))
            person.slots = [s for s in person.slots if s.dtype != "annual"]
            for year in range(y2 + 1, self.last + 1):
                person.slots.append(Slot("annual", year, self._annual_day(year)))
            person.slots.sort(key=lambda s: s.completed_on)
            self._positions(person)
            v = self.V(date(y1, 12, 31))
            if y2 == y1:
                # Bought before the personnel declaration that first lists it, in the same year.
                room = (personnel.completed_on - date(y1, 2, 5)).days
                day = date(y1, 1, 15) + timedelta(days=rng.randint(0, room))
            else:
                day = date(y1, 4, 1) + timedelta(days=rng.randint(0, 200))
            item = self._purchase(person, y1, "car" if variant == "car" else "land",
                                  value=v + _m(50, 400, rng))
            self._acquire(person, day, item, rng.choice(N.PURCHASE_REASONS), fund=True)
            self._flag(person, "personnel", y1, "SUPPLEMENTARY_MISSING")
            self._note(person, rule, variant, personnel, ["SUPPLEMENTARY_MISSING"],
                       f"{item.name} ({item.value:,} đ) acquired in {y1}, first declared in the personnel "
                       f"declaration of {y2}; no annual or supplementary declaration for {y1}; V = {v:,}")
            return
        # Year-over-year plants: an annual declaration D with a previous full one, nothing else changing.
        slot = self._slot(person, "annual", later)
        day = self._event_day(slot)
        V, Ti = self.V(slot.completed_on), self.Ti(slot.completed_on)
        flags = [rule]
        if rule == "UNEXPLAINED_INCREASE":
            value = V + _m(20, 300, rng)
            if variant == "with_wealth":
                # Income of the period declared as it is: ΔT − I ≥ V too.
                base = self._salaries_since_previous(person, slot)
                value = max(value, V + base + _m(20, 200, rng))
                slot.income_override = base
                flags.append("WEALTH_EXCEEDS_INCOME")
            item = self._purchase(person, slot.year, rng.choice(("gold", "shares", "capital")), value=value)
            self._acquire(person, day, item, "", hidden=True)
            detail = (f"{item.name} ({value:,} đ, section {item.section}) with no Biến động row; "
                      f"ΔT = {value:,} ≥ V = {V:,}")
        elif rule == "WEALTH_EXCEEDS_INCOME":
            base = self._salaries_since_previous(person, slot)
            value = V + base + _m(50, 300, rng)
            slot.income_override = base
            item = self._purchase(person, slot.year, rng.choice(("house", "land")), value=value)
            self._acquire(person, day, item, rng.choice(N.GIFT_REASONS))
            detail = (f"{item.name} ({value:,} đ) explained, income {base:,}; "
                      f"ΔT − I = {value - base:,} ≥ V = {V:,}")
        elif rule == "ASSET_DISAPPEARED":
            if variant == "legacy":
                self._make_legacy(person, slot.year - 1)
            item = next(i for i in person.items if i.section == "7.1" and i.name.startswith("Xe ô tô"))
            person.events.append(Event(day, "dispose", item.iid, -(item.value or 0), "", hidden=True))
            detail = f"{item.name} ({item.certificate}) gone, no decrease declared for section 7.1"
            if variant == "legacy":
                detail += f"; the previous declaration carries the CMND {person.cmnd}"
        elif rule == "VALUE_CHANGED":
            section = "2.1" if variant == "house" else "1.2"
            item = next(i for i in person.items if i.section == section and i.value)
            factor = rng.choice((rng.uniform(1.2, 1.45), rng.uniform(0.6, 0.8)))
            new = _round_m(item.value * factor)
            person.events.append(Event(day, "revalue", item.iid, new - item.value,
                                       "Kê khai lại theo giá thị trường"))
            detail = f"{item.name}: {item.value:,} → {new:,} đ (acquisition value must not change)"
        elif rule == "VARIATION_MISMATCH":
            cash = next(i for i in person.items if i.section == "5")
            if variant == "no_change":
                delta = Ti + _m(20, 120, rng)
                slot.tweaks.append("mismatch_no_change")
                detail = f"savings +{delta:,} đ but «Không có biến động»; Ti = {Ti:,}"
            else:
                delta = _m(30, 200, rng)
                slot.mismatch_extra = Ti + _m(10, 150, rng)
                detail = f"savings +{delta:,} đ declared as +{delta + slot.mismatch_extra:,}; Ti = {Ti:,}"
            person.events.append(Event(day, "cash", cash.iid, delta, rng.choice(N.SAVING_REASONS)))
        elif rule == "NEW_FOREIGN_ASSET":
            section, name, country = rng.choice([f for f in N.FOREIGN if f[0] == "9"])
            item = self._item(person, section, name, _m(150, 600, rng), slot.year, country=country,
                              certificate=self._account())
            self._acquire(person, day, item, "Chuyển tiền tiết kiệm để gửi cho con đi học ở nước ngoài",
                          fund=True)
            detail = f"{name} ({country}) new in section 9"
            if variant == "no_country":
                slot.tweaks.append("new_no_country")
                flags.append("FORM_INCONSISTENT")
                detail += ", written without its country"
        else:
            raise ValueError(rule)
        for code in flags:
            self._flag(person, slot.dtype, slot.year, code)
        self._note(person, rule, variant, slot, flags, detail)

    def _acquire(self, person: Person, day: date, item: Item, explanation: str, *, hidden: bool = False,
                 fund: bool = False) -> None:
        person.events.append(Event(day, "acquire", item.iid, item.value or 0, explanation, item=item,
                                   hidden=hidden))
        if fund:
            # Part of the price comes out of savings (a planted person's savings never moved before).
            cash = next(i for i in person.items if i.section == "5")
            take = min((cash.value or 0) - 50 * MILLION,
                       _round_m((item.value or 0) * self.rng.uniform(0.2, 0.6)))
            if take >= MILLION:
                person.events.append(Event(day, "cash", cash.iid, -take, "Rút tiền tiết kiệm"))

    def _salaries(self, person: Person, start: date, end: date) -> tuple[int, int]:
        """Salaries of the declarant and of the spouse over a period, in whole millions."""
        days = max(30, (end - start).days)
        own = _round_m(person.salary * days / 365)
        spouse = _round_m(person.spouse_salary * days / 365) if person.spouse_salary else 0
        return own, spouse

    def _salaries_since_previous(self, person: Person, slot: Slot) -> int:
        """I of a planted declaration whose income is its salaries: since prev(D), as `_record` does."""
        prev = [s for s in self.full_slots(person) if s.completed_on < slot.completed_on]
        start = prev[-1].completed_on if prev else slot.completed_on - timedelta(days=365)
        return sum(self._salaries(person, start, slot.completed_on))

    # -- supplementary declarations of people who do not declare annually (Law Art. 36.2)
    def _supplementaries(self, person: Person) -> None:
        if person.plant and person.plant[0] == "SUPPLEMENTARY_MISSING":
            return
        filed = [s for s in person.slots if s.filed]
        if not filed:
            return
        earliest = min(s.year for s in filed)
        covered = {s.year for s in filed if s.dtype in ("annual", "supplementary")}
        by_year: dict[int, int] = {}
        for event in person.events:
            if event.kind == "acquire" and event.item and event.item.value:
                year = event.item.year_acquired
                by_year[year] = by_year.get(year, 0) + event.item.value
        for year, total in sorted(by_year.items()):
            if year > earliest and year not in covered and total >= self.V(date(year, 12, 31)):
                person.slots.append(Slot("supplementary", year, self._completion("supplementary", year, None),
                                         on_roster=False))
        person.slots.sort(key=lambda s: s.completed_on)
        self._positions(person)

    # -- the records: what each file says
    def _records(self, person: Person) -> None:
        """Each filed slot's record: the assets on its completion date, compared with the previous
        full declaration (a supplementary one: with the previous declaration of any type)."""
        events = sorted(person.events, key=lambda e: e.day)
        state: dict[int, Item] = {i.iid: copy.copy(i) for i in person.items}
        k = 0
        prev_full: tuple[Slot, dict[int, Item]] | None = None
        prev_any: tuple[Slot, dict[int, Item]] | None = None
        for slot in person.slots:
            while k < len(events) and events[k].day < slot.completed_on:
                _apply(state, events[k])
                k += 1
            snapshot = {iid: copy.copy(item) for iid, item in state.items()}
            if not slot.filed:
                continue
            full = slot.dtype in layout.FULL_DECLARATION_TYPES
            base = prev_full if full else prev_any
            slot.record = self._record(person, slot, snapshot, base, events)
            prev_any = (slot, snapshot)
            if full:
                prev_full = (slot, snapshot)

    def _record(self, person: Person, slot: Slot, snapshot: dict[int, Item],
                base: tuple[Slot, dict[int, Item]] | None, events: list[Event]) -> DeclarationRecord:
        year = slot.year
        relatives = []
        if person.spouse:
            relatives.append(copy.copy(person.spouse))
        day = slot.completed_on
        for child in person.children:
            born = child.date_of_birth
            age = day.year - born.year - ((day.month, day.day) < (born.month, born.day))
            if 0 <= age < 18:     # minors only (Decree 130, form part I)
                relatives.append(copy.copy(child))
        items = sorted(snapshot.values(), key=lambda i: (_section_order(i.section), i.iid))
        assets = [_asset(i) for i in items]
        record = DeclarationRecord(
            declaration_type=slot.dtype, year=year, completed_on=slot.completed_on,
            full_name=person.full_name, date_of_birth=person.dob, identity=person.identity(year),
            position=slot.position, agency=person.agency, residence=person.residence,
            relatives=relatives, assets=assets)
        if slot.dtype == "first":
            if "first_income" in slot.tweaks:
                record.incomes = self._incomes(person, day - timedelta(days=365), day, 0, None)
                record.has_income_sheet = True
            if "first_variation" in slot.tweaks:
                record.no_change = True
                record.has_variation_sheet = True
            return self._tweak(record, slot)
        # Later declarations: income since the previous one, variations since the previous one.
        if base is None:
            start = slot.completed_on - timedelta(days=365)
            delta_total = 0
            period: list[Event] = []
        else:
            start = base[0].completed_on
            delta_total = _total(snapshot) - _total(base[1])
            period = [e for e in events if base[0].completed_on <= e.day < slot.completed_on]
        record.incomes = self._incomes(person, start, slot.completed_on, delta_total, slot.income_override)
        record.has_income_sheet = True
        income = sum(r.amount for r in record.incomes)
        catalog = {i.iid: i for i in person.items}
        catalog.update((e.iid, e.item) for e in events if e.item is not None)
        rows = _variation_rows(period, catalog)
        if slot.mismatch_extra:
            for row in rows:
                if row.section == "5":
                    row.value_change += slot.mismatch_extra
                    break
        record.has_variation_sheet = True
        if (not period and not rows) or "mismatch_no_change" in slot.tweaks:
            record.no_change = True
        else:
            rows.append(VariationRecord(INCOME_SECTION, None, income, "Tổng thu nhập giữa hai lần kê khai"))
            record.variations = rows
        return self._tweak(record, slot)

    def _tweak(self, record: DeclarationRecord, slot: Slot) -> DeclarationRecord:
        if "no_variation_sheet" in slot.tweaks:
            record.variations = []
            record.no_change = False
            record.has_variation_sheet = False
        if "no_country" in slot.tweaks or "new_no_country" in slot.tweaks:
            foreign = [a for a in record.assets if a.section in layout.FOREIGN_SECTIONS]
            target = foreign[-1] if "new_no_country" in slot.tweaks else foreign[0]
            target.country = None
        if "unknown_no_reason" in slot.tweaks:
            target = next(a for a in record.assets if a.value_unknown)
            target.other_info = None
        return record

    def _incomes(self, person: Person, start: date, end: date, delta_total: int,
                 override: int | None) -> list[IncomeRecord]:
        rng = self.rng
        own, spouse = self._salaries(person, start, end)
        rows = [IncomeRecord("declarant", own, "Tiền lương, phụ cấp")]
        if spouse:
            rows.append(IncomeRecord("spouse", spouse, "Tiền lương"))
        if override is None:
            # Income covers the growth of the assets with room to spare: WEALTH_EXCEEDS_INCOME never fires.
            need = delta_total + _m(20, 90, rng) - own - spouse
            if need > 0:
                rows.append(IncomeRecord("joint", _round_m(need), rng.choice((
                    "Thu nhập từ cho thuê nhà", "Thu nhập từ sản xuất, kinh doanh của gia đình",
                    "Lãi tiền gửi và thu nhập khác"))))
        return rows

    # -- files
    def _files(self, persons: list[Person]) -> list[DeclarationFile]:
        files = []
        for person in persons:
            slug = "-".join(strip_diacritics(person.full_name).lower().split())
            for slot in person.slots:
                if slot.record is None:
                    continue
                name = f"{person.pid:05d}-{slug}-{TYPE_SLUGS[slot.dtype]}-{slot.year}.xlsx"
                path = f"{DECLARATIONS_DIR}/{slot.year}/{name}"
                files.append(DeclarationFile(path, slot.record, person.pid,
                                             messy=self.rng.random() < self.messy_share))
        return files

    def _corrections(self, persons: list[Person], files: list[DeclarationFile]) -> None:
        """A second, different workbook for the same person, type and year; its last version counts."""
        rng = self.rng
        by_pid = {p.pid: p for p in persons}
        candidates = [f for f in files if by_pid[f.pid].plant is None]
        want = min(len(candidates), max(2, round(self.n * 0.03)))
        chosen = rng.sample(candidates, want)
        seen: set[tuple[int, str, int]] = set()
        for index, dfile in enumerate(chosen):
            person = by_pid[dfile.pid]
            rec = dfile.record
            key = (dfile.pid, rec.declaration_type, rec.year)
            if key in seen:
                continue
            seen.add(key)
            stem = dfile.path[:-len(".xlsx")]
            reverse = (index % 3 == 2 and self.anomaly_rate > 0 and rec.declaration_type != "first"
                       and rec.no_change)
            bad = copy.deepcopy(rec)
            if reverse:
                # The first version was right; the "correction" drops its Biến động sheet.
                bad.variations, bad.no_change, bad.has_variation_sheet = [], False, False
                v1, v2 = rec, bad
                self._flag(person, rec.declaration_type, rec.year, "FORM_INCONSISTENT")
                what = "the correction drops the Biến động sheet: FORM_INCONSISTENT on the last version"
            elif index % 3 == 1 and len(bad.assets) > 1:
                # An item forgotten in the first version, added by the correction.
                target = bad.assets.pop(rng.randrange(len(bad.assets)))
                v1, v2 = bad, rec
                what = f"first version: {target.name} forgotten; the correction is clean"
            else:
                known = [a for a in bad.assets if a.value]
                target = max(known, key=lambda a: a.value)
                target.value *= 10   # a typo: one zero too many, corrected in the second version
                v1, v2 = bad, rec
                what = f"first version: {target.name} typed ×10; the correction is clean"
            dfile.path, dfile.record, dfile.superseded = f"{stem}-v1.xlsx", v1, True
            files.append(DeclarationFile(f"{stem}-v2.xlsx", v2, dfile.pid,
                                         messy=rng.random() < self.messy_share))
            self.corrections.append({"cccd": person.cccd, "declaration_type": rec.declaration_type,
                                     "year": rec.year, "superseded": dfile.path, "current": f"{stem}-v2.xlsx",
                                     "detail": what})

    def _rosters(self, persons: list[Person]) -> list[RosterFile]:
        rng = self.rng
        by_year: dict[int, list[RosterRecord]] = {y: [] for y in range(self.first, self.last + 1)}
        for person in persons:
            for slot in person.slots:
                if not slot.on_roster:
                    continue
                note = None
                if slot.dtype == "first":
                    note = "Tiếp nhận, tuyển dụng"
                elif slot.dtype == "personnel":
                    note = f"Dự kiến bổ nhiệm {person.promoted_to}"
                by_year[slot.year].append(RosterRecord(
                    full_name=person.full_name, date_of_birth=person.dob, identity=person.identity(slot.year),
                    agency=person.agency, declaration_type=slot.dtype, year=slot.year, position=slot.position,
                    event_date=slot.event_date if slot.dtype in ("first", "personnel") else None, note=note))
        out = []
        for year, records in by_year.items():
            records.sort(key=lambda r: (r.agency, r.full_name, r.declaration_type))
            out.append(RosterFile(f"{ROSTERS_DIR}/danh-sach-{year}.xlsx", year, records,
                                  messy=rng.random() < self.messy_share))
        return out


def _lower(name: str) -> str:
    return name[0].lower() + name[1:]


def _apply(state: dict[int, Item], event: Event) -> None:
    if event.kind == "acquire":
        state[event.iid] = copy.copy(event.item)
    elif event.kind == "dispose":
        state.pop(event.iid, None)
    else:
        item = copy.copy(state[event.iid])
        item.value = (item.value or 0) + event.delta
        state[event.iid] = item


def _total(snapshot: dict[int, Item]) -> int:
    return sum(i.value or 0 for i in snapshot.values())


def _asset(item: Item) -> AssetRecord:
    return AssetRecord(section=item.section, name=item.name, owner=item.owner, address=item.address,
                       area=item.area, quantity=item.quantity, certificate=item.certificate,
                       year_acquired=item.year_acquired, value=None if item.unknown else item.value,
                       value_unknown=item.unknown, country=item.country, other_info=item.other_info)


def _variation_rows(period: list[Event], catalog: dict[int, Item]) -> list[VariationRecord]:
    """One row per purchase, sale or revaluation, one per cash item for its net change; hidden
    events have none. Their sum per section is ΔTs exactly, unless something is hidden.
    `catalog`: every item the person ever had, by id (an item may be bought and sold between two
    declarations: its two rows cancel out, as its ΔTs does)."""
    rows: list[tuple[tuple, VariationRecord]] = []
    cash: dict[int, list[Event]] = {}
    for event in period:
        if event.hidden:
            continue
        if event.kind == "cash":
            cash.setdefault(event.iid, []).append(event)
            continue
        if event.kind == "acquire":
            item = event.item
            rows.append(((_section_order(item.section), event.day), VariationRecord(
                item.section, Decimal(1), event.delta, event.explanation)))
        elif event.kind == "dispose":
            section = catalog[event.iid].section
            rows.append(((_section_order(section), event.day), VariationRecord(
                section, Decimal(-1), event.delta, event.explanation)))
        else:  # revalue
            item = catalog[event.iid]
            rows.append(((_section_order(item.section), event.day), VariationRecord(
                item.section, None, event.delta, event.explanation)))
    for changes in cash.values():
        net = sum(e.delta for e in changes)
        if net:
            reasons = list(dict.fromkeys(e.explanation for e in changes))
            rows.append(((_section_order("5"), changes[0].day), VariationRecord(
                "5", None, net, "; ".join(reasons))))
    rows.sort(key=lambda r: r[0])
    return [r for _, r in rows]


# ----------------------------------------------------------------------------------------------
# Writing workbooks (xlsxwriter: fast, and the files are real .xlsx)

def _amount_texts(value: int) -> list[str]:
    """Text spellings of an amount that PRODUCT.md accepts, each reading back to exactly `value`."""
    dotted = f"{abs(value):,}".replace(",", ".")
    if value < 0:
        return [f"-{dotted}"]
    forms = [dotted, f"{dotted} đồng", f"{dotted}đ"]
    if value % MILLION == 0 and value > 0:
        millions = value // MILLION
        if millions < 1000:
            forms.append(f"{millions} triệu")
        else:
            billions, rest = divmod(millions, 1000)
            if rest == 0:
                forms.append(f"{billions} tỷ")
            else:
                forms.append(f"{billions} tỷ {rest} triệu")
                if rest % 10 == 0:
                    forms.append(f"{billions},{f'{rest:03d}'.rstrip('0')} tỷ")
    return forms


def _date_texts(day: date) -> list[str]:
    return [f"{day:%d/%m/%Y}", f"{day.day}/{day.month}/{day.year}", f"{day:%d-%m-%Y}", day.isoformat()]


def _sheet_name(sheet: Sheet, rng: random.Random | None) -> str:
    if rng is None:
        return sheet.name
    options = [n for n in sheet.names if len(n) <= 31 and not re.search(r"[\[\]:*?/\\]", n)]
    name = rng.choice(options)
    r = rng.random()
    if r < 0.25:
        name = strip_diacritics(name)
    elif r < 0.4:
        name = name.upper()
    return name


def _header(labels: tuple[str, ...], rng: random.Random | None) -> str:
    if rng is None:
        return labels[0]
    label = rng.choice(labels) if rng.random() < 0.5 else labels[0]
    r = rng.random()
    if r < 0.25:
        label = strip_diacritics(label)
    elif r < 0.45:
        label = label.upper()
    elif r < 0.55:
        label = f" {label} "
    return label


class _Style:
    """The formats of one workbook and the messy habits its author has (None: the tidy form)."""

    def __init__(self, wb: xlsxwriter.Workbook, rng: random.Random | None) -> None:
        self.rng = rng
        self.title = wb.add_format({"bold": True, "font_size": 13, "align": "center", "valign": "vcenter",
                                    "text_wrap": True})
        self.head = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True,
                                   "align": "center", "valign": "vcenter"})
        self.label = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
        self.vnd = wb.add_format({"num_format": VND_FORMAT})
        self.date = wb.add_format({"num_format": DATE_FORMAT})
        self.text = wb.add_format({"num_format": "@"})
        self.bold = wb.add_format({"bold": True})
        m = rng is not None
        self.amount_text = m and rng.random() < 0.5
        self.date_text = m and rng.random() < 0.5
        self.section_number = m and rng.random() < 0.5
        self.id_number = m and rng.random() < 0.6
        self.nfd = m and rng.random() < 0.3
        self.blank_rows = m and rng.random() < 0.3
        self.totals = m and rng.random() < 0.3
        self.reorder = m and rng.random() < 0.5
        self.drop_empty = m and rng.random() < 0.4
        self.title_rows = rng.randint(0, 3) if m else 1
        self.vocab_variants = m and rng.random() < 0.5

    def s(self, text: str) -> str:
        return unicodedata.normalize("NFD", text) if self.nfd else text

    def vocab(self, spellings: tuple[str, ...]) -> str:
        if self.vocab_variants and self.rng.random() < 0.5:
            return self.rng.choice(spellings)
        return spellings[0]

    def write(self, ws, row: int, col: int, field: str, value) -> None:
        """One cell, tidy (typed, formatted) or in the author's messy habit."""
        rng = self.rng
        if value is None:
            return
        if isinstance(value, Identity):
            if value.kind == "cccd" and self.id_number and rng.random() < 0.7:
                ws.write_number(row, col, int(value.number))      # Excel drops the leading zeros
            else:
                ws.write_string(row, col, value.number, self.text)
        elif isinstance(value, date):
            if self.date_text and rng.random() < 0.7:
                ws.write_string(row, col, rng.choice(_date_texts(value)))
            else:
                ws.write_datetime(row, col, value, self.date)
        elif field in AMOUNT_FIELDS and isinstance(value, int):
            if self.amount_text and rng.random() < 0.6:
                ws.write_string(row, col, rng.choice(_amount_texts(value)))
            else:
                ws.write_number(row, col, value, self.vnd)
        elif isinstance(value, Decimal):
            ws.write_number(row, col, int(value) if value == value.to_integral_value() else float(value))
        elif isinstance(value, bool):
            ws.write_string(row, col, str(value))
        elif isinstance(value, int):
            ws.write_number(row, col, value)
        else:
            ws.write_string(row, col, self.s(str(value)))


def _section_cell(code: str, style: _Style):
    if code == INCOME_SECTION:
        return style.vocab(INCOME_SECTION_LABELS) if style.rng else INCOME_SECTION_LABELS[0]
    if style.section_number and style.rng.random() < 0.7:
        return float(code) if "." in code else int(code)
    return code


def _table(wb: xlsxwriter.Workbook, style: _Style, sheet: Sheet, rows: list[dict], *,
           title: str | None, totals: tuple[str, int] | None = None, text_only: str | None = None) -> None:
    """A table sheet: title rows, one header row, the data rows (fields -> semantic values)."""
    rng = style.rng
    ws = wb.add_worksheet(_sheet_name(sheet, rng))
    columns = list(sheet.columns)
    if rng is not None:
        if style.drop_empty:
            columns = [c for c in columns if c.required or any(r.get(c.field) is not None for r in rows)]
        if style.reorder:
            rng.shuffle(columns)
    ncols = len(columns)
    row = 0
    if rng is None:
        ws.merge_range(TITLE_ROW - 1, 0, TITLE_ROW - 1, ncols - 1, title, style.title)
        row = HEADER_ROW - 1
    else:
        for index in range(style.title_rows):
            text = title if index == 0 else rng.choice(("Kèm theo Nghị định số 130/2020/NĐ-CP", ""))
            if text:
                if ncols > 1 and rng.random() < 0.6:
                    ws.merge_range(row, 0, row, ncols - 1, style.s(text), style.title)
                else:
                    ws.write_string(row, 0, style.s(text), style.title)
            row += 1
    if text_only is not None and rng is not None and rng.random() < 0.4:
        # «Không có biến động» alone on the sheet, no header.
        ws.write_string(row, 0, style.s(text_only))
        return
    for col, column in enumerate(columns):
        ws.write_string(row, col, style.s(_header(column.labels, rng)), style.head)
        ws.set_column(col, col, WIDTHS.get(column.field, 16))
    row += 1
    if rng is None:
        ws.freeze_panes(row, 0)
    if text_only is not None:
        if ncols > 1 and rng is not None and rng.random() < 0.5:
            ws.merge_range(row, 0, row, ncols - 1, style.s(text_only))
        else:
            ws.write_string(row, 0, style.s(text_only))
        return
    for values in rows:
        if style.blank_rows and rng.random() < 0.25:
            row += 1
        for col, column in enumerate(columns):
            value = values.get(column.field)
            if column.field == "section" and value is not None:
                cell = _section_cell(value, style)
                if isinstance(cell, str):
                    ws.write_string(row, col, style.s(cell))
                else:
                    ws.write_number(row, col, cell)
            elif value is not None and column.field == "certificate":
                ws.write_string(row, col, style.s(value))
            else:
                style.write(ws, row, col, column.field, value)
        row += 1
    if totals is not None and style.totals and rows and columns[0].field != totals[0]:
        # «Tổng cộng» in the first column, the sum under the amounts.
        field_name, total = totals
        if style.blank_rows:
            row += 1
        ws.write_string(row, 0, style.s(rng.choice(("Tổng cộng", "TỔNG CỘNG", "Cộng"))), style.bold)
        amount_col = next(i for i, c in enumerate(columns) if c.field == field_name)
        ws.write_number(row, amount_col, total, style.vnd)


def _general(wb: xlsxwriter.Workbook, style: _Style, record: DeclarationRecord) -> None:
    rng = style.rng
    ws = wb.add_worksheet(_sheet_name(GENERAL, rng))
    values = {
        "declaration_type": style.vocab(DECLARATION_TYPES[record.declaration_type]),
        "year": record.year, "completed_on": record.completed_on, "full_name": record.full_name,
        "date_of_birth": record.date_of_birth, "id_number": record.identity, "position": record.position,
        "agency": record.agency, "residence": record.residence,
    }
    pairs = [(c, values[c.field]) for c in GENERAL.columns]
    if rng is None:
        ws.merge_range(TITLE_ROW - 1, 0, TITLE_ROW - 1, 1, TITLES["general"], style.title)
        ws.set_column(0, 0, 34)
        ws.set_column(1, 1, 48)
        row, col = GENERAL_FIRST_ROW - 1, 0
    else:
        col = rng.choice((0, 0, 1, 2))
        row = 0
        for index in range(style.title_rows):
            text = TITLES["general"] if index == 0 else rng.choice(("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", ""))
            if text:
                ws.merge_range(row, col, row, col + 1, style.s(text), style.title)
            row += 1
        if rng.random() < 0.5:
            rng.shuffle(pairs)
        ws.set_column(col, col, 34)
        ws.set_column(col + 1, col + 1, 48)
    for column, value in pairs:
        if style.blank_rows and rng.random() < 0.2:
            row += 1
        label = _header(column.labels, rng)
        if rng is not None and rng.random() < 0.2:
            label += ":"
        ws.write_string(row, col, style.s(label), style.label)
        style.write(ws, row, col + 1, column.field, value)
        row += 1


def write_declaration(path: Path, record: DeclarationRecord, *, messy: bool = False,
                      rng: random.Random | None = None) -> None:
    """Write one declaration workbook that reads back to `record`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = xlsxwriter.Workbook(str(path), {"in_memory": True})
    wb.set_properties({"created": _CREATED, "author": "declarations demo"})
    style = _Style(wb, (rng or random.Random(0)) if messy else None)
    _general(wb, style, record)
    relatives = [{"relation": style.vocab(RELATIONS[r.relation]), "full_name": r.full_name,
                  "date_of_birth": r.date_of_birth, "id_number": r.identity, "occupation": r.occupation,
                  "workplace": r.workplace, "residence": r.residence} for r in record.relatives]
    if relatives or not messy or style.rng.random() < 0.5:
        _table(wb, style, RELATIVES, relatives, title=TITLES["relatives"])
    assets = []
    for a in record.assets:
        assets.append({"section": a.section, "owner": a.owner, "name": a.name, "address": a.address,
                       "area": a.area, "quantity": a.quantity, "certificate": a.certificate,
                       "year_acquired": a.year_acquired,
                       "value": UNKNOWN_VALUE_TEXT if a.value_unknown else a.value,
                       "country": a.country, "other_info": a.other_info})
    _table(wb, style, ASSETS, assets, title=TITLES["assets"],
           totals=("value", sum(a.value or 0 for a in record.assets)))
    incomes = [{"earner": style.vocab(INCOME_EARNERS[i.earner]), "amount": i.amount, "note": i.note}
               for i in record.incomes]
    if incomes or not messy or style.rng.random() < 0.5:
        _table(wb, style, INCOME, incomes, title=TITLES["income"],
               totals=("amount", sum(i.amount for i in record.incomes)))
    # A first-time declaration leaves the template's Biến động sheet empty (or deletes it).
    empty_first = record.declaration_type == "first" and (not messy or style.rng.random() < 0.5)
    if record.has_variation_sheet or empty_first:
        variations = [{"section": v.section, "quantity_change": v.quantity_change,
                       "value_change": v.value_change, "explanation": v.explanation}
                      for v in record.variations]
        _table(wb, style, VARIATIONS, variations, title=TITLES["variations"],
               text_only=NO_CHANGE_TEXT if record.no_change else None)
    wb.close()


def write_roster(path: Path, records: list[RosterRecord], *, messy: bool = False,
                 rng: random.Random | None = None) -> None:
    """Write one roster workbook that reads back to `records`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = xlsxwriter.Workbook(str(path), {"in_memory": True})
    wb.set_properties({"created": _CREATED, "author": "declarations demo"})
    style = _Style(wb, (rng or random.Random(0)) if messy else None)
    rows = [{"seq": n, "full_name": r.full_name, "date_of_birth": r.date_of_birth, "id_number": r.identity,
             "position": r.position, "agency": r.agency,
             "declaration_type": style.vocab(DECLARATION_TYPES[r.declaration_type]), "year": r.year,
             "event_date": r.event_date, "note": r.note} for n, r in enumerate(records, start=1)]
    style.totals = False
    _table(wb, style, ROSTER, rows, title=TITLES["roster"])
    wb.close()


