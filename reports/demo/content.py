"""
The demo desk: series, entities, quotes and reports for trying the site out.

The reports restate public facts in the desk's own words; the figures (series numbers, Arabic
renderings) are illustrative. Entities and quotes are referred to by slug.
"""
import datetime as dt

# slug, name, short name, description, complimentary line
SERIES = [
    ("jttm", "Jihad and Terrorism Threat Monitor", "JTTM", "Daily monitoring of the statements, claims and threats of jihadi groups and militias.",
     "JTTM reports are written for subscribers; this one is open to every reader, free of charge."),
    ("cyber-jihad-lab", "Cyber & Jihad Lab", "", "How militant groups use online platforms, and what can be done about it.", ""),
    ("special-dispatch", "Special Dispatch", "", "Translations of statements, speeches and articles, with context.", ""),
    ("inquiry-analysis", "Inquiry & Analysis", "", "In-depth studies of movements, networks and their messaging.", ""),
]

# slug, name, description (the closing box of its reports), website
PROGRAMMES = [
    ("cyber-jihad-lab", "Cyber & Jihad Lab",
     "The Lab tracks how jihadi groups and militias use Telegram, social media and other online platforms to "
     "recruit, raise money and spread threats, and works with governments and technology companies to counter them.",
     ""),
]

COUNTRIES = [
    ("iraq", "Iraq", "IQ"),
    ("syria", "Syria", "SY"),
    ("lebanon", "Lebanon", "LB"),
    ("israel", "Israel", "IL"),
    ("palestinian-territories", "Palestinian territories", "PS"),
    ("yemen", "Yemen", "YE"),
    ("iran", "Iran", "IR"),
    ("united-states", "United States", "US"),
    ("red-sea", "Red Sea region", ""),
]

# slug: (name, kind, parent slug, state sponsor slug, countries, aliases, designations, description)
ORGANIZATIONS = {
    "islamic-resistance-in-iraq": (
        "Islamic Resistance in Iraq", "umbrella", None, "iran", ["iraq", "syria"],
        ["Al-Muqawama Al-Islamiya fi Al-Iraq", "IRI"], [],
        "A label under which Iran-backed Iraqi militias have claimed attacks on U.S. forces since October 2023.",
    ),
    "popular-mobilization-units": (
        "Popular Mobilization Units", "state_body", None, None, ["iraq"],
        ["PMU", "PMF", "Popular Mobilization Forces", "Al-Hashd Al-Sha'bi", "Hashd al-Shaabi"], [],
        "An Iraqi state umbrella of mostly Shi'ite armed factions, formed in 2014 to fight ISIS.",
    ),
    "ansar-allah-al-awfiya": (
        "Ansar Allah Al-Awfiya'", "militia", "islamic-resistance-in-iraq", "iran", ["iraq"],
        ["Harakat Ansar Allah Al-Awfiya'"], [],
        "An Iran-backed Iraqi militia.",
    ),
    "kataib-hizbullah": (
        "Kata'ib Hizbullah", "militia", "islamic-resistance-in-iraq", "iran", ["iraq", "syria"],
        ["Kataib Hezbollah", "Hizbullah Brigades"],
        [("U.S. Department of State", "Foreign Terrorist Organization", dt.date(2009, 7, 2))],
        "An Iran-backed Iraqi militia and one of the most prominent factions of the PMU.",
    ),
    "hizbullah": (
        "Hizbullah", "party", None, "iran", ["lebanon", "syria"],
        ["Hezbollah", "Hizballah", "Hizbollah", "Hizb Allah"],
        [("U.S. Department of State", "Foreign Terrorist Organization", dt.date(1997, 10, 8))],
        "The Lebanese Shi'ite party and militia.",
    ),
    "ansar-allah": (
        "Ansar Allah", "movement", None, "iran", ["yemen", "red-sea"],
        ["Houthis", "Huthis", "Al-Houthi movement", "Ansarullah"],
        [("U.S. Department of State", "Specially Designated Global Terrorist", dt.date(2024, 2, 16))],
        "The Yemeni movement led by the Houthi family, in control of Sanaa since 2014.",
    ),
    "hamas": (
        "Hamas", "movement", None, "iran", ["palestinian-territories"],
        ["Islamic Resistance Movement", "Harakat Al-Muqawama Al-Islamiya"],
        [("U.S. Department of State", "Foreign Terrorist Organization", dt.date(1997, 10, 8))],
        "The Palestinian Islamist movement that ruled the Gaza Strip.",
    ),
}

# slug: (name, aliases, [(title, organization slug, started, ended)], description)
PEOPLE = {
    "adel-al-karawi": (
        "'Adel Al-Kar'awi", ["Adil al-Karawi"],
        [("Commander", "ansar-allah-al-awfiya", None, None)],
        "A commander of the Ansar Allah Al-Awfiya' militia.",
    ),
    "muhammad-al-basri": (
        "Muhammad Al-Basri", ["Mohammed al-Basri", "Mohammad Al-Basri"],
        [("Commander", "popular-mobilization-units", None, None)],
        "A commander in the Popular Mobilization Units.",
    ),
    "abd-al-malik-al-houthi": (
        "'Abd Al-Malik Al-Houthi", ["Abdul-Malik al-Houthi", "Abdulmalik al-Huthi", "Abd al-Malik al-Huthi"],
        [("Leader", "ansar-allah", dt.date(2004, 9, 10), None)],
        "The leader of the Ansar Allah (Houthi) movement in Yemen.",
    ),
    "hassan-nasrallah": (
        "Hassan Nasrallah", ["Hasan Nasrallah", "Hassan Nasr Allah"],
        [("Secretary-General", "hizbullah", dt.date(1992, 2, 16), dt.date(2024, 9, 27))],
        "Secretary-General of Hizbullah from 1992 until he was killed in 2024.",
    ),
}

# slug: (name, kind, country, language, stance, url, aliases)
OUTLETS = {
    "al-akhbar": (
        "Al-Akhbar", "newspaper", "lebanon", "ar", "pro-Hizbullah", "https://www.al-akhbar.com/",
        ["Al Akhbar", "Al-Akhbar Daily"],
    ),
    "sabereen-news": (
        "Sabereen News", "telegram", "iraq", "ar", "linked to Iran-backed Iraqi militias", "",
        ["Sabreen News", "Saberin News"],
    ),
    "al-masirah": (
        "Al-Masirah", "tv", "yemen", "ar", "Ansar Allah (Houthi) channel", "https://www.almasirah.net/",
        ["Al-Maseera", "Almasirah TV"],
    ),
    "al-manar": (
        "Al-Manar", "tv", "lebanon", "ar", "Hizbullah's channel", "https://www.almanar.com.lb/",
        ["Al Manar TV"],
    ),
}

# key: (person, organization, outlet, date, original text, translation)
QUOTES = {
    "karawi-sovereignty": (
        "adel-al-karawi", "ansar-allah-al-awfiya", "al-akhbar", dt.date(2023, 12, 1),
        "سنعود إلى ضرب القوات الأمريكية ما دامت تنتهك سيادة العراق وتقتل أبناءه.",
        "We will go back to striking the American forces for as long as they trample Iraq's sovereignty and kill its sons.",
    ),
    "karawi-israel": (
        "adel-al-karawi", "ansar-allah-al-awfiya", "al-akhbar", dt.date(2023, 12, 1),
        "إذا استمرت الحرب على غزة فلن يقتصر ردنا على العراق وسوريا.",
        "If the war on Gaza goes on, our answer will not stop at Iraq and Syria.",
    ),
    "basri-strategic": (
        "muhammad-al-basri", "popular-mobilization-units", "al-akhbar", dt.date(2023, 12, 1),
        "عملياتنا القادمة ستكون نوعية، وتوقيتها مرهون بتحركات الأمريكيين والإسرائيليين.",
        "Our coming operations will be of a different quality, and their timing depends on what the Americans and Israelis do.",
    ),
    "iri-statement": (
        None, "islamic-resistance-in-iraq", "sabereen-news", dt.date(2023, 11, 30),
        "نحذر من أن عملياتنا ستستأنف داخل العراق وخارجه إذا أصرت أمريكا على استمرار الحرب.",
        "We warn that our operations will resume inside and outside Iraq if America insists on continuing the war.",
    ),
    "houthi-ships": (
        "abd-al-malik-al-houthi", "ansar-allah", "al-masirah", dt.date(2023, 11, 22),
        "سفن العدو الإسرائيلي في البحر الأحمر هدف مشروع لقواتنا.",
        "The ships of the Israeli enemy in the Red Sea are a legitimate target for our forces.",
    ),
}

KARAWI_BODY = """\
When Hamas and Israel began a truce in Gaza on November 24, 2023, the Iran-backed militias in
Iraq stopped the attacks on U.S. bases in Iraq and Syria that they had been claiming since
October 7, and said they would hold fire while the truce lasted.[1]

The truce collapsed on December 1. The same day the Lebanese daily Al-Akhbar, which is close to
Hizbullah, ran interviews in which two Iraqi commanders set out the conditions for a return to
attacks.[2]

## Ansar Allah Al-Awfiya': "not only in Iraq and Syria"

'Adel Al-Kar'awi, a commander of the Ansar Allah Al-Awfiya' militia, called the U.S. presence in
Iraq unwanted and made renewed attacks conditional on American strikes on Iraqi territory and on
the Popular Mobilization Units. Should the Gaza war continue, he said, the militias would aim at
Israel itself.

## The PMU: strikes tied to American and Israeli moves

Muhammad Al-Basri, a commander in the Popular Mobilization Units, spoke of "strategic" operations
should the Gaza war resume, their timing set by American and Israeli actions, and named a U.S.
strike on the Houthis of Yemen as a trigger. He said the Iraqi government may direct the militias
on Iraq's own interests, but not on the question of Palestine.

## The umbrella statement

A day earlier, on November 30, Telegram channels close to the militias had carried a statement of
the "Islamic Resistance in Iraq" warning of attacks inside and outside Iraq if the U.S. kept the
war in Gaza and southern Lebanon going.[3]
"""

HOUTHI_BODY = """\
On November 19, 2023, Houthi forces landed from a helicopter on the cargo ship *Galaxy Leader* in
the Red Sea and took it and its crew to the Yemeni port of Hodeidah.[1]

In a televised speech three days later, the movement's leader, 'Abd Al-Malik Al-Houthi, said that
ships he described as Israeli were legitimate targets, and called on the movement's naval forces
to search for them.[2]

## What the threat covers

The wording left open which ships count as Israeli: owned, managed, flagged or simply bound for
Israeli ports. Shipping companies read it broadly, and several began to route vessels away from
the Bab Al-Mandab strait.

## Reading the signal

The desk assesses that the movement is using the Red Sea as leverage of its own in the Gaza war,
and that its media present each seizure or strike as proof of a reach that Iran's other partners
lack.
"""

IRI_BODY = """\
Since October 2023, claims of drone and rocket attacks on U.S. forces in Iraq and Syria have
appeared under one name: the "Islamic Resistance in Iraq". No faction signs them.[1]

## Why one brand

The label lets factions such as Kata'ib Hizbullah and Ansar Allah Al-Awfiya' claim operations
without exposing a single group to retaliation, while their members keep their places in the
state-funded Popular Mobilization Units.

## How the claims travel

Statements appear first on a small number of Telegram channels, among them Sabereen News, and
are then picked up by friendly television channels and dailies in Lebanon and Iraq.[2]

## What to watch

A claim signed by a named faction, rather than by the umbrella, would mark a change in how much
responsibility the militias are willing to carry.
"""

TELEGRAM_BODY = """\
Channels that carry the militias' statements post them within minutes of each attack, with video
where they have it, and repost each other's material. When one channel is removed, a mirror with
a near-identical name appears within days.[1]

The desk tracks these channels and records each statement it translates, so that subscribers can
follow a claim from its first appearance to its echo in the press.
"""

DRAFT_BODY = """\
Notes in progress on the messaging of Hizbullah's Secretary-General during the truce. Not for
publication yet.
"""

# slug: dict of report fields; relations are referred to by slug.
REPORTS = {
    "iraqi-militia-commanders-warn-attacks-will-resume": {
        "title": "Iraqi Militia Commanders Tell Lebanese Daily That Attacks On U.S. Forces Will Resume If The Gaza War Continues",
        "series": "jttm",
        "number": None,
        "published_at": dt.datetime(2023, 12, 1, 15, 0, tzinfo=dt.timezone.utc),
        "status": "published",
        # For JTTM subscribers first, complimentary since: the seed report's "now a complimentary offering".
        "tier": "jttm",
        "access_changes_at": dt.datetime(2024, 1, 15, 12, 0, tzinfo=dt.timezone.utc),
        "access_after": None,
        "programme": "cyber-jihad-lab",
        "summary": "As the Gaza truce ended on December 1, 2023, commanders of Iran-backed Iraqi militias told "
        "Al-Akhbar they would renew attacks on U.S. forces, and on Israel, under conditions they set out.",
        "body": KARAWI_BODY,
        "footnotes": [
            ("Statement of the Islamic Resistance in Iraq on the Gaza truce, posted on Telegram, November 24, 2023.", "", "sabereen-news"),
            ("Al-Akhbar (Lebanon), December 1, 2023.", "https://www.al-akhbar.com/", "al-akhbar"),
            ("Telegram channels linked to Iran-backed militias, November 30, 2023.", "", "sabereen-news"),
        ],
        "quotes": ["karawi-sovereignty", "karawi-israel", "basri-strategic", "iri-statement"],
        "tags": ["Iraqi militias", "Gaza war", "U.S. forces", "threats"],
        "countries": ["iraq", "syria", "israel", "united-states"],
        "organizations": ["islamic-resistance-in-iraq", "ansar-allah-al-awfiya", "popular-mobilization-units", "ansar-allah"],
        "people": ["adel-al-karawi", "muhammad-al-basri"],
        "outlets": ["al-akhbar", "sabereen-news"],
        "related": ["islamic-resistance-in-iraq-one-brand-many-militias"],
    },
    "houthi-leader-ships-legitimate-targets": {
        "title": "Houthi Leader: Israeli Ships In The Red Sea Are Legitimate Targets",
        "series": "special-dispatch",
        "number": 10981,
        "published_at": dt.datetime(2023, 11, 23, 14, 0, tzinfo=dt.timezone.utc),
        "status": "published",
        "tier": "jttm",
        "summary": "Days after Houthi forces seized the Galaxy Leader, the movement's leader declared ships he "
        "called Israeli legitimate targets. What the threat covers, and what it signals.",
        "body": HOUTHI_BODY,
        "footnotes": [
            ("Al-Masirah (Yemen), November 19, 2023.", "https://www.almasirah.net/", "al-masirah"),
            ("Speech of 'Abd Al-Malik Al-Houthi, Al-Masirah, November 22, 2023.", "", "al-masirah"),
        ],
        "quotes": ["houthi-ships"],
        "tags": ["Houthis", "Red Sea", "shipping", "threats"],
        "countries": ["yemen", "red-sea", "israel"],
        "organizations": ["ansar-allah"],
        "people": ["abd-al-malik-al-houthi"],
        "outlets": ["al-masirah"],
        "related": [],
    },
    "islamic-resistance-in-iraq-one-brand-many-militias": {
        "title": "One Brand, Many Militias: How The 'Islamic Resistance In Iraq' Claims Attacks",
        "series": "inquiry-analysis",
        "number": 1742,
        "published_at": dt.datetime(2023, 12, 5, 13, 0, tzinfo=dt.timezone.utc),
        "status": "published",
        "tier": "premium",
        "summary": "Why Iran-backed Iraqi factions claim their attacks on U.S. forces under a single umbrella name, "
        "and how those claims reach the region's media.",
        "body": IRI_BODY,
        "footnotes": [
            ("Statements of the Islamic Resistance in Iraq, October–December 2023.", "", "sabereen-news"),
            ("Al-Akhbar (Lebanon), December 1, 2023.", "https://www.al-akhbar.com/", "al-akhbar"),
        ],
        "quotes": ["iri-statement"],
        "tags": ["Iraqi militias", "propaganda", "U.S. forces"],
        "countries": ["iraq", "syria", "iran"],
        "organizations": ["islamic-resistance-in-iraq", "kataib-hizbullah", "ansar-allah-al-awfiya", "popular-mobilization-units"],
        "people": [],
        "outlets": ["sabereen-news", "al-akhbar"],
        "related": ["iraqi-militia-commanders-warn-attacks-will-resume"],
    },
    "militia-telegram-channels-mirror-and-repost": {
        "title": "Militia Telegram Channels Mirror And Repost To Outlast Removal",
        "series": "cyber-jihad-lab",
        "number": None,
        "published_at": dt.datetime(2023, 12, 4, 16, 0, tzinfo=dt.timezone.utc),
        "status": "published",
        "tier": "jttm",
        "summary": "The Telegram channels that carry Iraqi militia statements repost one another and reappear "
        "under new names when removed.",
        "body": TELEGRAM_BODY,
        "footnotes": [("Desk monitoring of Telegram channels, November–December 2023.", "", "sabereen-news")],
        "quotes": [],
        "tags": ["Telegram", "propaganda", "Iraqi militias"],
        "countries": ["iraq"],
        "organizations": ["islamic-resistance-in-iraq"],
        "people": [],
        "outlets": ["sabereen-news"],
        "related": [],
    },
    "nasrallah-truce-messaging-draft": {
        "title": "Hizbullah's Messaging During The Gaza Truce",
        "series": "jttm",
        "number": None,
        "published_at": None,
        "status": "draft",
        "tier": "jttm",
        "summary": "Work in progress.",
        "body": DRAFT_BODY,
        "footnotes": [],
        "quotes": [],
        "tags": ["Hizbullah"],
        "countries": ["lebanon"],
        "organizations": ["hizbullah"],
        "people": ["hassan-nasrallah"],
        "outlets": ["al-manar"],
        "related": [],
    },
}

# Free trials the tiers offer, in days (subscription managers change them in the admin).
TRIAL_DAYS = {"jttm": 14, "premium": 7}

# username: (group, is_staff, tier slug of an active subscription or None)
USERS = {
    "analyst": ("Analysts", True, None),
    "editor": ("Editors", True, None),
    "manager": ("Subscription managers", True, None),
    "subscriber": (None, False, "premium"),
    "reader": (None, False, None),
}
