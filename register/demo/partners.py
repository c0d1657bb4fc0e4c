"""Partners and agreement wording for the demo register (used by `generate.py` only)."""

from dataclasses import dataclass

# (name, category), mostly the partners the seed report names.
UN = [
    ("UNEP", "un_agency"),
    ("UNU", "un_agency"),
    ("UNIDO", "un_agency"),
    ("UNITAR", "un_agency"),
    ("ILO", "un_agency"),
    ("WHO", "un_agency"),
    ("FAO", "un_agency"),
    ("UNDP", "un_agency"),
    ("UNFPA", "un_agency"),
    ("UNDESA", "un_agency"),
    ("UNESCO", "un_agency"),
    ("UN Women", "un_agency"),
]
INTERGOVERNMENTAL = [
    ("European Commission", "intergovernmental"),
    ("African Union Commission", "intergovernmental"),
    ("Secretariats of the Basel and Stockholm Conventions", "intergovernmental"),
    ("Commonwealth Telecommunications Organisation", "intergovernmental"),
    ("Arab ICT Organization", "intergovernmental"),
    ("Regional Commonwealth in the Field of Communications", "intergovernmental"),
    ("Asia-Pacific Telecommunity", "intergovernmental"),
]
FOUNDATIONS = [
    ("Bill & Melinda Gates Foundation", "foundation"),
    ("World Diabetes Foundation", "foundation"),
    ("Pierre Fabre Foundation", "foundation"),
    ("UN Foundation", "foundation"),
    ("Telefonica Foundation", "foundation"),
    ("ProFuturo Foundation", "foundation"),
    ("Citi Foundation", "foundation"),
]
PRIVATE = [
    ("GSMA", "private_sector"),
    ("ARM", "private_sector"),
    ("Sanofi", "private_sector"),
    ("Novartis Pharma AG", "private_sector"),
    ("GlaxoSmithKline (GSK) Services", "private_sector"),
]
SECTOR_MEMBERS = [
    ("Ericsson", "sector_member"),
    ("Huawei Technologies", "sector_member"),
    ("Cisco Systems", "sector_member"),
    ("Microsoft", "sector_member"),
    ("Intel", "sector_member"),
    ("Nokia", "sector_member"),
    ("Kaspersky Lab", "sector_member"),
    ("Orange", "sector_member"),
]
FINANCIAL = [
    ("World Bank", "financial_institution"),
    ("Asian Development Bank", "financial_institution"),
    ("Islamic Development Bank", "financial_institution"),
    ("OFID", "financial_institution"),
    ("Agence française de développement", "financial_institution"),
]
NGOS = [
    ("International Solid Waste Association", "ngo"),
    ("Internet Society", "ngo"),
    ("UNU-ViE SCYCLE", "academia"),
]
MEMBER_STATES = {
    "AFR": ["Rwanda", "Senegal", "Kenya", "Côte d'Ivoire", "Nigeria"],
    "AMS": ["Brazil", "Mexico", "Argentina", "Colombia"],
    "ARB": ["Saudi Arabia", "United Arab Emirates", "Egypt", "Oman"],
    "ASP": ["Republic of Korea", "Japan", "Australia", "India", "Thailand"],
    "CIS": ["Kazakhstan", "Russian Federation", "Azerbaijan"],
    "EUR": ["Switzerland", "Spain", "Poland", "Norwegian Directorate of Health"],
    "GLO": ["Switzerland", "Republic of Korea", "Japan"],
}
CENTRES_OF_EXCELLENCE = {
    "AFR": ["AFRALTI", "ESMT Dakar", "Digital Bridge Institute", "University of Rwanda"],
    "AMS": ["Universidad de Chile", "INICTEL-UNI", "Caribbean Telecommunications Union"],
    "ARB": ["National Telecom Regulatory Authority Training Centre", "Sudan Academy"],
    "ASP": ["Korea Information Society Development Institute", "Asian Institute of Technology"],
    "CIS": ["Moscow Technical University of Communications and Informatics"],
    "EUR": ["Polish National Institute of Telecommunications", "Budapest University of Technology"],
    "GLO": ["IEEE", "Internet Society"],
}

TITLES = {
    "capacity_building": [
        "Training programme on spectrum management",
        "Capacity building for ICT regulators",
        "Digital skills for public servants",
    ],
    "cybersecurity": [
        "Establishment of a national computer incident response team",
        "Child Online Protection capacity building",
        "Regional cybersecurity drill",
    ],
    "digital_inclusion": [
        "ICT accessibility for persons with disabilities",
        "Digital skills for women and girls",
    ],
    "emergency": [
        "Emergency telecommunications for disaster response",
        "Early warning systems for natural hazards",
    ],
    "enabling_environment": [
        "Review of the national ICT regulatory framework",
        "Harmonised spectrum regulation",
        "Quality of service regulation",
    ],
    "generic": [
        "Memorandum of understanding on cooperation in ICT development",
        "Framework of cooperation for the implementation of WTDC outcomes",
    ],
    "ict_applications": [
        "Be He@lthy, Be Mobile: mHealth for noncommunicable diseases",
        "e-Agriculture strategy",
        "Financial Inclusion Global Initiative (FIGI)",
    ],
    "infrastructure": [
        "Broadband connectivity for schools",
        "Rural connectivity with community networks",
        "Internet exchange point deployment",
    ],
    "innovation": ["ICT innovation ecosystems", "Digital innovation hub"],
    "climate_change_ewaste": ["Global E-waste Statistics Partnership", "E-waste management policy"],
    "statistics": ["ICT indicators data collection"],
}
KINDS = {
    "generic": ["mou", "mou", "cooperation_agreement"],
    "capacity_building": ["cooperation_agreement", "project_document", "sponsorship"],
    "ict_applications": ["project_document", "voluntary_contribution", "cooperation_agreement"],
    "infrastructure": ["project_document", "voluntary_contribution"],
}
REGION_NAMES = {
    "AFR": "Africa",
    "AMS": "the Americas",
    "ARB": "the Arab States",
    "ASP": "Asia and the Pacific",
    "CIS": "the CIS region",
    "EUR": "Europe",
    "GLO": "developing countries worldwide",
}


@dataclass
class AgreementSpec:
    kind: str
    title: str
    partners: list[str]
    category: str
    objective: str


def _partner_pool(area: str, region: str):
    if area in ("climate_change_ewaste",):
        return UN[:4] + NGOS + INTERGOVERNMENTAL[2:3]
    if area == "ict_applications":
        return UN[5:7] + FOUNDATIONS[:3] + PRIVATE + FINANCIAL[:1]
    if area in ("infrastructure", "innovation"):
        return SECTOR_MEMBERS + FINANCIAL
    if area == "cybersecurity":
        return SECTOR_MEMBERS[5:7] + [(s, "member_state") for s in MEMBER_STATES[region]]
    if area == "generic":
        return UN + INTERGOVERNMENTAL + [(s, "member_state") for s in MEMBER_STATES[region]]
    return (
        SECTOR_MEMBERS[:4]
        + FOUNDATIONS[3:]
        + INTERGOVERNMENTAL
        + [(s, "member_state") for s in MEMBER_STATES[region]]
    )


def agreement_for(rng, year, regions, areas, *, centre_of_excellence=False) -> AgreementSpec:
    region, area = regions[0], areas[0]
    where = " and ".join(REGION_NAMES[code] for code in regions)
    if centre_of_excellence:
        partner = rng.choice(CENTRES_OF_EXCELLENCE[region])
        return AgreementSpec(
            kind="cooperation_agreement",
            title="Joint Capacity-Building Activities under the ITU Academy Centres of Excellence",
            partners=[partner],
            category="academia",
            objective=(
                f"Deliver joint training courses of the ITU Academy with {partner} for "
                f"{where}, {year}–{year + 3}."
            ),
        )
    name, category = rng.choice(_partner_pool(area, region))
    partners = [name]
    if rng.random() < 0.12:
        other, _ = rng.choice(UN + INTERGOVERNMENTAL)
        if other != name:
            partners.append(other)
    kind = rng.choice(KINDS.get(area, ["cooperation_agreement", "project_document", "mou"]))
    topic = rng.choice(TITLES[area])
    return AgreementSpec(
        kind=kind,
        title=f"{topic} — {where}",
        partners=partners,
        category=category,
        objective=(
            f"{topic} with {' and '.join(partners)} for {where}: joint activities, expertise "
            "and resources to support the regional initiatives of the Buenos Aires Action Plan."
        ),
    )
